"""End to end with the real tools: the test box boots under libvirt (software emulation),
provisions with shell and with Ansible from the host, reaches PyPI, packages, is destroyed.
"""

from __future__ import annotations

import json
import tarfile

import pytest

from tests.toolcheck import need_tool
from tests.vmbox import libvirt
from tests.vmbox.box import box_vagrantfile
from tests.vmbox.fixtures import assert_no_leftovers

pytestmark = pytest.mark.vm

VAGRANTFILE = """\
Vagrant.configure("2") do |config|
  config.vm.box = "{box}"
  config.vm.box_version = "{version}"
  config.vm.provider :libvirt do |lv|
    lv.driver = "qemu"
  end
  config.vm.provision "marker", type: "shell", inline: "echo shell-ok > /home/vagrant/shell-marker"
  # Ansible runs on the host: installing it in an emulated guest takes many minutes.
  config.vm.provision "playbook", type: "ansible" do |ansible|
    ansible.playbook = "playbook.yml"
    ansible.compatibility_mode = "2.0"
  end
  # Only run on demand: shows what ansible_local does when the guest has no Ansible.
  config.vm.provision "guest_ansible", type: "ansible_local", run: "never" do |ansible|
    ansible.playbook = "playbook.yml"
    ansible.install = false
  end
end
"""

PLAYBOOK = """\
- hosts: all
  become: true
  gather_facts: false
  tasks:
    - name: Leave a marker
      ansible.builtin.copy:
        content: "ansible-ok\\n"
        dest: /root/ansible-marker
        mode: "0600"
"""

# The packaged box keeps its kernel: `vagrant package` writes its own box Vagrantfile
# (driver "kvm", no kernel) and loads the test box's one (box_vagrantfile) after it.


def test_box_boots_provisions_packages_and_is_destroyed(vagrant_home, vagrant_project):
    need_tool("ansible-playbook")
    project = vagrant_project
    (project.path / "Vagrantfile").write_text(
        VAGRANTFILE.format(box=vagrant_home.box_name, version=vagrant_home.box_version))
    (project.path / "playbook.yml").write_text(PLAYBOOK)

    project.vagrant("up", "--provider=libvirt")
    assert any(d.startswith(project.prefix) for d in libvirt.domains())

    out = project.vagrant_output(
        "ssh", "-c", "python3 --version && sudo true && cat ~/shell-marker && sudo cat /root/ansible-marker")
    assert "Python 3.11" in out
    assert "shell-ok" in out and "ansible-ok" in out

    # The guest trusts this host's intercepting CA, so pip reaches PyPI.
    out = project.vagrant_output(
        "ssh", "-c", "python3 -m pip download --no-deps --dest /tmp/dl six && ls /tmp/dl")
    assert ".whl" in out or ".tar.gz" in out

    # ansible_local with `install = false` needs Ansible in the guest; this box has none.
    out = project.vagrant_output("provision", "--provision-with", "guest_ansible", check=False)
    assert "ansible-playbook: command not found" in out

    box_dir = (vagrant_home.path / "boxes" / vagrant_home.box_name.replace("/", "-VAGRANTSLASH-")
               / vagrant_home.box_version / "libvirt")
    (project.path / "package.Vagrantfile").write_text(box_vagrantfile())
    project.vagrant("package", "--output", "built.box", "--vagrantfile", "package.Vagrantfile",
                    "--include", f"{box_dir / 'vmlinuz'},{box_dir / 'initrd.img'}")
    with tarfile.open(project.path / "built.box") as tar:
        names = {name.lstrip("./") for name in tar.getnames()}
        metadata = json.load(tar.extractfile(next(m for m in tar.getmembers()
                                                  if m.name.lstrip("./") == "metadata.json")))
    assert {"box.img", "Vagrantfile", "include/_Vagrantfile", "include/vmlinuz",
            "include/initrd.img"} <= names
    assert metadata["provider"] == "libvirt" and metadata["format"] == "qcow2"

    project.vagrant("destroy", "-f")
    assert not [d for d in libvirt.domains() if d.startswith(project.prefix)]
    assert not [v for v in libvirt.volumes() if v.startswith(project.prefix)]
    assert_no_leftovers(str(project.path), project.prefix)
