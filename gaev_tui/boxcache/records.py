"""GAEV's own records about boxes: the ones it built, and the ones the user pinned.

One JSON file, ``paths.data_dir()/boxes.json``::

    {"format": 1,
     "built": [{"name", "version", "provider", "architecture", "checksum",
                "checksum_type", "spec", "built_at", "tools": {...}}],
     "pins":  [{"name", "version", "provider", "architecture"}]}   # null = any

Pins live here (not in Vagrant's directory, which Vagrant owns). Every change is a
read-modify-write under a file lock, written atomically. A corrupt file is moved
aside (nothing is lost) and rebuilt from a scan of the cache, with a warning.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

from gaev_tui import paths
from gaev_tui.boxcache.model import Box, CacheWarning
from gaev_tui.fsutil import atomic_write, locked

FORMAT = 1
_KEYS = ("name", "version", "provider", "architecture")


def records_path() -> Path:
    """Where GAEV keeps its box records."""
    return paths.data_dir() / "boxes.json"


def _empty() -> dict:
    return {"format": FORMAT, "built": [], "pins": []}


def _valid(data: object) -> bool:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return False
    for section in ("built", "pins"):
        items = data.get(section)
        if not isinstance(items, list):
            return False
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                return False
            if any(item.get(k) is not None and not isinstance(item.get(k), str) for k in _KEYS[1:]):
                return False
    return True


def _read(path: Path) -> dict | None:
    """The records, an empty set when there is no file, None when it is corrupt."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return _empty()
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return data if _valid(data) else None


def _write(path: Path, data: dict) -> None:
    atomic_write(path, json.dumps(data, indent=2, sort_keys=True) + "\n")


def _rebuilt(path: Path, boxes: list[Box]) -> tuple[dict, CacheWarning]:
    aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
    path.replace(aside)
    data = _empty()
    for box in boxes:
        entry = {k: getattr(box, k) for k in _KEYS}
        entry.update(checksum=None, recovered_from_scan=True)
        data["built"].append(entry)
    _write(path, data)
    return data, CacheWarning(
        path, f"records were corrupt: moved to {aside.name} and rebuilt from a scan (pins lost)"
    )


def load(boxes: list[Box] | None = None) -> tuple[dict, list[CacheWarning]]:
    """GAEV's records; a corrupt file is rebuilt from ``boxes`` (the scanned cache)."""
    path = records_path()
    data = _read(path)
    if data is not None:
        return data, []
    with locked(path):
        data = _read(path)  # another process may have repaired it meanwhile
        if data is not None:
            return data, []
        data, warning = _rebuilt(path, boxes or [])
        return data, [warning]


def _update(change) -> dict:
    path = records_path()
    with locked(path):
        data = _read(path)
        if data is None:
            data, _ = _rebuilt(path, [])
        change(data)
        _write(path, data)
    return data


def _matches(rule: dict, box: Box) -> bool:
    return all(rule.get(k) in (None, getattr(box, k)) for k in _KEYS)


def record_built(name: str, version: str, provider: str, architecture: str | None = None, *,
                 checksum: str | None, checksum_type: str = "sha256", spec: dict | None = None,
                 tools: dict | None = None, built_at: datetime | None = None,
                 box_file: str | None = None) -> None:
    """Remember that GAEV built this box (replaces an older record of the same box)."""
    entry = {"name": name, "version": version, "provider": provider, "architecture": architecture,
             "checksum": checksum, "checksum_type": checksum_type, "spec": spec or {},
             "tools": tools or {}, "box_file": box_file,
             "built_at": (built_at or datetime.now(UTC)).isoformat()}

    def change(data: dict) -> None:
        key = tuple(entry[k] for k in _KEYS)
        data["built"] = [b for b in data["built"] if tuple(b.get(k) for k in _KEYS) != key]
        data["built"].append(entry)

    _update(change)


def pin(name: str, version: str | None = None, provider: str | None = None,
        architecture: str | None = None) -> bool:
    """Pin boxes (None = any value) so prune keeps them; False if already pinned."""
    rule = {"name": name, "version": version, "provider": provider, "architecture": architecture}
    added = []

    def change(data: dict) -> None:
        if rule not in data["pins"]:
            data["pins"].append(rule)
            added.append(rule)

    _update(change)
    return bool(added)


def unpin(name: str, version: str | None = None, provider: str | None = None,
          architecture: str | None = None) -> int:
    """Remove pins on ``name`` narrowed by the given fields; the number removed."""
    given = {"version": version, "provider": provider, "architecture": architecture}
    removed = []

    def change(data: dict) -> None:
        keep = []
        for rule in data["pins"]:
            hit = rule["name"] == name and all(v is None or rule.get(k) == v for k, v in given.items())
            (removed if hit else keep).append(rule)
        data["pins"] = keep

    _update(change)
    return len(removed)


def apply(boxes: list[Box], data: dict) -> None:
    """Set ``pinned`` and ``built_by_gaev`` on each box from the records."""
    for box in boxes:
        box.pinned = any(_matches(rule, box) for rule in data["pins"])
        box.built_by_gaev = any(
            _matches(b, box) and not b.get("recovered_from_scan") for b in data["built"]
        )
