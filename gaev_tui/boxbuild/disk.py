"""Free disk space where a build writes, and whether it is enough.

Several places (VAGRANT_HOME, the project dir, libvirt's image store) often share one
filesystem; needs are summed per filesystem (``st_dev``) so that three places on the
same disk are not each judged against the whole free space.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DiskFree:
    """Free space of the filesystem holding ``path`` (or its nearest existing parent)."""

    label: str  # what the place is for: "VAGRANT_HOME", "project", "libvirt images"
    path: Path
    device: int | None  # st_dev of the filesystem; None when unreadable
    free: int | None  # bytes available to this user; None when unreadable
    total: int | None


def existing_ancestor(path: Path) -> Path:
    """``path`` itself or the closest parent that exists (a project dir may not yet)."""
    path = Path(path).absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def free_space(label: str, path: Path) -> DiskFree:
    """Measure one place; unreadable places (permissions) report None, never raise."""
    where = existing_ancestor(path)
    try:
        usage = shutil.disk_usage(where)
        device = os.stat(where).st_dev
    except OSError:
        return DiskFree(label, Path(path), None, None, None)
    return DiskFree(label, Path(path), device, usage.free, usage.total)


def snapshot(places: dict[str, Path]) -> list[DiskFree]:
    """Free space of each labelled place, measured now (the Disk pane refreshes this)."""
    return [free_space(label, path) for label, path in places.items()]


@dataclass(frozen=True)
class Shortfall:
    """A filesystem without room for what the build will write there."""

    labels: tuple[str, ...]
    free: int
    needed: int


def shortfalls(disks: list[DiskFree], needs: dict[str, int]) -> list[Shortfall]:
    """Filesystems whose free space is below the sum of the needs of their places."""
    per_device: dict[int, list[DiskFree]] = {}
    for disk in disks:
        if disk.device is not None and disk.free is not None:
            per_device.setdefault(disk.device, []).append(disk)
    out = []
    for group in per_device.values():
        needed = sum(needs.get(d.label, 0) for d in group)
        if needed > group[0].free:
            out.append(Shortfall(tuple(d.label for d in group), group[0].free, needed))
    return out
