"""Leaving HCP Vagrant: boxes of the local cache imported into a registry with the real
``vagrant box repackage``, then added back from it; a Vagrantfile pointed at it."""

from __future__ import annotations

import subprocess

import pytest

from tests.registry.helpers import boxes_in, gaev, make_box, vagrant
from tests.toolcheck import need_tool

pytestmark = pytest.mark.tools


def test_import_cached_boxes_then_add_them_from_the_registry(tmp_path):
    need_tool("vagrant")
    home = tmp_path / "vagrant.d"
    vagrant(home, "box", "add", "--name", "bento/demo", str(make_box(tmp_path / "demo.box")))
    # A box added from a file has version 0: numeric, so it can be imported as is.
    registry = tmp_path / "registry"
    gaev("registry", "init", str(registry))
    done = gaev("registry", "import", "bento/demo", "--to", str(registry), env={"VAGRANT_HOME": str(home)})
    assert "published bento/demo 0 (libvirt)" in done.stdout
    other = tmp_path / "other.d"
    vagrant(other, "box", "add", f"{registry.as_uri()}/bento/demo/metadata.json")
    assert boxes_in(other) == {("bento/demo", "0", "libvirt")}
    missing = gaev("registry", "import", "bento/nothing", "--to", str(registry), env={"VAGRANT_HOME": str(home)},
                   check=False)
    assert missing.returncode == 2 and "no such box in the local Vagrant cache" in missing.stderr


def test_migrate_points_the_vagrantfile_at_the_registry(tmp_path):
    need_tool("ruby")
    vf = tmp_path / "Vagrantfile"
    vf.write_text("Vagrant.configure('2') do |config|\n  config.vm.box = \"bento/ubuntu-22.04\"\n"
                  "  config.vm.box_url = 'https://vagrantcloud.com/bento/ubuntu-22.04'\n  config.vm.hostname = 'x'\nend\n")
    gaev("migrate", str(vf), "--registry", "https://boxes.example.org/lab")
    text = vf.read_text()
    assert "config.vm.box_url = 'https://boxes.example.org/lab/bento/ubuntu-22.04/metadata.json'" in text
    assert "vagrantcloud" not in text and "config.vm.hostname = 'x'" in text
    subprocess.run(["ruby", "-c", str(vf)], check=True, capture_output=True)
    vf.write_text("Vagrant.configure('2') do |c|\nend\n")
    done = gaev("migrate", str(vf), "--registry", "https://boxes.example.org", check=False)
    assert done.returncode == 2 and "found 0" in done.stderr
