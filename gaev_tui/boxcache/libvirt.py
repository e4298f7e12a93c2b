"""Storage-pool volumes that vagrant-libvirt leaves behind when a box is removed.

vagrant-libvirt uploads each box disk into a libvirt pool as
``NAME_vagrant_box_image_VERSION_DISK.img`` (``/`` in NAME as ``-VAGRANTSLASH-``;
version ``0`` as ``0_<mtime of the disk file>``). ``vagrant box remove`` does not
touch them. A volume is a leftover when no installed box and no machine of Vagrant's
index matches it; before deleting, GAEV also checks that no other volume in the pool
uses it as a backing file (a VM disk made from the box), and keeps it if one does.
"""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass

from gaev_tui import tools
from gaev_tui.boxcache.machines import MachineUse
from gaev_tui.boxcache.model import Box
from gaev_tui.boxcache.scan import box_dir_name, box_name_from_dir
from gaev_tui.errors import GaevError

VOLUME = re.compile(r"^(?P<box>.+)_vagrant_box_image_(?P<version>0_\d+|[^_]+)_(?P<disk>.+)\.img$")

Runner = Callable[[list[str]], str]


def run_virsh(args: list[str]) -> str:
    """Run ``virsh ARGS`` and return stdout; GaevError with virsh's message on failure."""
    virsh = tools.require("virsh")
    try:
        out = subprocess.run([virsh, *args], capture_output=True, text=True, timeout=60,
                             stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError) as exc:
        raise GaevError(f"virsh {' '.join(args)}: {exc}") from exc
    if out.returncode != 0:
        lines = (out.stderr or out.stdout).strip().splitlines()
        raise GaevError(f"virsh {' '.join(args)}: {lines[0] if lines else 'failed'}")
    return out.stdout


@dataclass(frozen=True)
class Volume:
    """A box volume in a libvirt storage pool."""

    pool: str
    name: str
    path: str
    box_name: str
    box_version: str


def parse_vol_list(pool: str, text: str) -> list[Volume]:
    """Box volumes in the output of ``virsh -q vol-list --pool POOL`` (name, then path)."""
    found = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        name, _, path = line.partition(" /")  # paths are absolute; names may hold spaces
        name, path = name.strip(), ("/" + path.strip()) if path else ""
        match = VOLUME.match(name)
        if match:
            found.append(Volume(pool, name, path, box_name_from_dir(match["box"]), match["version"]))
    return found


def box_volumes(run: Runner = run_virsh, pool: str | None = None) -> list[Volume]:
    """Box volumes in ``pool``, or in every active pool."""
    volumes = []
    for name in [pool] if pool else run(["-q", "pool-list", "--name"]).split():
        volumes += parse_vol_list(name, run(["-q", "vol-list", "--pool", name]))
    return volumes


def _versions_of(box: Box) -> set[str]:
    """The VERSION strings vagrant-libvirt would put in this box's volume names."""
    if box.version != "0":
        return {box.version}
    stamps = set()
    for file in box.path.iterdir():
        try:
            stamps.add(f"0_{int(file.stat().st_mtime)}")
        except OSError:
            continue
    return stamps


def leftovers(volumes: list[Volume], boxes: list[Box], uses: list[MachineUse] | None) -> list[Volume]:
    """Volumes whose box is no longer installed and that no indexed machine uses.

    With an unreadable machine index (``uses`` None) nothing is a leftover.
    """
    if uses is None:
        return []
    wanted = {(b.name, v) for b in boxes if b.provider == "libvirt" for v in _versions_of(b)}
    used = {u.box_name for u in uses if u.box_provider == "libvirt"}
    used_exact = {(u.box_name, u.box_version) for u in uses if u.box_provider == "libvirt"}
    out = []
    for vol in volumes:
        if (vol.box_name, vol.box_version) in wanted or (vol.box_name, vol.box_version) in used_exact:
            continue
        if vol.box_version.startswith("0_") and vol.box_name in used:
            continue  # a version-0 box's machine: its volume stamp cannot be matched exactly
        out.append(vol)
    return out


def backing_users(volume: Volume, run: Runner = run_virsh) -> list[str]:
    """Names of volumes in the same pool whose backing file is ``volume``."""
    users = []
    for other in run(["-q", "vol-list", "--pool", volume.pool]).splitlines():
        name = other.strip().partition(" /")[0].strip()
        if not name or name == volume.name:
            continue
        try:
            root = ET.fromstring(run(["vol-dumpxml", "--pool", volume.pool, name]))
        except (GaevError, ET.ParseError):
            continue
        for path in root.iterfind("./backingStore/path"):
            if path.text and path.text.strip() in (volume.path, volume.name):
                users.append(name)
    return users


def allocation(volume: Volume, run: Runner = run_virsh) -> int | None:
    """Bytes the volume occupies (``virsh vol-info --bytes``), None if virsh cannot say."""
    try:
        text = run(["vol-info", "--bytes", "--pool", volume.pool, volume.name])
    except GaevError:
        return None
    match = re.search(r"^Allocation:\s+(\d+)\s+bytes", text, re.MULTILINE)
    return int(match[1]) if match else None


def delete_volume(volume: Volume, run: Runner = run_virsh) -> None:
    """``virsh vol-delete`` the volume, unless a VM disk is built on it."""
    users = backing_users(volume, run)
    if users:
        raise GaevError(f"{volume.name}: kept, it backs {', '.join(users)}")
    run(["vol-delete", "--pool", volume.pool, volume.name])


def volume_prefix(name: str) -> str:
    """Start of the volume names vagrant-libvirt gives to box ``name``."""
    return box_dir_name(name) + "_vagrant_box_image_"
