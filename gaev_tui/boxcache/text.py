"""Words and numbers for people: shared by ``gaev boxes`` and the Box cache screen."""

from __future__ import annotations

from datetime import datetime

from gaev_tui.boxcache.model import UNKNOWN_KEPT, Box

_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")


def human_bytes(n: int | None) -> str:
    """``1536`` -> ``1.5 KiB`` (binary units, as ``du -h`` counts)."""
    if n is None:
        return "?"
    value = float(n)
    for unit in _UNITS:
        if abs(value) < 1024 or unit == _UNITS[-1]:
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def in_use_text(box: Box) -> str:
    """``yes`` / ``no`` / ``unknown — kept``."""
    if box.in_use is None:
        return UNKNOWN_KEPT
    return "yes" if box.in_use else "no"


def outdated_text(box: Box) -> str:
    """``yes (2.0.0)`` / ``no`` / ``unknown``."""
    if box.outdated is None:
        return "unknown"
    return f"yes ({box.latest_version})" if box.outdated else "no"


def added_text(when: datetime | None) -> str:
    """The date a box was added, in local time (day precision is what matters)."""
    return when.astimezone().strftime("%Y-%m-%d") if when else "?"


COLUMNS = ("NAME", "VERSION", "PROVIDER", "ARCH", "SIZE", "IN USE", "OUTDATED", "ADDED")


def row(box: Box) -> tuple[str, ...]:
    """The cells of one box in the order of :data:`COLUMNS`."""
    name = box.name + (" [pinned]" if box.pinned else "")
    return (name, box.version, box.provider, box.architecture or "-", human_bytes(box.size_bytes),
            in_use_text(box), outdated_text(box), added_text(box.added))


def table(boxes: list[Box], extra: list[str] | None = None) -> str:
    """A plain-text table of ``boxes`` (``extra``: one more column, e.g. a reason)."""
    header = list(COLUMNS) + (["WHY"] if extra is not None else [])
    rows = [list(row(b)) + ([extra[i]] if extra is not None else []) for i, b in enumerate(boxes)]
    widths = [max(len(str(r[c])) for r in [header, *rows]) for c in range(len(header))]
    lines = ["  ".join(cell.ljust(widths[c]) for c, cell in enumerate(r)).rstrip() for r in [header, *rows]]
    return "\n".join(lines)
