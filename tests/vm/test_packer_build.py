"""A real base-box build of a GENERATED ``packer/``: ``gaev generate`` for Debian 12 on
libvirt, then GAEV's own base-box stages (``python -m gaev_tui.packer.stage build`` and
``add``) under qemu software emulation.

Installing Debian from its ISO takes far too long under emulation, so the template's
``disk_image`` option swaps the installer for the cached test box's disk (overrides
through ``PKR_VAR_*``, as a user would pass them): everything after the install runs for
real -- the generated provisioning scripts over SSH, the shutdown, the qcow2 compaction,
the vagrant post-processor -- and Vagrant then adds the box with its checksum.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

from tests.toolcheck import need_tool
from tests.vmbox.box import vagrant_insecure_key
from tests.vmbox.fixtures import assert_no_leftovers
from tests.vmbox.procs import run, run_output
from tests.vmbox.rootfs import CMDLINE

pytestmark = pytest.mark.vm

REPO = Path(__file__).resolve().parents[2]
SPEC = """\
name: pkvm
description: Base box built by the vm test
os: debian-12
provider: libvirt
provider_options: {driver: qemu}
base_box: {build: packer}
resources: {cpus: 2, memory_mb: 1024, disk_gb: 10}
"""


def test_generated_packer_template_builds_and_vagrant_adds_the_box(debian_box_file, tmp_path):
    tools = need_tool("packer", "vagrant", "qemu-system-x86_64", "qemu-img", "debugfs", "tar")
    log = tmp_path / "build.log"
    timings: dict[str, float] = {}
    clock = time.monotonic()

    def lap(step: str) -> None:
        nonlocal clock
        timings[step] = round(time.monotonic() - clock, 1)
        clock = time.monotonic()

    (tmp_path / "gaev.yaml").write_text(SPEC)
    project = tmp_path / "project"
    gaev = [sys.executable, "-m", "gaev_tui"]
    env = {"PYTHONPATH": str(REPO)}
    run([*gaev, "generate", str(tmp_path / "gaev.yaml"), "-o", str(project)], log, env=env, timeout=120)
    packer_dir = project / "packer"

    source = tmp_path / "source"
    source.mkdir()
    with tarfile.open(debian_box_file) as tar:
        tar.extractall(source, members=[tar.getmember(n) for n in ("box.img", "vmlinuz", "initrd.img")],
                       filter="data")
    lap("generate and unpack")

    # The test disk has no boot loader (qemu boots its kernel directly) and no password
    # for vagrant (Vagrant's insecure key instead); everything else is the template's.
    extra_args = [["-kernel", str(source / "vmlinuz")], ["-initrd", str(source / "initrd.img")],
                  ["-append", CMDLINE]]
    overrides = {
        "disk_image": "true", "iso_url": str(source / "box.img"), "iso_checksum": "none",
        "qemu_extra_args": json.dumps(extra_args),
        "ssh_private_key_file": str(vagrant_insecure_key(public=False)), "ssh_timeout": "20m",
    }
    build_env = {**env, "CHECKPOINT_DISABLE": "1", "PACKER_CACHE_DIR": str(tmp_path / "packer_cache"),
                 "TMPDIR": str(tmp_path), **{f"PKR_VAR_{k}": v for k, v in overrides.items()}}
    stage = [sys.executable, "-m", "gaev_tui.packer.stage"]
    run([*stage, "build"], log, cwd=packer_dir, env=build_env, timeout=2400)
    lap("packer build")

    box = packer_dir / "output" / "pkvm-libvirt.box"
    assert box.is_file()
    assert not (packer_dir / "output" / "build-libvirt").exists()  # the post-processor consumed it
    # GNU tar, as Vagrant reads boxes with bsdtar: Packer 1.6 writes GNU headers holding
    # atime/ctime where Python's tarfile reads a USTAR name prefix ("15301161362/box.img").
    names = set(run_output([tools["tar"], "-tzf", str(box)], log).split())
    assert {"box.img", "metadata.json", "Vagrantfile"} <= names, sorted(names)
    unpacked = tmp_path / "unpacked"
    unpacked.mkdir()
    run([tools["tar"], "-xzf", str(box), "-C", str(unpacked), "box.img", "metadata.json"], log)
    metadata = json.loads((unpacked / "metadata.json").read_text())
    assert metadata["provider"] == "libvirt" and metadata["format"] == "qcow2"
    lap("inspect box")

    # What the generated scripts did is inside the packaged disk (read without booting).
    raw = tmp_path / "unpacked" / "box.raw"
    run([tools["qemu-img"], "convert", "-O", "raw", str(tmp_path / "unpacked" / "box.img"), str(raw)], log)
    key = vagrant_insecure_key().read_text().split()[1]
    assert key in run_output([tools["debugfs"], "-R", "cat /home/vagrant/.ssh/authorized_keys", str(raw)], log)
    assert "NOPASSWD:ALL" in run_output([tools["debugfs"], "-R", "cat /etc/sudoers.d/vagrant", str(raw)], log)
    machine_id = run_output([tools["debugfs"], "-R", "stat /etc/machine-id", str(raw)], log)
    assert "Size: 0" in machine_id  # cleanup.sh emptied it: each VM gets its own
    raw.unlink()
    lap("check disk")

    home = tmp_path / "vagrant.d"
    run([*stage, "add", "gaev/pkvm-base", "libvirt", "output/pkvm-libvirt.box"], log, cwd=packer_dir,
        env={**env, "VAGRANT_HOME": str(home), "VAGRANT_CHECKPOINT_DISABLE": "1"}, timeout=600)
    listing = subprocess.run([tools["vagrant"], "box", "list"], check=False, capture_output=True, text=True, timeout=300,
                             env={**os.environ, "VAGRANT_HOME": str(home)}).stdout
    assert "gaev/pkvm-base" in listing and "libvirt" in listing
    lap("vagrant box add")

    print(f"\nbox {box.stat().st_size / 2**20:.0f} MiB; timings (s): {json.dumps(timings)}")
    assert_no_leftovers(str(tmp_path))
