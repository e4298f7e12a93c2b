"""What the box cache knows about one installed box, and the problems met on the way."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

# The text shown for a box whose use cannot be known: GAEV keeps it (stricter than Vagrant).
UNKNOWN_KEPT = "unknown — kept"


@dataclass
class Box:
    """One installed box: a ``NAME/VERSION[/ARCH]/PROVIDER`` directory of the cache."""

    name: str
    version: str
    provider: str
    architecture: str | None
    path: Path
    size_bytes: int = 0  # bytes allocated on disk (st_blocks * 512), not apparent size
    added: datetime | None = None  # when Vagrant unpacked it (provider dir mtime)
    metadata_url: str | None = None
    in_use: bool | None = False  # None: a machine may use it but we cannot tell
    used_by: list[str] = field(default_factory=list)  # "name (project path)" per machine
    outdated: bool | None = None  # None: no catalogue, or it could not be read
    latest_version: str | None = None
    pinned: bool = False
    built_by_gaev: bool = False

    @property
    def key(self) -> tuple[str, str, str, str | None]:
        """Identity of the box in the cache: name, version, provider, architecture."""
        return (self.name, self.version, self.provider, self.architecture)

    @property
    def label(self) -> str:
        """``name vVERSION (provider[, arch])`` for messages."""
        arch = f", {self.architecture}" if self.architecture else ""
        return f"{self.name} v{self.version} ({self.provider}{arch})"

    def to_json(self) -> dict:
        """The fields ``gaev boxes list --json`` prints for this box."""
        return {
            "name": self.name,
            "version": self.version,
            "provider": self.provider,
            "architecture": self.architecture,
            "size_bytes": self.size_bytes,
            "in_use": self.in_use,
            "used_by": list(self.used_by),
            "outdated": self.outdated,
            "latest_version": self.latest_version,
            "pinned": self.pinned,
            "built_by_gaev": self.built_by_gaev,
            "added": self.added.isoformat() if self.added else None,
            "path": str(self.path),
        }


@dataclass(frozen=True)
class CacheWarning:
    """Something odd in the cache (stray file, half-written box...): reported, never fatal."""

    path: Path | None
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


def mtime_utc(seconds: float) -> datetime:
    """A file time as an aware UTC datetime."""
    return datetime.fromtimestamp(seconds, tz=UTC)
