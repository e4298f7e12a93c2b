"""``gaev cloud export``: a box's disk as one flat cloud image, scrubbed of Vagrant.

The disk (qcow2 from libvirt, VMDK from VirtualBox/VMware, VHDX from Hyper-V) is taken
out of the box archive and converted by the real ``qemu-img`` into one self-contained
qcow2 or raw file: no backing file and no external data file, which Glance and Nova
refuse since the 2024 qcow2 security fixes. ``qemu-img info --output=json`` checks the
source before conversion (a box whose qcow2 points at a backing file could read host
files) and the result after it. Then ``virt-customize`` removes on the copy what must
not reach a cloud and would break the Vagrant box: Vagrant's insecure key, the vagrant
password, private keys, machine-id, SSH host keys and cloud-init's state.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gaev_tui import tools
from gaev_tui.boxbuild.checksum import sha256_file
from gaev_tui.errors import GaevError, InputError
from gaev_tui.registry.source import find_source

FORMATS = ("qcow2", "raw")
# Disk member suffix -> the qemu-img format it must be (checked, never guessed by qemu).
# ".img" is vagrant-libvirt's box.img / box_1.img only: boxes also carry initrd.img.
DISK_FORMATS = {".img": "qcow2", ".qcow2": "qcow2", ".vmdk": "vmdk", ".vhdx": "vhdx"}
_LIBVIRT_DISK = re.compile(r"^box(_[0-9]+)?\.img$")
MAX_MEMBERS = 64
# Run on the copy by virt-customize; none of these exist on the Vagrant box after export.
SCRUB = (
    "--truncate", "/etc/machine-id",
    "--delete", "/var/lib/dbus/machine-id",
    "--delete", "/etc/ssh/ssh_host_*",
    "--delete", "/home/*/.ssh/authorized_keys",
    "--delete", "/root/.ssh/authorized_keys",
    "--delete", "/home/*/.ssh/id_*",
    "--delete", "/root/.ssh/id_*",
    "--delete", "/etc/sudoers.d/vagrant",
    "--run-command", "if id vagrant >/dev/null 2>&1; then passwd -l vagrant; usermod -s /usr/sbin/nologin vagrant; fi",
    "--run-command", "if command -v cloud-init >/dev/null; then cloud-init clean --logs; fi",
)

Step = Callable[[str], None]


@dataclass(frozen=True)
class Exported:
    path: Path
    format: str
    virtual_size: int  # bytes the instance's disk must hold at least
    size: int  # bytes of the file
    sha256: str
    name: str  # the project's or box's name


def qemu_info(path: Path) -> dict:
    """``qemu-img info --output=json`` of ``path`` (its own format only: no probing chain)."""
    argv = [tools.require("qemu-img"), "info", "--output=json", str(path)]
    done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode != 0:
        raise GaevError(f"qemu-img info {path}: {done.stderr.strip() or done.stdout.strip()}")
    return json.loads(done.stdout)


def check_flat(info: dict, expected: str, where: str) -> None:
    """Refuse an image that is not one self-contained file of the expected format."""
    if info.get("format") != expected:
        raise GaevError(f"{where}: qemu-img reads it as {info.get('format')!r}, not {expected}")
    if info.get("backing-filename") or info.get("full-backing-filename"):
        raise GaevError(f"{where}: has a backing file ({info.get('backing-filename')}); refused")
    data = (info.get("format-specific") or {}).get("data") or {}
    if data.get("data-file") or data.get("data-file-raw"):
        raise GaevError(f"{where}: has an external data file; refused")
    if info.get("format") == "vmdk" and len(data.get("extents") or []) > 1:
        raise GaevError(f"{where}: a VMDK of several extents; refused")


def _disk_member(box: Path) -> tuple[str, str]:
    found = []
    with tarfile.open(box, "r|*") as archive:
        for count, member in enumerate(archive):
            if count >= MAX_MEMBERS:
                break
            name = member.name.lstrip("./")
            suffix = Path(name).suffix.lower()
            if suffix == ".img" and not _LIBVIRT_DISK.match(name):
                continue
            if member.isfile() and "/" not in name and suffix in DISK_FORMATS:
                found.append((name, DISK_FORMATS[suffix]))
    if not found:
        raise InputError(f"{box}: no disk image in the box (box.img, *.vmdk, *.vhdx)")
    if len(found) > 1:
        raise InputError(f"{box}: several disks ({', '.join(n for n, _ in found)}); GAEV exports single-disk boxes only")
    return found[0]


def _extract(box: Path, member: str, dest: Path) -> None:
    with tarfile.open(box, "r|*") as archive:
        for item in archive:
            if item.name.lstrip("./") == member and item.isfile():
                source = archive.extractfile(item)
                with open(dest, "wb") as out:
                    while chunk := source.read(4 << 20):
                        out.write(chunk)
                return
    raise GaevError(f"{box}: {member} vanished while reading the archive")


def export_image(source_path: Path, fmt: str = "qcow2", out: Path | None = None,
                 on_step: Step | None = None) -> Exported:
    """Export the box of a project (or a .box file) to ``out`` (default NAME.FORMAT beside it)."""
    step = on_step or (lambda _text: None)
    if fmt not in FORMATS:
        raise InputError(f"--format: must be one of {', '.join(FORMATS)}, not '{fmt}'")
    qemu_img = tools.require("qemu-img")
    customize = tools.require("virt-customize")
    source = find_source(Path(source_path))
    out = Path(out) if out else source.box.with_name(f"{source.stem}.{fmt}")
    if out.exists():
        raise InputError(f"{out}: already exists; remove it or give another -o FILE")
    if not out.parent.is_dir():
        raise InputError(f"{out.parent}: no such directory")
    member, disk_format = _disk_member(source.box)
    disk = out.with_name(f".{out.name}.disk")
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        step(f"extracting {member} from {source.box.name}")
        _extract(source.box, member, disk)
        check_flat(qemu_info(disk), disk_format, f"{source.box.name}:{member}")
        step(f"qemu-img convert -f {disk_format} -O {fmt}")
        options = ["-o", "compat=1.1"] if fmt == "qcow2" else []
        done = subprocess.run([qemu_img, "convert", "-f", disk_format, "-O", fmt, *options, str(disk), str(tmp)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise GaevError(f"qemu-img convert: {done.stderr.strip()}")
        disk.unlink()
        step("removing Vagrant's key and password, private keys, machine-id and host keys (virt-customize)")
        done = subprocess.run([customize, "--format", fmt, "-a", str(tmp), "--no-network", *SCRUB],
                              capture_output=True, text=True, env=tools.quiet_env())
        if done.returncode != 0:
            raise GaevError(f"virt-customize: {(done.stderr or done.stdout).strip()[-2000:]}")
        info = qemu_info(tmp)
        check_flat(info, fmt, str(out))
        step("sha256")
        digest = sha256_file(tmp)
        os.replace(tmp, out)
    finally:
        disk.unlink(missing_ok=True)
        tmp.unlink(missing_ok=True)
    return Exported(out, fmt, int(info["virtual-size"]), out.stat().st_size, digest, source.stem)


def fits(virtual_size: int, disk_gb: int) -> bool:
    """Whether an image of ``virtual_size`` bytes fits a flavour disk of ``disk_gb`` GiB
    (Nova refuses a root disk smaller than the image's virtual size)."""
    return disk_gb == 0 or virtual_size <= disk_gb * (1 << 30)
