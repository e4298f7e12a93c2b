"""Atomic writes and locks for the files GAEV owns (a crash never leaves half a file),
and the one reader of files whose path a user, a cache or a state file supplied."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock

from gaev_tui.errors import GaevError

try:
    import fcntl
except ImportError:  # Windows: no flock, so no directory locks there
    fcntl = None


class NotRegularFile(OSError):
    """A path that names a FIFO, device, socket or directory where a file was expected."""


def read_regular(path: Path | str, limit: int) -> bytes:
    """The bytes of the regular file at ``path``, never blocking and never more than
    ``limit`` bytes (a bigger file raises ``ValueError`` after reading ``limit + 1``).

    ``O_NONBLOCK`` makes opening a FIFO with no writer return at once (a plain
    ``open`` would wait for ever); ``fstat`` on the opened descriptor then refuses
    anything that is not a regular file, checked on what was opened, not on the name,
    so a swap between a check and the open cannot slip a FIFO or a device through.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = ("a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
                    else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                    else "a directory" if stat.S_ISDIR(mode) else "not a regular file")
            raise NotRegularFile(f"{path}: {kind}, not a regular file; not read")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    if size > limit:
        raise ValueError(f"{path}: larger than {limit} bytes; not read")
    return b"".join(chunks)


def read_regular_text(path: Path | str, limit: int) -> str:
    """:func:`read_regular` decoded as UTF-8 (``UnicodeDecodeError`` is a ValueError)."""
    return read_regular(path, limit).decode("utf-8")


def atomic_write(path: Path, data: bytes | str, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory.

    ``os.replace`` is atomic on POSIX and Windows, so readers see either the old file or
    the new one, never a partial write.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def locked(path: Path, timeout: float = 30.0) -> Iterator[None]:
    """Hold an inter-process lock guarding ``path`` (the lock file sits beside it)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path) + ".lock", timeout=timeout):
        yield


@contextlib.contextmanager
def dir_locked(directory: Path, timeout: float = 30.0) -> Iterator[None]:
    """Hold an exclusive flock on ``directory`` itself (no lock file to leave behind; the
    kernel drops it when the holder dies). Writers of projects in a directory
    (``gaev generate``) and starters of builds of those projects take it on the projects'
    parent: a build recorded under it is seen by the next writer, and a writer's check
    and swap are never split by a build starting. Where flock is missing (Windows, a file
    system without it) or the directory cannot be read, it goes on unlocked. A symlink
    is followed: both sides must lock the same directory, whichever path names it."""
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    except PermissionError:
        fd = None
    try:
        deadline = time.monotonic() + timeout
        while fcntl is not None and fd is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise GaevError(f"another gaev is writing a project in {directory}; try again when it is done") from None
                time.sleep(0.1)
            except OSError:  # a file system without flock
                break
        yield
    finally:
        if fd is not None:
            os.close(fd)
