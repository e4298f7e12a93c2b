"""The box index: the scan joined with machine use, catalogues and GAEV's records."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from gaev_tui import paths
from gaev_tui.boxcache import machines, outdated, records
from gaev_tui.boxcache.model import Box, CacheWarning
from gaev_tui.boxcache.scan import scan


@dataclass
class BoxIndex:
    """Every installed box with its flags, and the warnings met while looking."""

    vagrant_home: Path
    boxes: list[Box] = field(default_factory=list)
    warnings: list[CacheWarning] = field(default_factory=list)

    @property
    def total_bytes(self) -> int:
        """Bytes allocated by all boxes."""
        return sum(b.size_bytes for b in self.boxes)

    def find(self, name: str, version: str | None = None, provider: str | None = None,
             architecture: str | None = None) -> list[Box]:
        """Boxes named ``name`` narrowed by the other fields (None = any)."""
        return [
            b for b in self.boxes
            if b.name == name
            and version in (None, b.version)
            and provider in (None, b.provider)
            and architecture in (None, b.architecture)
        ]


def disk_usage(vagrant_home: Path):
    """``shutil.disk_usage`` (total, used, free) of the cache's filesystem, or None."""
    path = Path(vagrant_home)
    for candidate in (path / "boxes", path, *path.parents):
        if candidate.exists():
            try:
                return shutil.disk_usage(candidate)
            except OSError:
                return None
    return None


def build_index(vagrant_home: Path | None = None, *, offline: bool = False,
                check_outdated: bool = True) -> BoxIndex:
    """Scan the cache and flag each box: in use, outdated, pinned, built by GAEV.

    ``offline`` skips network catalogues (file catalogues are still read);
    ``check_outdated=False`` skips catalogues entirely (outdated stays unknown).
    """
    home = Path(vagrant_home) if vagrant_home else paths.vagrant_home()
    boxes, warnings = scan(home)
    uses, more = machines.load_machines(home)
    warnings += more
    machines.mark_in_use(boxes, uses)
    if check_outdated:
        warnings += outdated.mark_outdated(boxes, offline=offline or bool(os.environ.get("GAEV_OFFLINE")))
    data, more = records.load(boxes)
    warnings += more
    records.apply(boxes, data)
    return BoxIndex(vagrant_home=home, boxes=boxes, warnings=warnings)
