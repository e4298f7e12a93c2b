"""Libvirt volumes left behind by removed boxes: found, sized, deleted unless a VM uses them."""

from __future__ import annotations

import json
import os
import subprocess
import uuid

import pytest

from gaev_tui.boxcache import libvirt
from gaev_tui.boxcache.machines import MachineUse
from gaev_tui.boxcache.model import Box
from gaev_tui.errors import GaevError
from tests.toolcheck import need, need_tool

# Captured from `virsh -q vol-list --pool default` with vagrant-libvirt 0.11.2 volumes.
VOL_LIST = """\
 gaev-VAGRANTSLASH-sci_vagrant_box_image_1.0.0_box.img   /var/lib/libvirt/images/gaev-VAGRANTSLASH-sci_vagrant_box_image_1.0.0_box.img
 gaev-VAGRANTSLASH-sci_vagrant_box_image_2.0.0_box.img   /var/lib/libvirt/images/gaev-VAGRANTSLASH-sci_vagrant_box_image_2.0.0_box.img
 local_vagrant_box_image_0_1717171717_box.img            /var/lib/libvirt/images/local_vagrant_box_image_0_1717171717_box.img
 multi_vagrant_box_image_3.1_disk-SLASH-data.img         /var/lib/libvirt/images/multi_vagrant_box_image_3.1_disk-SLASH-data.img
 project_default.img                                     /var/lib/libvirt/images/project_default.img
"""


def test_parse_vol_list_keeps_box_volumes_only():
    vols = libvirt.parse_vol_list("default", VOL_LIST)
    assert [(v.box_name, v.box_version) for v in vols] == [
        ("gaev/sci", "1.0.0"), ("gaev/sci", "2.0.0"), ("local", "0_1717171717"), ("multi", "3.1")]
    assert vols[0].path == "/var/lib/libvirt/images/gaev-VAGRANTSLASH-sci_vagrant_box_image_1.0.0_box.img"


def use(name, version):
    return MachineUse("default", "/p", name, "libvirt", version, None, known=True)


def test_leftovers_skip_installed_and_used_boxes(tmp_path):
    vols = libvirt.parse_vol_list("default", VOL_LIST)
    installed = [Box("gaev/sci", "2.0.0", "libvirt", None, path=tmp_path)]
    left = libvirt.leftovers(vols, installed, [use("multi", "3.1")])
    assert [v.name.split("_vagrant")[0] + " " + v.box_version for v in left] == [
        "gaev-VAGRANTSLASH-sci 1.0.0", "local 0_1717171717"]
    assert libvirt.leftovers(vols, installed, None) == []  # unreadable index: touch nothing
    # A version-0 box's volume carries its disk's mtime: an installed one matches.
    local = tmp_path / "local"
    local.mkdir()
    (local / "box.img").write_bytes(b"")
    os.utime(local / "box.img", (1717171717, 1717171717))
    installed.append(Box("local", "0", "libvirt", None, path=local))
    left = libvirt.leftovers(vols, installed, [use("multi", "3.1")])
    assert [v.box_version for v in left] == ["1.0.0"]


class FakeVirsh:
    """Answers like virsh for one pool where project_default.img is built on sci 1.0.0."""

    def __init__(self):
        self.calls = []

    def __call__(self, args):
        self.calls.append(args)
        if args[:2] == ["-q", "pool-list"]:
            return "default\n"
        if args[:2] == ["-q", "vol-list"]:
            return VOL_LIST
        if args[0] == "vol-dumpxml":
            backing = ("<backingStore><path>/var/lib/libvirt/images/gaev-VAGRANTSLASH-sci_vagrant_box_image_"
                       "1.0.0_box.img</path></backingStore>") if args[-1] == "project_default.img" else ""
            return f"<volume><name>{args[-1]}</name>{backing}</volume>"
        if args[0] == "vol-info":
            return f"Name:           {args[-1]}\nType:           file\nCapacity:       10485760 bytes\nAllocation:     200704 bytes\n"
        if args[0] == "vol-delete":
            return f"Vol {args[-1]} deleted\n"
        raise AssertionError(args)


def test_delete_refuses_a_volume_backing_a_vm_disk():
    fake = FakeVirsh()
    vols = libvirt.box_volumes(fake)
    assert len(vols) == 4
    with pytest.raises(GaevError, match=r"backs project_default\.img"):
        libvirt.delete_volume(vols[0], fake)
    assert not any(c[0] == "vol-delete" for c in fake.calls)
    libvirt.delete_volume(vols[1], fake)
    assert fake.calls[-1] == ["vol-delete", "--pool", "default", vols[1].name]
    assert libvirt.allocation(vols[1], fake) == 200704


@pytest.fixture
def pool(tmp_path):
    """A throw-away directory pool in the running libvirtd."""
    need_tool("virsh")
    probe = subprocess.run(["virsh", "-q", "pool-list", "--name"], capture_output=True, text=True)
    if probe.returncode != 0:
        need(f"libvirtd is not running or not reachable ({probe.stderr.strip()})")
    name = f"gaev-test-{uuid.uuid4().hex[:8]}"
    subprocess.run(["virsh", "pool-create-as", name, "dir", "--target", str(tmp_path)], check=True,
                   capture_output=True)
    yield name
    subprocess.run(["virsh", "pool-destroy", name], capture_output=True)


def test_real_virsh_finds_and_deletes_leftovers(pool):
    def vol(name, backing=None):
        cmd = ["virsh", "vol-create-as", pool, name, "1M", "--format", "qcow2"]
        if backing:
            cmd += ["--backing-vol", backing, "--backing-vol-format", "qcow2"]
        subprocess.run(cmd, check=True, capture_output=True)

    vol("gone-VAGRANTSLASH-box_vagrant_box_image_1.0_box.img")
    vol("used-VAGRANTSLASH-box_vagrant_box_image_2.0_box.img")
    vol("vm_default.img", backing="used-VAGRANTSLASH-box_vagrant_box_image_2.0_box.img")
    left = [v for v in libvirt.leftovers(libvirt.box_volumes(), [], []) if v.pool == pool]
    assert sorted(v.box_name for v in left) == ["gone/box", "used/box"]
    for v in left:
        assert libvirt.allocation(v) is not None
    by_name = {v.box_name: v for v in left}
    libvirt.delete_volume(by_name["gone/box"])
    with pytest.raises(GaevError, match=r"backs vm_default\.img"):
        libvirt.delete_volume(by_name["used/box"])
    names = subprocess.run(["virsh", "-q", "vol-list", "--pool", pool], capture_output=True, text=True).stdout
    assert "gone-VAGRANTSLASH-box" not in names and "used-VAGRANTSLASH-box" in names


def test_cli_volumes_lists_and_deletes_only_after_yes(pool, tmp_path, monkeypatch, capsys):
    from gaev_tui.cli.main import main
    from tests.boxcache.helpers import make_box

    home = tmp_path / "vagrant.d"
    make_box(home, "kept/box", "1.0")  # still installed: its volume is no leftover
    monkeypatch.setenv("VAGRANT_HOME", str(home))
    for name in ("kept-VAGRANTSLASH-box_vagrant_box_image_1.0_box.img",
                 "old-VAGRANTSLASH-box_vagrant_box_image_0.9_box.img"):
        subprocess.run(["virsh", "vol-create-as", pool, name, "1M"], check=True, capture_output=True)
    assert main(["boxes", "volumes", "--pool", pool, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(v["box"], v["version"]) for v in listed] == [("old/box", "0.9")]
    assert listed[0]["size_bytes"] is not None
    assert main(["boxes", "volumes", "--pool", pool, "--delete"]) == 2  # no terminal, no --yes
    assert main(["boxes", "volumes", "--pool", pool, "--delete", "--yes"]) == 0
    names = subprocess.run(["virsh", "-q", "vol-list", "--pool", pool], capture_output=True, text=True).stdout
    assert "old-VAGRANTSLASH-box" not in names and "kept-VAGRANTSLASH-box" in names
