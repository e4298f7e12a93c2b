"""Scan ``VAGRANT_HOME/boxes`` without asking Vagrant (which is slow and shows no sizes).

Two layouts exist: ``NAME/VERSION/PROVIDER`` (Vagrant <= 2.3) and
``NAME/VERSION/ARCH/PROVIDER`` (2.4+). A directory holding ``metadata.json`` is a
provider directory; one without it whose sub-directories hold one is an architecture
directory. Anything else is reported as a warning and skipped, never fatal: a cache
that crashes its cleaner is the problem this tool exists to solve.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from gaev_tui.boxcache import versions
from gaev_tui.boxcache.model import Box, CacheWarning, mtime_utc
from gaev_tui.fsutil import read_regular, read_regular_text

METADATA_MAX = 1 << 20  # a box's metadata.json is a few lines
URL_MAX = 64 * 1024
SLASH = "-VAGRANTSLASH-"
COLON = "-VAGRANTCOLON-"


def box_name_from_dir(dirname: str) -> str:
    """The box name Vagrant stored as ``dirname`` (``-VAGRANTSLASH-`` is ``/``)."""
    return dirname.replace(COLON, ":").replace(SLASH, "/")


def box_dir_name(name: str) -> str:
    """The directory name Vagrant uses for box ``name``."""
    return name.replace("/", SLASH)


def allocated_size(path: Path) -> int:
    """Bytes allocated on disk under ``path`` (st_blocks * 512), hard links counted once.

    Box disks are sparse: their apparent size can be many times what they occupy.
    """
    total = 0
    seen: set[tuple[int, int]] = set()
    stack = [str(path)]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as entries:
                for entry in entries:
                    try:
                        st = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                    if (st.st_dev, st.st_ino) in seen:
                        continue
                    seen.add((st.st_dev, st.st_ino))
                    total += st.st_blocks * 512
        except OSError:
            continue
    return total


def _read_metadata(provider_dir: Path) -> tuple[dict | None, str | None]:
    """``metadata.json`` of a box as a dict, or an error text."""
    try:
        data = json.loads(read_regular(provider_dir / "metadata.json", METADATA_MAX))
    except OSError as exc:
        return None, f"metadata.json unreadable ({exc.strerror or exc})"
    except (ValueError, UnicodeDecodeError) as exc:
        return None, f"metadata.json is not valid JSON ({exc}); half-written box?"
    if not isinstance(data, dict):
        return None, "metadata.json is not a JSON object"
    return data, None


def _subdirs(path: Path, warnings: list[CacheWarning], what: str) -> list[Path]:
    """Sub-directories of ``path``; stray files are reported (``what`` names the level)."""
    try:
        children = sorted(path.iterdir())
    except OSError as exc:
        warnings.append(CacheWarning(path, f"cannot read directory ({exc.strerror or exc})"))
        return []
    dirs = []
    for child in children:
        if child.is_dir() and not child.is_symlink():
            dirs.append(child)
        elif not (what == "box" and child.name == "metadata_url"):
            warnings.append(CacheWarning(child, f"stray file where a {what} directory was expected"))
    return dirs


def _box_at(name: str, version: str, arch: str | None, pdir: Path, url: str | None,
            warnings: list[CacheWarning]) -> Box | None:
    meta, problem = _read_metadata(pdir)
    if problem:
        warnings.append(CacheWarning(pdir, f"skipped: {problem}"))
        return None
    try:
        added = mtime_utc(pdir.stat().st_mtime)
    except OSError:
        added = None
    declared = meta.get("provider")
    if isinstance(declared, str) and declared and declared != pdir.name:
        warnings.append(CacheWarning(pdir, f"metadata.json says provider {declared!r}"))
    return Box(name=name, version=version, provider=pdir.name, architecture=arch, path=pdir,
               size_bytes=allocated_size(pdir), added=added, metadata_url=url)


def _scan_version(name: str, vdir: Path, url: str | None, warnings: list[CacheWarning]) -> list[Box]:
    boxes = []
    for child in _subdirs(vdir, warnings, "provider or architecture"):
        if (child / "metadata.json").exists():
            box = _box_at(name, vdir.name, None, child, url, warnings)
            if box:
                boxes.append(box)
            continue
        try:
            is_arch = any((g / "metadata.json").exists() for g in child.iterdir() if g.is_dir())
        except OSError:
            is_arch = False
        if not is_arch:
            # Files but no metadata.json: an extraction that never finished.
            warnings.append(CacheWarning(child, "no metadata.json: half-written or not a box; skipped"))
            continue
        for pdir in _subdirs(child, warnings, "provider"):
            if (pdir / "metadata.json").exists():
                box = _box_at(name, vdir.name, child.name, pdir, url, warnings)
                if box:
                    boxes.append(box)
            else:
                warnings.append(CacheWarning(pdir, "no metadata.json: half-written or not a box; skipped"))
    return boxes


def _read_url(box_dir: Path, warnings: list[CacheWarning]) -> str | None:
    path = box_dir / "metadata_url"
    try:
        url = read_regular_text(path, URL_MAX).strip()
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        warnings.append(CacheWarning(path, f"unreadable ({exc})"))
        return None
    return url or None


def scan(vagrant_home: Path) -> tuple[list[Box], list[CacheWarning]]:
    """Every box installed under ``vagrant_home/boxes``, and warnings about the rest.

    A missing ``boxes`` directory is an empty cache, not an error.
    """
    root = Path(vagrant_home) / "boxes"
    warnings: list[CacheWarning] = []
    boxes: list[Box] = []
    if not root.is_dir():
        return boxes, warnings
    for box_dir in _subdirs(root, warnings, "box name"):
        name = box_name_from_dir(box_dir.name)
        url = _read_url(box_dir, warnings)
        for vdir in _subdirs(box_dir, warnings, "box"):
            if vdir.name.startswith("."):
                continue  # Vagrant ignores these too (temporary dirs)
            if not versions.is_valid(vdir.name):
                warnings.append(CacheWarning(vdir, f"not a valid box version {vdir.name!r}; skipped"))
                continue
            boxes.extend(_scan_version(name, vdir, url, warnings))
    boxes.sort(key=lambda b: (b.name, b.provider, b.architecture or "", versions.sort_key(b.version)))
    return boxes, warnings
