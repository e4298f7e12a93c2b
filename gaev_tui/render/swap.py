"""Replacing a project directory in one step, and finishing what a crash interrupted.

The new tree is built in a staging directory beside the project (``.NAME.gaev-XXXX/tree``)
and exchanged with the project in one ``renameat2(RENAME_EXCHANGE)`` (Linux) or
``renamex_np(RENAME_SWAP)`` (macOS): a reader sees the old project or the new one, never
a mix. Where neither exists (another system, a file system without it) two renames do
it: a reader may then find no project for a moment, still never a mix. Before the swap
a journal records the old directory's identity and which of its files were deliberately
dropped, so whoever finds a staging directory later (the next write, under the same
lock) knows whether it holds a half-built new tree (removed) or the old tree after a
swap (emptied: names that are also in the live project, and the dropped files whose
content is unchanged, are removed; any other file goes back into the project).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from gaev_tui.fsutil import atomic_write, dir_locked
from gaev_tui.render import tree

JOURNAL = "journal.json"
_STAGING = re.compile(r"\.(?P<name>.+)\.gaev-[A-Za-z0-9_]{8}")
_RENAME_EXCHANGE = 2  # Linux <linux/fs.h>
_RENAME_SWAP = 2  # macOS <stdio.h>
_AT_FDCWD = -100


def new_staging(dest: Path) -> Path:
    """``.NAME.gaev-XXXXXXXX`` beside the project (the name :data:`_STAGING` recognises)."""
    return Path(tempfile.mkdtemp(prefix=f".{dest.name}.gaev-", dir=dest.parent))


def parent_locked(parent: Path, timeout: float = 30.0) -> contextlib.AbstractContextManager[None]:
    """Serialise writers in one parent directory, and exclude builds starting there
    (:func:`gaev_tui.fsutil.dir_locked`, which ``gaev build`` takes too)."""
    return dir_locked(parent, timeout)


def atomic_exchange(platform: str = sys.platform) -> Callable[[bytes, bytes], int] | None:
    """The system call that swaps two paths in one step, as ``call(a, b) -> 0 or -1``
    (errno set): ``renameat2(RENAME_EXCHANGE)`` on Linux, ``renamex_np(RENAME_SWAP)`` on
    macOS; None elsewhere, where :func:`swap_in` uses two renames."""
    linux, macos = platform.startswith("linux"), platform == "darwin"
    if not (linux or macos):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        call = libc.renameat2 if linux else libc.renamex_np
    except (OSError, AttributeError):  # a C library without it (glibc < 2.28, macOS < 10.12)
        return None
    if linux:
        call.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        return lambda a, b: call(_AT_FDCWD, a, _AT_FDCWD, b, _RENAME_EXCHANGE)
    call.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]
    return lambda a, b: call(a, b, _RENAME_SWAP)


def exchange(a: Path, b: Path) -> bool:
    """Swap two directories atomically; False where the system or the file system cannot."""
    call = atomic_exchange()
    if call is None:
        return False
    if call(os.fsencode(a), os.fsencode(b)) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def swap_in(staging: Path, dest: Path, journal: dict) -> Path:
    """Put ``staging/tree`` in place of ``dest``; returns where the old tree now is."""
    atomic_write(staging / JOURNAL, json.dumps(journal))
    if exchange(staging / "tree", dest):
        return staging / "tree"
    # No atomic exchange here: two renames. A reader may find no project between them
    # (never a mix), and a crash there is completed by recover(): the journal names the
    # old tree, which goes back in place.
    try:
        os.rename(dest, staging / "old")
    except OSError:  # nothing moved: no journal may claim a swap
        os.unlink(staging / JOURNAL)
        raise
    os.rename(staging / "tree", dest)
    return staging / "old"


def clear_old_tree(old: Path, dest: Path, dropped: dict[str, str]) -> list[tuple[str, str]]:
    """Empty and remove the old tree after a swap; returns (path, where it went) for the
    files that were neither in the new project nor dropped (they go back into it)."""
    kept: list[tuple[str, str]] = []
    live_fd, old_fd = tree.open_dir(dest), tree.open_dir(old)
    try:
        live = {entry.identity for entry in tree.walk(live_fd) if not entry.is_dir}
        tree.make_removable(old_fd)
        entries = tree.walk(old_fd)
        for entry in reversed(entries):  # children before their directory
            try:
                parent, name = tree.open_parent(old_fd, entry.rel)
            except OSError:
                continue
            try:
                if entry.is_dir:
                    with contextlib.suppress(OSError):
                        os.rmdir(name, dir_fd=parent)
                elif entry.identity in live or _unchanged_drop(dropped.get(entry.rel), old_fd, entry):
                    os.unlink(name, dir_fd=parent)
                else:
                    kept.append((entry.rel, _restore(parent, name, entry.rel, live_fd)))
            except OSError as exc:
                kept.append((entry.rel, f"(left in {old}: {exc.strerror})"))
            finally:
                os.close(parent)
    finally:
        os.close(live_fd)
        os.close(old_fd)
    with contextlib.suppress(OSError):
        os.rmdir(old)
    return kept


def _unchanged_drop(digest: str | None, old_fd: int, entry: tree.Entry) -> bool:
    """A file GAEV decided not to carry over, still holding what it held then."""
    return digest is not None and digest == tree.sha256(old_fd, entry.rel, entry)


def _restore(parent: int, name: str, rel: str, live_fd: int) -> str:
    """Move a file found only in the old tree back into the project (beside a file of
    the same name when there is one); returns its new path, or where it stays."""
    target = rel if tree.lstat(live_fd, rel) is None else tree.free_name(rel, lambda r: tree.lstat(live_fd, r) is not None)
    try:
        tree.make_parents(live_fd, target)
        into, target_name = tree.open_parent(live_fd, target)
    except OSError:
        return f"(left in the staging directory: {rel})"
    try:
        os.rename(name, target_name, src_dir_fd=parent, dst_dir_fd=into)
        return target
    except OSError:
        return f"(left in the staging directory: {rel})"
    finally:
        os.close(into)


def recover(dest: Path) -> list[tuple[str, str]]:
    """Finish every staging directory a crashed writer left beside ``dest`` (its own and
    those of its sibling projects; call it under :func:`parent_locked`, so none of them
    is in use). Returns what went back into ``dest`` and where."""
    kept: list[tuple[str, str]] = []
    with os.scandir(dest.parent) as listing:
        stale = [(Path(e.path), match["name"]) for e in listing
                 if (match := _STAGING.fullmatch(e.name)) and e.is_dir(follow_symlinks=False)]
    for staging, name in stale:
        restored = _recover_one(staging, dest.parent / name)
        kept += restored if name == dest.name else []
    return kept


def _recover_one(staging: Path, dest: Path) -> list[tuple[str, str]]:
    """The journal tells the old tree (after a swap) from a new one that never went live."""
    kept: list[tuple[str, str]] = []
    journal = _journal(staging)
    old_identity = tuple(journal.get("old", ())) if journal else ()
    for name in ("old", "tree"):
        candidate = staging / name
        try:
            st = os.lstat(candidate)
        except FileNotFoundError:
            continue
        if (st.st_dev, st.st_ino) == old_identity:
            if not os.path.lexists(dest):
                os.rename(candidate, dest)  # crashed between the two renames
            else:
                kept += clear_old_tree(candidate, dest, journal.get("dropped", {}))
        else:  # a new tree that never went live: only GAEV's files and extra links
            remove_tree(candidate)
    for leftover in os.listdir(staging):
        if leftover == JOURNAL or leftover.startswith(f".{JOURNAL}."):
            os.unlink(staging / leftover)
    with contextlib.suppress(OSError):
        os.rmdir(staging)
    return kept


def remove_tree(path: Path) -> None:
    """Remove a staging tree GAEV made, read-only directories included."""
    with contextlib.suppress(OSError):
        fd = tree.open_dir(path)
        try:
            tree.make_removable(fd)
        finally:
            os.close(fd)
    shutil.rmtree(path, ignore_errors=True)


def _journal(staging: Path) -> dict | None:
    try:
        data = json.loads((staging / JOURNAL).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("dropped", {}), dict) else None
