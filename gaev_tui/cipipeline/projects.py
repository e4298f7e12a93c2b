"""The GAEV projects a repository holds: the directory itself, or its subdirectories
(to a small depth) that have a ``gaev.yaml`` and a ``gaev.lock.json``. Their facts come
from the lock GAEV wrote (name, provider, OS family), read with a size limit."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from gaev_tui.errors import InputError

MAX_DEPTH = 3
MAX_PROJECTS = 200
LOCK = "gaev.lock.json"


@dataclass(frozen=True)
class CiProject:
    path: str  # relative to the repository root, POSIX form ("." for the root itself)
    name: str
    provider: str
    family: str

    @property
    def slug(self) -> str:
        """A job-name-safe id, unique per path."""
        base = self.name if self.path == "." else self.path.replace("/", "-")
        return "".join(c if c.isalnum() or c in "-_" else "-" for c in base)


def _read_lock(lock: Path) -> dict:
    try:
        with open(lock, "rb") as handle:
            data = json.loads(handle.read(1 << 22))
    except (OSError, ValueError) as exc:
        raise InputError(f"{lock}: unreadable ({exc}); regenerate it with 'gaev generate --force'") from None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), str) for k in ("name", "provider")):
        raise InputError(f"{lock}: not a GAEV lock file (needs 'name' and 'provider')")
    return data


def find_projects(root: Path) -> list[CiProject]:
    root = Path(root)
    if not root.is_dir():
        raise InputError(f"{root}: not a directory")
    found = []
    for current, dirs, files in os.walk(root):
        depth = len(Path(current).relative_to(root).parts)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in ("builds", "node_modules")
                         and depth < MAX_DEPTH)
        if "gaev.yaml" in files and LOCK in files:
            data = _read_lock(Path(current) / LOCK)
            rel = Path(current).relative_to(root).as_posix() or "."
            found.append(CiProject(rel, data["name"], data["provider"],
                                   str((data.get("os") or {}).get("family", ""))))
            dirs[:] = []  # a project's own subdirectories hold no other project
        if len(found) > MAX_PROJECTS:
            raise InputError(f"{root}: more than {MAX_PROJECTS} projects; point gaev ci at a smaller directory")
    if not found:
        raise InputError(f"{root}: no GAEV project (a directory with gaev.yaml and gaev.lock.json); "
                         "write one with 'gaev generate'")
    slugs = [p.slug for p in found]
    if len(set(slugs)) != len(slugs):
        raise InputError(f"{root}: two projects give the same job name ({', '.join(sorted(slugs))})")
    return sorted(found, key=lambda p: p.path)
