"""Atomic writes and locks for the files GAEV owns (a crash never leaves half a file),
and the one reader of files whose path a user, a cache or a state file supplied."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock


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
