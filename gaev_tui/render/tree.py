"""Looking into a project directory without ever following a symbolic link out of it.

Every path is opened component by component from the directory's own descriptor with
``O_NOFOLLOW``, at the moment it is used: a symlinked ``scripts/`` or a lock naming
``../../x`` can point anywhere, but what is read, linked or removed stays inside.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass

NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | NOFOLLOW | _CLOEXEC
# O_NONBLOCK: a FIFO planted where GAEV expects one of its files must not hang the read.
FILE_FLAGS = os.O_RDONLY | NOFOLLOW | _CLOEXEC | getattr(os, "O_NONBLOCK", 0)
# Whether this system has the descriptor-relative calls everything here relies on (Linux
# and macOS do; Windows has none of them, so an existing project cannot be updated there).
DESCRIPTOR_RELATIVE = (os.scandir in os.supports_fd and os.stat in os.supports_follow_symlinks and {
    os.open, os.stat, os.mkdir, os.chmod, os.link, os.rename, os.unlink, os.rmdir} <= os.supports_dir_fd)


@dataclass(frozen=True)
class Entry:
    """One directory entry, as ``lstat`` saw it, by its path relative to the root."""

    rel: str
    st: os.stat_result

    @property
    def is_dir(self) -> bool:
        return stat.S_ISDIR(self.st.st_mode)

    @property
    def is_file(self) -> bool:
        return stat.S_ISREG(self.st.st_mode)

    @property
    def identity(self) -> tuple[int, int]:
        return (self.st.st_dev, self.st.st_ino)


def open_dir(path: str | os.PathLike, dir_fd: int | None = None) -> int:
    """A descriptor on a real directory (a symlink in the last component is refused)."""
    return os.open(path, DIR_FLAGS, dir_fd=dir_fd)


def open_parent(root_fd: int, rel: str) -> tuple[int, str]:
    """A descriptor on the directory holding ``rel`` (the caller closes it) and its name."""
    *parts, name = rel.split("/")
    fd = os.dup(root_fd)
    try:
        for part in parts:
            child = open_dir(part, dir_fd=fd)
            os.close(fd)
            fd = child
    except BaseException:
        os.close(fd)
        raise
    return fd, name


def walk(root_fd: int, descend: Callable[[str], bool] | None = None) -> list[Entry]:
    """Every entry under the root, parents before children; symlinks are entries, never
    followed. Iterative, so a deep tree cannot exhaust Python's recursion. ``descend``
    (when given) says which directories to look into."""
    entries: list[Entry] = []
    stack: list[tuple[int, str]] = [(os.dup(root_fd), "")]
    while stack:
        fd, prefix = stack.pop()
        try:
            with os.scandir(fd) as listing:
                children = sorted((item.name, item.stat(follow_symlinks=False)) for item in listing)
            for name, st in children:
                entry = Entry(f"{prefix}{name}", st)
                entries.append(entry)
                if entry.is_dir and (descend is None or descend(entry.rel)):
                    try:
                        stack.append((open_dir(name, dir_fd=fd), f"{entry.rel}/"))
                    except OSError as exc:  # name the entry (the error alone says only its base name)
                        raise OSError(exc.errno, exc.strerror, entry.rel) from None
        finally:
            os.close(fd)
    return entries


def lstat(root_fd: int, rel: str) -> os.stat_result | None:
    """``lstat`` of ``rel`` through real directories only; None when it is not there."""
    try:
        parent, name = open_parent(root_fd, rel)
    except (FileNotFoundError, NotADirectoryError, OSError):
        return None
    try:
        return os.stat(name, dir_fd=parent, follow_symlinks=False)
    except OSError:
        return None
    finally:
        os.close(parent)


def sha256(root_fd: int, rel: str, expect: Entry | None = None) -> str | None:
    """The checksum of the regular file at ``rel``, or None when it is anything else
    (a symlink, a directory, a FIFO) or is no longer the entry ``expect`` describes."""
    try:
        parent, name = open_parent(root_fd, rel)
    except OSError:
        return None
    try:
        fd = os.open(name, FILE_FLAGS, dir_fd=parent)
    except OSError:
        return None
    finally:
        os.close(parent)
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode) or (expect and (st.st_dev, st.st_ino) != expect.identity):
        os.close(fd)
        return None
    with os.fdopen(fd, "rb") as handle:
        digest = hashlib.sha256()
        while block := handle.read(1 << 20):
            digest.update(block)
        return digest.hexdigest()


def make_parents(root_fd: int, rel: str) -> None:
    """Create the missing directories above ``rel``; an existing component that is not
    a real directory (a symlink, a file) stops it with an OSError."""
    fd = os.dup(root_fd)
    try:
        for part in rel.split("/")[:-1]:
            try:
                child = open_dir(part, dir_fd=fd)
            except FileNotFoundError:
                os.mkdir(part, 0o755, dir_fd=fd)
                child = open_dir(part, dir_fd=fd)
            os.close(fd)
            fd = child
    finally:
        os.close(fd)


def free_name(rel: str, taken) -> str:
    """``rel.gaev-saved`` (then ``.2``, ``.3``...): where GAEV keeps a file of the user's
    that stands where it writes one of its own. ``taken(path)`` says a name is used."""
    candidate, number = f"{rel}.gaev-saved", 1
    while taken(candidate):
        number += 1
        candidate = f"{rel}.gaev-saved.{number}"
    return candidate


def make_removable(root_fd: int) -> None:
    """Give the owner write access to every directory of a tree about to be removed (a
    read-only ``data/`` of the old project must not leave the staging directory behind)."""
    os.fchmod(root_fd, stat.S_IMODE(os.fstat(root_fd).st_mode) | 0o700)
    stack = [os.dup(root_fd)]
    while stack:
        fd = stack.pop()
        try:
            with os.scandir(fd) as listing:
                dirs = [(item.name, item.stat(follow_symlinks=False)) for item in listing if item.is_dir(follow_symlinks=False)]
            for name, st in dirs:
                os.chmod(name, stat.S_IMODE(st.st_mode) | 0o700, dir_fd=fd)
                stack.append(open_dir(name, dir_fd=fd))
        finally:
            os.close(fd)
