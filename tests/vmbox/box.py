"""Assemble, cache and describe the Debian 12 test box (libvirt provider, qcow2).

The box boots by direct kernel boot: the kernel and initrd ship inside the box and its
own Vagrantfile points libvirt at them, so the disk needs no partition table and no
bootloader, and the image is made without loop devices or mounts (``mkfs.ext4 -d``).

Built boxes are cached under ``$GAEV_TEST_CACHE`` (default ``~/.cache/gaev-tests``),
keyed by a hash of the recipe, built under a file lock and renamed into place, so
parallel sessions share one build and never see half a box.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import shutil
import tarfile
import tempfile
import time
from pathlib import Path

from filelock import FileLock

from . import rootfs
from .procs import run

HERE = Path(__file__).parent
BOX_NAME = "gaev-test/debian12"
DISK_GIB = 8  # sparse: costs only what is written
CA_DIR = Path("/usr/local/share/ca-certificates")
# Vagrant's well-known insecure key pair, as the Debian vagrant package ships it.
VAGRANT_KEYS = Path("/usr/share/rubygems-integration/all/gems")


def vagrant_insecure_key(public: bool = True) -> Path:
    """Path of Vagrant's insecure key (public or private) from the installed vagrant gem."""
    name = "vagrant.pub" if public else "vagrant"
    found = sorted(VAGRANT_KEYS.glob(f"vagrant-[0-9]*/keys/{name}"))
    if not found:
        raise FileNotFoundError(f"no vagrant-*/keys/{name} under {VAGRANT_KEYS} (is vagrant installed?)")
    return found[-1]


def cache_root() -> Path:
    """Where built boxes are kept between test runs (not GAEV_CACHE_DIR: tests isolate that)."""
    value = os.environ.get("GAEV_TEST_CACHE")
    return Path(value) if value else Path.home() / ".cache" / "gaev-tests"


def recipe_hash() -> str:
    """Hash of everything that shapes the box: the recipe, the key, the CA certs.

    Only ``build_box``'s source is hashed from this module, so editing the cache or
    fixture code does not force every developer to rebuild the box.
    """
    digest = hashlib.sha256(inspect.getsource(build_box).encode() + f"{DISK_GIB}".encode())
    inputs = [HERE / "rootfs.py", HERE / "data" / "box.Vagrantfile", vagrant_insecure_key()]
    inputs += sorted(CA_DIR.glob("*.crt"))
    for path in inputs:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def box_version(digest: str | None = None) -> str:
    """A box version derived from the recipe hash.

    vagrant-libvirt names the base volume in the storage pool after the box name and
    version and reuses an existing volume without checking it: a changed recipe must
    therefore change the version, or VMs would silently boot the old image.
    """
    return f"1.0.{int((digest or recipe_hash())[:7], 16)}"


def pool_volume_name(version: str) -> str:
    """Name vagrant-libvirt gives the box's base volume (a prefix when version is "")."""
    name = BOX_NAME.replace("/", "-VAGRANTSLASH-") + "_vagrant_box_image_"
    return f"{name}{version}_box.img" if version else name


def box_vagrantfile() -> str:
    """The box's own Vagrantfile (kernel command line filled in)."""
    template = (HERE / "data" / "box.Vagrantfile").read_text()
    return template.replace("@CMDLINE@", rootfs.CMDLINE)


def cached_box(log_dir: Path | None = None) -> Path:
    """Path of the cached test box, building it first if needed (under a lock)."""
    digest = recipe_hash()
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    final = root / f"debian12-{digest}.box"
    if final.exists():
        return final
    with FileLock(str(final) + ".lock", timeout=3600):
        if final.exists():  # another session built it while we waited
            return final
        work = Path(tempfile.mkdtemp(prefix=f"build-{digest}-", dir=root))
        try:
            build_box(work, final, log_dir or root / "logs")
        finally:
            shutil.rmtree(work, ignore_errors=True)
        _prune(root, keep=final)
    return final


def _prune(root: Path, keep: Path, min_age: float = 3600) -> None:
    """Delete boxes of other recipes (600 MB each) not touched for ``min_age`` seconds.

    The age guard spares a box another checkout may be adding right now.
    """
    now = time.time()
    for old in root.glob("debian12-*.box"):
        if old != keep and now - old.stat().st_mtime > min_age:
            old.unlink(missing_ok=True)
            Path(str(old) + ".lock").unlink(missing_ok=True)


def build_box(work: Path, dest: Path, log_dir: Path) -> dict[str, float]:
    """Build the box in ``work`` and move it to ``dest``; return step timings (seconds)."""
    log = log_dir / f"{dest.stem}.log"
    timings: dict[str, float] = {}
    clock = time.monotonic()

    def lap(step: str) -> None:
        nonlocal clock
        now = time.monotonic()
        timings[step] = round(now - clock, 1)
        clock = now

    tree = work / "root"
    rootfs.debootstrap(tree, log, dest.parent / "debs")
    lap("debootstrap")
    rootfs.configure(tree, vagrant_insecure_key(), CA_DIR, log)
    rootfs.assert_unmounted(tree)
    lap("configure")

    boxdir = work / "box"
    boxdir.mkdir()
    kernel, initrd = rootfs.kernel_files(tree)
    shutil.copyfile(kernel, boxdir / "vmlinuz")
    shutil.copyfile(initrd, boxdir / "initrd.img")
    raw = work / "root.ext4"
    with open(raw, "wb") as handle:
        handle.truncate(DISK_GIB * 1024**3)
    run(["mkfs.ext4", "-q", "-F", "-L", rootfs.ROOT_LABEL, "-d", str(tree), str(raw)], log)
    run(["qemu-img", "convert", "-f", "raw", "-O", "qcow2", str(raw), str(boxdir / "box.img")], log)
    raw.unlink()
    lap("image")

    (boxdir / "metadata.json").write_text(
        json.dumps({"provider": "libvirt", "format": "qcow2", "virtual_size": DISK_GIB}) + "\n")
    (boxdir / "Vagrantfile").write_text(box_vagrantfile())
    partial = dest.with_name(f".{dest.name}.partial")
    # Uncompressed tar: the qcow2 is already sparse, and gzip would cost a minute per build.
    with tarfile.open(partial, "w") as tar:
        for name in ("metadata.json", "Vagrantfile", "box.img", "vmlinuz", "initrd.img"):
            tar.add(boxdir / name, arcname=name)
    os.replace(partial, dest)
    lap("pack")
    (log_dir / f"{dest.stem}.timings.json").write_text(json.dumps(timings, indent=1) + "\n")
    return timings
