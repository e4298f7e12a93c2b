"""Where a registry's files live: a directory or an S3-compatible bucket/prefix.

Both stores offer the same few operations, each safe on its own:
- ``upload`` reads a local file once, hashing it while it is copied (directory) or sent
  in parallel multipart parts (S3), and returns its sha256 and size;
- ``verify`` checks size and sha256 where the file landed;
- ``replace`` writes a small file in one atomic step, only if it is still the version
  read before (a compare-and-swap: temp + rename under a lock on a directory; a
  conditional PUT on S3), so two concurrent publishers never lose each other's work.

Credentials and endpoints for S3 come from boto3's standard chain (``AWS_PROFILE``,
``AWS_ENDPOINT_URL_S3``, ...); GAEV never writes them anywhere.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from gaev_tui.errors import GaevError, InputError
from gaev_tui.fsutil import read_regular

CHUNK = 8 * 1024 * 1024
STALE_PART_S = 15 * 60  # a partial copy untouched this long belongs to a dead publisher
Progress = Callable[[int], None]  # called with the bytes done so far


class StoreError(GaevError):
    """The registry's storage failed or refused (unreachable, denied, ...)."""


class Conflict(StoreError):
    """Someone else changed the file since it was read: read again and retry."""


@dataclass(frozen=True)
class Uploaded:
    sha256: str
    size: int
    # What the store itself can tell about the bytes it holds (S3's checksum), to
    # compare in ``verify`` without reading the file back.
    landed_checksum: str | None = None


def _key_parts(key: str) -> list[str]:
    parts = key.split("/")
    if not key or any(p in ("", ".", "..") for p in parts) or "\\" in key or "\x00" in key:
        raise InputError(f"not a registry path: {key!r}")
    return parts


class DirStore:
    """A registry in a local (or mounted) directory, served by any static web server."""

    scheme = "dir"

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def __str__(self) -> str:
        return str(self.root)

    def _path(self, key: str) -> Path:
        path = self.root.joinpath(*_key_parts(key))
        # Never follow a link out of the registry (keys are GAEV's own, links are not).
        real_root = os.path.realpath(self.root)
        if os.path.commonpath([real_root, os.path.realpath(path)]) != real_root:
            raise StoreError(f"{path} leads outside the registry {self.root}; refusing")
        return path

    def create(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)

    def read(self, key: str, limit: int) -> tuple[bytes, str] | None:
        """The file's bytes and a version token (its sha256), or None if absent."""
        path = self._path(key)
        try:
            data = read_regular(path, limit)
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:  # a FIFO or device, too big, unreadable
            raise StoreError(f"cannot read {path}: {exc}") from None
        return data, hashlib.sha256(data).hexdigest()

    def size(self, key: str) -> int | None:
        try:
            return self._path(key).stat().st_size
        except FileNotFoundError:
            return None

    def age(self, key: str) -> float:
        """Seconds since the file was last written."""
        return time.time() - self._path(key).stat().st_mtime

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            with FileLock(str(self.root / ".gaev-registry.lock"), timeout=120):
                yield
        except Timeout:
            raise StoreError(f"{self.root} is locked by another publisher for 2 minutes; try again") from None

    def replace(self, key: str, data: bytes, content_type: str, expect: str | None) -> None:
        """Write ``data`` if the file is still at version ``expect`` (None: still absent)."""
        path = self._path(key)
        with self._locked():
            current = self.read(key, len(data) + (1 << 26))
            if (current[1] if current else None) != expect:
                raise Conflict(f"{path} changed while publishing")
            self._write_atomic(path, data)

    def create_only(self, key: str, data: bytes, content_type: str) -> bool:
        """Write ``data`` unless the file exists (True if written)."""
        path = self._path(key)
        with self._locked():
            if path.exists():
                return False
            self._write_atomic(path, data)
            return True

    def _write_atomic(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

    def upload(self, key: str, source: Path, progress: Progress | None = None) -> Uploaded:
        """Copy ``source`` to ``key`` (through a hidden partial file, renamed at the end:
        an interrupted copy never leaves a file under the final name)."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._remove_stale_parts(path)
        digest, done = hashlib.sha256(), 0
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        try:
            with open(source, "rb") as src, os.fdopen(fd, "wb") as dst:
                while chunk := src.read(CHUNK):
                    digest.update(chunk)
                    dst.write(chunk)
                    done += len(chunk)
                    if progress:
                        progress(done)
                dst.flush()
                os.fsync(dst.fileno())
            os.chmod(tmp, 0o644)
            with self._locked():
                if path.exists():
                    raise Conflict(f"{path} appeared while uploading")
                os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        return Uploaded(digest.hexdigest(), done)

    @staticmethod
    def _remove_stale_parts(path: Path) -> None:
        """Partial copies of this file left by a killed publisher (hidden, never listed)."""
        for part in path.parent.glob(f".{path.name}.*.part"):
            with contextlib.suppress(OSError):
                if time.time() - part.stat().st_mtime > STALE_PART_S:
                    part.unlink()

    def verify(self, key: str, uploaded: Uploaded) -> None:
        """Read the landed file back and compare: a local disk is cheap to re-read."""
        path = self._path(key)
        digest, size = hashlib.sha256(), 0
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
        if size != uploaded.size or digest.hexdigest() != uploaded.sha256:
            raise StoreError(f"{path} does not match what was copied (size {size} vs {uploaded.size})")

    def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._path(key).unlink()

    def keys(self, suffix: str) -> list[str]:
        """Every key ending with ``suffix`` (for the index), sorted."""
        found = []
        for path in sorted(self.root.rglob("*" + suffix)):
            if path.is_file() and not path.is_symlink() and not path.name.startswith("."):
                found.append(path.relative_to(self.root).as_posix())
        return found

    def default_url(self) -> str:
        return self.root.resolve().as_uri()

