"""The default path of a build, end to end: `gaev generate` then `gaev build` of a
Debian 12 libvirt VM with `ansible_local` (no GAEV_ANSIBLE=host): the generated
Vagrantfile installs the pinned ansible-core in the guest (pip, in a venv, through the
host's CA, which the test box carries), runs the playbook there, cleans the Ansible
out again and packages the box. One apt package keeps it within CI's budget (the roles' Python side
is covered by the chroot runs; a venv made in an emulated guest costs minutes).
Marker ``vm`` (minutes)."""

from __future__ import annotations

import json
import subprocess

import pytest

from gaev_tui.catalog import load_catalog
from tests.toolcheck import need_tool
from tests.vmbox.fixtures import assert_no_leftovers, gaev

pytestmark = pytest.mark.vm

SPEC = """\
name: local-e2e
os: debian-12
provider: libvirt
provider_options: {{driver: qemu}}
base_box: {{name: {box}, version: "{version}"}}
resources: {{cpus: 1, memory_mb: 1024}}
packages:
  apt: [jq]
"""



def test_default_path_installs_the_pinned_ansible_in_the_guest(vagrant_environ, vagrant_project, monkeypatch):
    need_tool("bsdtar", "virt-sysprep", "virt-sparsify", "virsh")
    monkeypatch.delenv("GAEV_ANSIBLE", raising=False)  # the path users take: ansible_local
    pinned = load_catalog(include_user=False).oses["debian-12"].provisioning.ansible_core
    project = vagrant_project.path
    spec = project.parent / "gaev.yaml"
    spec.write_text(SPEC.format(box=vagrant_environ.box_name, version=vagrant_environ.box_version))
    generated = gaev("generate", str(spec), "-o", str(project), "--force", timeout=60)
    assert generated.returncode == 0, generated.stderr
    lock = json.loads((project / "gaev.lock.json").read_text())
    assert lock["ansible"]["ansible_core"] == pinned and lock["ansible"]["runs_on"] == "guest"

    built = gaev("build", str(project), "--yes", timeout=3000)
    output = built.stdout + built.stderr
    assert built.returncode == 0, output[-6000:]
    # The guest installed exactly the pinned ansible-core, and ansible_local used it.
    assert f"gaev: installed ansible-core {pinned} in /opt/gaev/ansible" in output, output[-6000:]
    assert "Running ansible-playbook..." in output, output[-6000:]
    assert "failed=0" in output and "PLAY RECAP" in output

    manifest = json.loads((project / "builds" / "local-e2e-libvirt.manifest.json").read_text())
    assert "jq" in {p["name"] for p in manifest["system_packages"]}

    domains = subprocess.run(["virsh", "-c", "qemu:///system", "list", "--all", "--name"], capture_output=True, text=True, check=True).stdout
    assert not [d for d in domains.split() if d.startswith(vagrant_project.prefix)]
    assert_no_leftovers(str(project), vagrant_project.prefix)
