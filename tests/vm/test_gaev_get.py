"""``gaev get`` brings a published box up as a project, for real: the test box is
published to a directory registry (file://) with a spec saying libvirt in plain QEMU, one
CPU, 768 MB, a forwarded port and a shared folder; ``gaev get ORG/BOX`` (through a source
added with ``gaev registry add-source``) adds it with the real Vagrant and writes the
project; ``vagrant up`` runs it with those settings; then the VM, the box and its libvirt
volume are removed. Marker ``vm`` (a few minutes)."""

from __future__ import annotations

import os
import secrets
import shutil
import urllib.request

import pytest

from gaev_tui.boxbuild.machine import provider_name
from tests.registry.servers import free_port
from tests.toolcheck import need, need_tool
from tests.vmbox import libvirt
from tests.vmbox.fixtures import gaev
from tests.vmbox.vagrant_env import VAGRANT_ENV, VagrantProject, project_name, traversable_dir

pytestmark = pytest.mark.vm

SPEC = """\
name: {name}
os: debian-12
provider: libvirt
provider_options: {{driver: qemu}}
resources: {{cpus: 1, memory_mb: 768}}
network:
  forwarded_ports: [{{guest: 8000, host: {port}}}]
shared_folders: [{{host: data, guest: /srv/data}}]
"""

# In the guest: serve the shared folder on port 8000, detached from the SSH session (no
# descriptor of it kept open, or ``vagrant ssh -c`` would wait for the server), and return
# once it answers, so the host's request below needs no retry.
SERVE = ("setsid python3 -m http.server 8000 --directory /srv/data </dev/null >/tmp/http.log 2>&1 & "
         "for i in $(seq 100); do python3 -c 'import urllib.request as u; u.urlopen(\"http://127.0.0.1:8000/\")' "
         "2>/dev/null && echo serving && break; sleep 0.2; done")


def ok(done) -> str:
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture
def consumer_home(libvirt_ready, monkeypatch):
    """A fresh VAGRANT_HOME (reachable by libvirt's qemu user: the box's kernel is in it),
    set in this test's environment, so ``gaev get`` and Vagrant use it; removed after."""
    need_tool("vagrant", "virsh", "rsync")
    home = traversable_dir("gaev-vagrant-home-")
    for key, value in {**VAGRANT_ENV, "VAGRANT_HOME": str(home)}.items():
        monkeypatch.setenv(key, value)
    try:
        if libvirt.vagrant_libvirt_version() is None:
            need("vagrant does not load the vagrant-libvirt plugin (apt-get install vagrant-libvirt)")
        yield home
    finally:
        shutil.rmtree(home, ignore_errors=True)


def test_gaev_get_brings_the_published_box_up_with_its_spec(debian_box_file, consumer_home, tmp_path):
    name, port = f"gget{secrets.token_hex(3)}", free_port()
    spec = tmp_path / "gaev.yaml"
    spec.write_text(SPEC.format(name=name, port=port))
    published, registry = tmp_path / "published", tmp_path / "registry"
    ok(gaev("generate", str(spec), "-o", str(published)))
    (published / "builds").mkdir()
    try:  # the box as `gaev build` leaves it (a link: it is 500 MB)
        os.link(debian_box_file, published / "builds" / f"{name}-libvirt.box")
    except OSError:
        shutil.copyfile(debian_box_file, published / "builds" / f"{name}-libvirt.box")
    ok(gaev("registry", "init", str(registry), "--org", "lab"))
    ok(gaev("publish", str(published), "--to", str(registry), timeout=600))
    ok(gaev("registry", "add-source", registry.as_uri()))

    dest = tmp_path / project_name()
    out = ok(gaev("get", f"lab/{name}", "-o", str(dest), timeout=900))
    assert f"next: cd {dest} && vagrant up --provider=libvirt" in out
    vm = provider_name(name, dest, "libvirt")  # the Vagrantfile's gaev_vm_name + vagrant-libvirt's machine
    project = VagrantProject(path=dest, vagrant_home=consumer_home, log=tmp_path / "vagrant.log", vm_names=[vm])
    base_volume = f"lab-VAGRANTSLASH-{name}_vagrant_box_image_"
    token = secrets.token_hex(8)
    try:
        (dest / "data").mkdir()
        (dest / "data" / "hello.txt").write_text(token)
        project.vagrant("up", "--provider=libvirt", timeout=1200)

        # The spec's provider settings took effect: plain QEMU (KVM is not needed), 1 CPU, 768 MB.
        xml = libvirt.virsh("dumpxml", vm).stdout
        assert "<domain type='qemu'" in xml, xml[:200]
        assert "<memory unit='KiB'>786432</memory>" in xml and ">1</vcpu>" in xml, xml
        # The shared folder reached the guest (rsync), and the forwarded port reaches the
        # guest's server from this host's 127.0.0.1.
        served = project.vagrant_output("ssh", "-c", f"echo cpus=$(nproc) file=$(cat /srv/data/hello.txt); {SERVE}",
                                        timeout=300)
        assert f"cpus=1 file={token}" in served and "serving" in served, served
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/hello.txt", timeout=30) as resp:
            assert resp.read().decode() == token
        project.vagrant("destroy", "-f", timeout=600)
        assert vm not in libvirt.domains()
    finally:
        problems = project.teardown()
        project.vagrant("box", "remove", f"lab/{name}", "--box-version", "1.0.0", "--force", timeout=300, check=False)
        # `vagrant box remove` leaves the box's base volume in the libvirt pool.
        removed = libvirt.remove_prefixed(base_volume)
    assert problems == []
    assert [r for r in removed if r.startswith("volume ")], "vagrant-libvirt made no base volume of the box?"
    assert not [v for v in libvirt.volumes() if v.startswith(base_volume)]
