"""GAEV's own records about boxes: the ones it built, and the ones the user pinned.

One JSON file, ``paths.data_dir()/boxes.json``::

    {"format": 1,
     "built": [{"name", "version", "provider", "architecture", "checksum",
                "checksum_type", "spec", "built_at", "tools": {...}, "box_file",
                "role": "final" (a project's box) or "base" (its base box, built by Packer)}],
     "pins":  [{"name", "version", "provider", "architecture"}]}   # null = any

Pins live here (not in Vagrant's directory, which Vagrant owns). Every change is a
read-modify-write under a file lock, written atomically. The file is checked entry by
entry on every load: a bad entry affects only its own box. A file with any problem is
moved aside under a unique name (never overwritten: it is the user's only copy of what
was lost) and the rest is kept: valid pins and records are carried over, and when
nothing can be read the built records are rebuilt from a scan of the cache. Every such
repair is reported, whichever command met it (list, pin, unpin, a build).
"""

from __future__ import annotations

import contextlib
import json
import secrets
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from gaev_tui import paths
from gaev_tui.boxcache.model import Box, CacheWarning
from gaev_tui.fsutil import atomic_write, locked, read_regular

FORMAT = 1
_KEYS = ("name", "version", "provider", "architecture")
MAX_BYTES = 64 << 20  # thousands of records fit in a few MB
LOCK_WAIT_S = 900.0  # a pin waits for the removal in progress (one `vagrant box remove`)


def records_path() -> Path:
    """Where GAEV keeps its box records."""
    return paths.data_dir() / "boxes.json"


def _empty() -> dict:
    return {"format": FORMAT, "built": [], "pins": []}


def _entry_problem(item: object) -> str | None:
    if not isinstance(item, dict):
        return "not an object"
    if not isinstance(item.get("name"), str) or not item["name"]:
        return "no name"
    for key in _KEYS[1:]:
        if item.get(key) is not None and not isinstance(item[key], str):
            return f"'{key}' is not a string"
    return None


def _read(path: Path) -> tuple[dict | None, list[str]]:
    """(records, problems): an empty set when there is no file; None when nothing can
    be used; otherwise the valid entries, with a line per entry that was not."""
    try:
        data = json.loads(read_regular(path, MAX_BYTES))
    except FileNotFoundError:
        return _empty(), []
    except (OSError, ValueError) as exc:  # a FIFO, too big, not UTF-8, not JSON
        return None, [str(exc)]
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None, [f"not a format-{FORMAT} records object"]
    kept, problems = _empty(), []
    for section in ("built", "pins"):
        items = data.get(section)
        if not isinstance(items, list):
            problems.append(f"'{section}' is not a list")
            continue
        for n, item in enumerate(items):
            why = _entry_problem(item)
            if why:
                problems.append(f"{section}[{n}]: {why}")
            else:
                kept[section].append(item)
    return kept, problems


def _write(path: Path, data: dict) -> None:
    atomic_write(path, json.dumps(data, indent=2, sort_keys=True) + "\n")


def _move_aside(path: Path) -> Path:
    """Rename ``path`` to a name no earlier copy has (second resolution is not enough)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    while True:
        aside = path.with_name(f"{path.name}.corrupt-{stamp}-{secrets.token_hex(4)}")
        if not aside.exists():
            path.replace(aside)
            return aside


def _repair(path: Path, data: dict | None, problems: list[str], boxes: list[Box]) -> tuple[dict, CacheWarning]:
    """Keep the bad file aside, write what could be kept; the warning says what happened."""
    aside = _move_aside(path)
    detail = "; ".join(problems[:3]) + (f"; and {len(problems) - 3} more" if len(problems) > 3 else "")
    unreadable = data is None
    scanned = unreadable or any(p.startswith("'built'") for p in problems)
    if scanned:
        pins = [] if unreadable else data["pins"]
        data = {**_empty(), "pins": pins}
        for box in boxes:
            entry = {k: getattr(box, k) for k in _KEYS}
            entry.update(checksum=None, recovered_from_scan=True)
            data["built"].append(entry)
    if unreadable:
        what = "rebuilt from a scan of the cache (its pins, if any, are in that copy: re-pin them)"
    elif scanned:
        what = f"built records rebuilt from a scan of the cache, {len(data['pins'])} pin(s) kept"
    else:
        what = f"kept {len(data['pins'])} pin(s) and {len(data['built'])} record(s), dropped the rest"
    _write(path, data)
    return data, CacheWarning(path, f"records had problems ({detail}): the file was moved to {aside.name}; {what}")


@contextlib.contextmanager
def held(boxes: list[Box] | None = None, warnings: list[CacheWarning] | None = None,
         timeout: float = LOCK_WAIT_S) -> Iterator[dict]:
    """The records, read (and repaired if needed) under their lock, held for the block:
    what the block decides from them stays true until it ends (prune, pin)."""
    path = records_path()
    with locked(path, timeout):
        data, problems = _read(path)
        if problems:
            data, warning = _repair(path, data, problems, boxes or [])
            if warnings is not None:
                warnings.append(warning)
        yield data


def load(boxes: list[Box] | None = None) -> tuple[dict, list[CacheWarning]]:
    """GAEV's records; a damaged file is repaired (``boxes``, the scanned cache, rebuild
    the built records when nothing else can be read) and reported."""
    data, problems = _read(records_path())
    if not problems:
        return data, []
    warnings: list[CacheWarning] = []
    with held(boxes, warnings) as data:  # another process may have repaired it meanwhile
        return data, warnings


def _update(change, warnings: list[CacheWarning] | None) -> dict:
    path = records_path()
    with held([], warnings) as data:
        change(data)
        _write(path, data)
    return data


def _matches(rule: dict, box: Box) -> bool:
    return all(rule.get(k) in (None, getattr(box, k)) for k in _KEYS)


def record_built(name: str, version: str, provider: str, architecture: str | None = None, *,
                 checksum: str | None, checksum_type: str = "sha256", spec: dict | None = None,
                 tools: dict | None = None, built_at: datetime | None = None,
                 box_file: str | None = None, role: str = "final",
                 warnings: list[CacheWarning] | None = None) -> None:
    """Remember that GAEV built this box (replaces an older record of the same box);
    a repair of the file on the way is appended to ``warnings``."""
    entry = {"name": name, "version": version, "provider": provider, "architecture": architecture,
             "checksum": checksum, "checksum_type": checksum_type, "spec": spec or {},
             "tools": tools or {}, "box_file": box_file, "role": role,
             "built_at": (built_at or datetime.now(UTC)).isoformat()}

    def change(data: dict) -> None:
        key = tuple(entry[k] for k in _KEYS)
        data["built"] = [b for b in data["built"] if tuple(b.get(k) for k in _KEYS) != key]
        data["built"].append(entry)

    _update(change, warnings)


class BoxGone(LookupError):
    """The box to pin was removed (by a prune) while the pin waited for the lock."""


def pin(name: str, version: str | None = None, provider: str | None = None,
        architecture: str | None = None, *, warnings: list[CacheWarning] | None = None,
        still_there=None) -> bool:
    """Pin boxes (None = any value) so prune keeps them; False if already pinned.

    ``still_there()``, checked under the lock, raises :class:`BoxGone` when it is
    False: a prune holds the lock while it removes a box, so a pin that waited for it
    must not report "pinned" for a box that is no longer there.
    """
    rule = {"name": name, "version": version, "provider": provider, "architecture": architecture}
    added = []

    def change(data: dict) -> None:
        if still_there is not None and not still_there():
            raise BoxGone(name)
        if rule not in data["pins"]:
            data["pins"].append(rule)
            added.append(rule)

    _update(change, warnings)
    return bool(added)


def unpin(name: str, version: str | None = None, provider: str | None = None,
          architecture: str | None = None, *, warnings: list[CacheWarning] | None = None) -> int:
    """Remove pins on ``name`` narrowed by the given fields; the number removed."""
    given = {"version": version, "provider": provider, "architecture": architecture}
    removed = []

    def change(data: dict) -> None:
        keep = []
        for rule in data["pins"]:
            hit = rule["name"] == name and all(v is None or rule.get(k) == v for k, v in given.items())
            (removed if hit else keep).append(rule)
        data["pins"] = keep

    _update(change, warnings)
    return len(removed)


def is_pinned(box: Box, data: dict) -> bool:
    """True when a pin of ``data`` covers ``box``."""
    return any(_matches(rule, box) for rule in data["pins"])


def apply(boxes: list[Box], data: dict) -> None:
    """Set ``pinned`` and ``built_by_gaev`` on each box from the records."""
    for box in boxes:
        box.pinned = is_pinned(box, data)
        box.built_by_gaev = any(
            _matches(b, box) and not b.get("recovered_from_scan") for b in data["built"]
        )
