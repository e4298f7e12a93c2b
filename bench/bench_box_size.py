"""Packaged box size with and without GAEV's clean-up (scripts/cleanup.sh), on the
Debian 12 test box (tests/vmbox) under libvirt + QEMU software emulation.

The same tiny project (jq, six, on the default path: ansible_local installs the pinned
ansible-core in the guest) is built twice with `gaev build`: once with the clean-up
replaced by a no-op, once as generated. Both .box files are measured in the same run;
the clean-up removes Ansible's venv, apt's lists and caches, logs and history (libvirt's
'vagrant package' sparsifies the disk itself, so the zero-fill is not asked for there).
Needs root, libvirt, vagrant-libvirt, debootstrap; takes two builds (~10-30 min each).

    python bench/bench_box_size.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.vmbox import box, libvirt  # the test box and its libvirt set-up
from tests.vmbox.vagrant_env import VAGRANT_ENV, add_box, traversable_dir

SPEC = """\
name: bench-size
os: debian-12
provider: libvirt
provider_options: {{driver: qemu}}
base_box: {{name: {box}, version: "{version}"}}
resources: {{cpus: 1, memory_mb: 1024}}
packages: {{apt: [jq], python: [six==1.16.0]}}
"""


def build(work: Path, env: dict[str, str], spec: str, cleanup: bool) -> int:
    """Size in bytes of the box `gaev build` packages, with or without the clean-up."""
    project = work / ("with-cleanup" if cleanup else "without-cleanup")
    (work / "gaev.yaml").write_text(spec)
    gaev = [sys.executable, "-m", "gaev_tui"]
    subprocess.run([*gaev, "generate", str(work / "gaev.yaml"), "-o", str(project), "--force"], check=True, env=env)
    if not cleanup:
        (project / "scripts" / "cleanup.sh").write_text("#!/bin/sh\nexit 0\n")
    proc = subprocess.run([*gaev, "build", str(project), "--yes"], env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"gaev build failed:\n{(proc.stdout + proc.stderr)[-4000:]}")
    return (project / "builds" / "bench-size-libvirt.box").stat().st_size


def main() -> None:
    if os.geteuid() != 0:
        sys.exit("run as root: the test box is made with debootstrap and libvirt is started here")
    libvirt.ensure_libvirt()
    home = traversable_dir("gaev-bench-home-")
    work = Path(tempfile.mkdtemp(prefix="gaev-bench-size-", dir="/var/tmp"))
    try:
        box_file = box.cached_box(log_dir=work)
        version = add_box(home, box_file, work / "box-add.log")
        env = {**os.environ, **VAGRANT_ENV, "VAGRANT_HOME": str(home),
               **{f"GAEV_{kind}_DIR": str(work / kind.lower()) for kind in ("CONFIG", "DATA", "STATE", "CACHE")}}
        env.pop("GAEV_ANSIBLE", None)
        spec = SPEC.format(box=box.BOX_NAME, version=version)
        without = build(work, env, spec, cleanup=False)
        with_cleanup = build(work, env, spec, cleanup=True)
        print(f"test box file: {box_file.stat().st_size / 1e6:.1f} MB")
        print(f"packaged without clean-up: {without / 1e6:.1f} MB")
        print(f"packaged with clean-up:    {with_cleanup / 1e6:.1f} MB")
        print(f"ratio with/without: {with_cleanup / without:.3f} (smaller is better; goal < 1)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
