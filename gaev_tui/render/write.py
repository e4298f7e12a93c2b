"""Writing a rendered project to disk, all or nothing.

A new project is written into a staging directory beside the target and renamed into
place in one step. Over an existing project (only with ``force``), each file is replaced
atomically, and files GAEV generated before but no longer generates are removed; files
GAEV never wrote (the user's data, ``.vagrant/``, ``builds/``) are never touched.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from gaev_tui.errors import GaevError, InputError, Location
from gaev_tui.fsutil import atomic_write

LOCK_FILE = "gaev.lock.json"


@dataclass(frozen=True)
class ProjectChange:
    path: str
    status: str  # "added", "changed", "unchanged", "removed"


def _previous_files(dest: Path) -> set[str]:
    try:
        lock = json.loads((dest / LOCK_FILE).read_text(encoding="utf-8"))
        return {str(path) for path in lock.get("files", [])}
    except (OSError, ValueError, AttributeError):
        return set()


def plan_changes(files: dict[str, bytes], dest: Path) -> list[ProjectChange]:
    """What writing ``files`` to ``dest`` would do, file by file."""
    dest = Path(dest)
    changes = []
    for path, data in files.items():
        target = dest / path
        if not target.exists():
            status = "added"
        else:
            status = "unchanged" if target.read_bytes() == data else "changed"
        changes.append(ProjectChange(path, status))
    for path in sorted(_previous_files(dest) - set(files)):
        if (dest / path).exists():
            changes.append(ProjectChange(path, "removed"))
    return changes


def _safe_relative(path: str) -> None:
    parts = Path(path).parts
    if Path(path).is_absolute() or ".." in parts:
        raise GaevError(f"refusing to write outside the project: {path}")


def write_project(files: dict[str, bytes], dest: Path, force: bool = False) -> list[ProjectChange]:
    """Write the project; refuse to touch an existing non-empty directory without force."""
    dest = Path(dest)
    for path in files:
        _safe_relative(path)
    if dest.exists() and not dest.is_dir():
        raise InputError("exists and is not a directory", Location(str(dest)))
    exists = dest.is_dir() and any(dest.iterdir())
    if exists and not force:
        raise InputError("the directory exists and is not empty; use --force to update the project in it", Location(str(dest)))
    changes = plan_changes(files, dest)
    if not exists:
        _write_fresh(files, dest)
        return changes
    for change in changes:
        target = dest / change.path
        if change.status in ("added", "changed"):
            atomic_write(target, files[change.path], mode=_mode(change.path))
        elif change.status == "removed":
            target.unlink()
    return changes


def _mode(path: str) -> int:
    return 0o755 if path.endswith(".sh") else 0o644


def _write_fresh(files: dict[str, bytes], dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        for path, data in files.items():
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            os.chmod(target, _mode(path))
        os.chmod(staging, 0o755)
        if dest.is_dir():  # an empty directory the user made for it
            dest.rmdir()
        os.replace(staging, dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
