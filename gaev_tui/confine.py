"""Paths typed by a web user, kept inside the directory the server was started with
(``gaev serve --projects DIR``). A typed path is relative to that directory; absolute
paths, ``~``, ``..`` and links that lead out are refused, and the check is made on the
real (resolved) path, so a symlink inside the directory cannot be used to escape."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from gaev_tui.errors import InputError

ENV = "GAEV_PROJECTS_DIR"  # set by `gaev serve` for the wizard sessions it starts


def projects_root() -> Path | None:
    """The directory web sessions are confined to, or None in a terminal."""
    value = os.environ.get(ENV)
    return Path(value) if value else None


def inside(root: Path, typed: str) -> Path:
    text = typed.strip()
    if not text:
        raise InputError("give a directory name")
    if text.startswith(("/", "~")) or "\\" in text or ":" in text or "\x00" in text:
        raise InputError(f"must be a directory inside {root.name}/ (a relative name, like my-vm)")
    parts = PurePosixPath(text).parts
    if ".." in parts:
        raise InputError("'..' is not allowed: projects stay inside the server's projects directory")
    candidate = Path(root).joinpath(*parts)
    real_root = os.path.realpath(root)
    if os.path.commonpath([real_root, os.path.realpath(candidate)]) != real_root:
        raise InputError(f"{text} leads outside the server's projects directory")
    return candidate
