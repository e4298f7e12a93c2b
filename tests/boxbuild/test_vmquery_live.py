"""vmquery against the real libvirtd of this machine (a throw-away domain, no disk)."""

from __future__ import annotations

import subprocess
import uuid

import pytest

from gaev_tui.boxbuild.vmquery import LIBVIRT_URI, libvirt_vm
from tests.toolcheck import need, need_tool

pytestmark = pytest.mark.tools

XML = """<domain type='qemu'>
  <name>{name}</name>
  <memory unit='MiB'>64</memory>
  <vcpu>2</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
</domain>"""


def virsh(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["virsh", "-c", LIBVIRT_URI, *args], capture_output=True, text=True, check=check)


@pytest.fixture
def domain(tmp_path):
    need_tool("virsh")
    if virsh("version", check=False).returncode != 0:
        need("libvirtd is not reachable at qemu:///system (start it: 'virtlogd -d; libvirtd -d')")
    name = f"gaev-test-{uuid.uuid4().hex[:8]}"
    xml = tmp_path / "dom.xml"
    xml.write_text(XML.format(name=name))
    virsh("define", str(xml))
    yield name
    virsh("destroy", name, check=False)
    virsh("undefine", name, check=False)


def test_libvirt_vm_follows_the_domain(domain):
    off = libvirt_vm(domain)
    assert (off.state, off.cpus, off.memory_mb) == ("shutoff", 2, 64)
    virsh("start", domain)
    on = libvirt_vm(domain)
    assert on.state == "running" and on.detail == "running (booted)"
    virsh("destroy", domain)
    virsh("undefine", domain)
    assert libvirt_vm(domain).state == "not_created"


def test_vagrant_status_of_a_project_without_vm(tmp_path):
    need_tool("vagrant")
    from gaev_tui.boxbuild.vmquery import build_vm, vagrant_status

    (tmp_path / "Vagrantfile").write_text(
        'Vagrant.configure("2") do |config|\n  config.vm.box = "gaev/none"\n'
        '  config.vm.provider :libvirt do |lv|\n    lv.driver = "qemu"\n  end\nend\n'
    )
    status = vagrant_status(tmp_path)
    if not status:
        need("vagrant status gave no machine-readable output (vagrant-libvirt missing?)")
    assert status["default"].state == "not_created" and status["default"].provider == "libvirt"
    assert build_vm(tmp_path, "libvirt").state == "not_created"
