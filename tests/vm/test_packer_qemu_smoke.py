"""A real ``packer build`` (qemu builder, software emulation) starting from the test box's
disk image, with a shell provisioner and the vagrant post-processor writing a libvirt box.
"""

from __future__ import annotations

import json
import tarfile

import pytest

from tests.toolcheck import need_tool
from tests.vmbox.box import HERE, box_vagrantfile, vagrant_insecure_key
from tests.vmbox.fixtures import assert_no_leftovers
from tests.vmbox.procs import run, run_output
from tests.vmbox.rootfs import CMDLINE

pytestmark = pytest.mark.vm

TEMPLATE = HERE / "data" / "packer-qemu-from-disk.pkr.hcl"

# box.Vagrantfile is appended by the post-processor to its own libvirt Vagrantfile
# (which says driver "kvm"); the kernel and initrd are `include`d beside it.


def test_packer_qemu_builds_box_from_disk_image(debian_box_file, tmp_path):
    tools = need_tool("packer", "qemu-system-x86_64", "qemu-img", "debugfs", "tar")
    source = tmp_path / "source"
    source.mkdir()
    with tarfile.open(debian_box_file) as tar:
        tar.extractall(source, members=[tar.getmember(n) for n in ("box.img", "vmlinuz", "initrd.img")],
                       filter="data")
    (tmp_path / "box.Vagrantfile").write_text(box_vagrantfile())
    box = tmp_path / "out" / "from-disk.box"
    variables = {
        "disk_image": source / "box.img", "kernel": source / "vmlinuz",
        "initrd": source / "initrd.img", "cmdline": CMDLINE,
        "ssh_private_key_file": vagrant_insecure_key(public=False),
        "output_directory": tmp_path / "packer-output", "box_output": box,
        "box_vagrantfile": tmp_path / "box.Vagrantfile",
    }
    args = [arg for key, value in variables.items() for arg in ("-var", f"{key}={value}")]
    env = {"CHECKPOINT_DISABLE": "1", "PACKER_CACHE_DIR": str(tmp_path / "packer_cache"),
           "TMPDIR": str(tmp_path)}
    log = tmp_path / "packer.log"

    run([tools["packer"], "validate", *args, str(TEMPLATE)], log, cwd=tmp_path, env=env, timeout=120)
    run([tools["packer"], "build", "-color=false", *args, str(TEMPLATE)], log,
        cwd=tmp_path, env=env, timeout=2400)

    # GNU tar, not Python's tarfile: Packer 1.6.6 (Go archive/tar) writes old-GNU headers
    # whose atime/ctime fields tarfile misreads as a ustar name prefix ("15301161067/box.img").
    names = set(run_output([tools["tar"], "-tzf", str(box)], log).split())
    assert {"box.img", "metadata.json", "Vagrantfile", "vmlinuz", "initrd.img"} <= names
    unpacked = tmp_path / "unpacked"
    unpacked.mkdir()
    run([tools["tar"], "-xzf", str(box), "-C", str(unpacked), "box.img", "metadata.json"], log)
    metadata = json.loads((unpacked / "metadata.json").read_text())
    assert metadata["provider"] == "libvirt" and metadata["format"] == "qcow2"

    # The provisioner's change is inside the packaged disk (read without booting it).
    raw = unpacked / "box.raw"
    run([tools["qemu-img"], "convert", "-O", "raw", str(unpacked / "box.img"), str(raw)], log)
    marker = run_output([tools["debugfs"], "-R", "cat /etc/gaev-packer-marker", str(raw)], log)
    assert "packer-shell-ok" in marker

    assert_no_leftovers(str(tmp_path))
