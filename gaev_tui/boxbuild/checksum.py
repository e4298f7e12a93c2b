"""SHA-256 of multi-GB box files at OpenSSL speed, in ``sha256sum`` format.

hashlib's SHA-256 is OpenSSL's; what costs is Python between calls, so the file is read
with ``readinto`` into one reused 4 MiB buffer (no per-chunk allocations).
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from gaev_tui.fsutil import atomic_write

CHUNK = 4 << 20


class Cancelled(Exception):
    """The caller asked to stop (the build was cancelled)."""


def sha256_file(path: Path, cancel: threading.Event | None = None) -> str:
    """Hex SHA-256 of ``path``; raises :class:`Cancelled` if ``cancel`` gets set."""
    digest = hashlib.sha256()
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    with open(path, "rb", buffering=0) as handle:
        while True:
            if cancel is not None and cancel.is_set():
                raise Cancelled(str(path))
            n = handle.readinto(buf)
            if not n:
                break
            digest.update(view[:n])
    return digest.hexdigest()


def checksum_line(hexdigest: str, filename: str) -> str:
    """One ``sha256sum`` line: ``<hex>  <filename>`` (two spaces: binary-agnostic mode)."""
    return f"{hexdigest}  {filename}\n"


def write_checksum(box: Path, out: Path, name: str | None = None, cancel: threading.Event | None = None) -> str:
    """Hash ``box`` and write ``out`` atomically, naming the file ``name`` (default: its own)."""
    hexdigest = sha256_file(box, cancel)
    atomic_write(out, checksum_line(hexdigest, name or Path(box).name))
    return hexdigest
