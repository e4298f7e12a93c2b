"""The Box cache's table: one row per box, the columns that fit the terminal's width,
and a line describing the highlighted box in full.

A row of every field is ~100 columns wide; at 80 the last ones were cut off. Columns
that do not fit are dropped in a fixed order (what tells boxes apart stays), and
:func:`describe` says everything about the box under the cursor, so nothing is out of
reach at 80x24.
"""

from __future__ import annotations

from collections.abc import Callable

from gaev_tui.boxcache import Box
from gaev_tui.boxcache import text as fmt
from gaev_tui.boxcache.versions import sort_key
from gaev_tui.widgets.fitted_table import FittedTable

NewerFn = Callable[[Box], "str | None"]

# key -> (title, sort key, cell). The first column shows the mark; the table sets it.
COLUMNS: dict[str, tuple[str, Callable[[Box], object], Callable[[Box, NewerFn], str]]] = {
    "mark": ("✓", lambda b: 0, lambda b, n: ""),
    "name": ("Name", lambda b: b.name, lambda b, n: b.name + (" [pinned]" if b.pinned else "")),
    "version": ("Version", lambda b: sort_key(b.version), lambda b, n: b.version),
    "provider": ("Provider", lambda b: (b.provider, b.architecture or ""),
                 lambda b, n: b.provider + (f"/{b.architecture}" if b.architecture else "")),
    "size": ("Size", lambda b: b.size_bytes, lambda b, n: fmt.human_bytes(b.size_bytes)),
    "in_use": ("In use", lambda b: {True: 2, None: 1, False: 0}[b.in_use],
               lambda b, n: {True: "yes", None: "? kept", False: "no"}[b.in_use]),
    "newer": ("Newer", lambda b: {True: 2, None: 1, False: 0}[b.outdated], lambda b, n: newer_text(b, n(b))),
    "added": ("Added", lambda b: b.added.timestamp() if b.added else 0, lambda b, n: fmt.added_text(b.added)),
}
# Dropped first when the terminal is narrow (all of it is in the description line).
DROP_ORDER = ("added", "provider", "in_use")
PADDING = 2  # a DataTable cell's padding, both sides


def newer_in_cache(boxes: list[Box]) -> NewerFn:
    """``f(box)``: the newest version of the same box (name, provider, arch) in the
    cache when it is newer than ``box``, else None."""
    newest: dict[tuple, Box] = {}
    for box in boxes:
        group = (box.name, box.provider, box.architecture)
        if group not in newest or sort_key(box.version) > sort_key(newest[group].version):
            newest[group] = box

    def newer(box: Box) -> str | None:
        top = newest[(box.name, box.provider, box.architecture)]
        return top.version if sort_key(top.version) > sort_key(box.version) else None

    return newer


def newer_text(box: Box, here: str | None) -> str:
    """``2.0.0`` (a newer version exists, from its catalogue or in the cache), ``no``, ``?``."""
    if box.outdated and box.latest_version:
        return box.latest_version
    if here:
        return here
    return "?" if box.outdated is None else "no"


def describe(box: Box, here: str | None) -> str:
    """Everything about one box, in words (two lines at 80 columns)."""
    use = {True: "in use by " + (", ".join(box.used_by) or "a machine"), False: "not in use",
           None: "use unknown (kept)"}[box.in_use]
    newer = []
    if box.outdated and box.latest_version:
        newer.append(f"version {box.latest_version} is published")
    if here:
        newer.append(f"version {here} is in this cache")
    fresh = "; ".join(newer) or ("the newest" if box.outdated is False else "newer versions unknown")
    pinned = ", pinned" if box.pinned else ""
    return (f"{box.label}{pinned}: {fmt.human_bytes(box.size_bytes)}, added {fmt.added_text(box.added)}, "
            f"{use}; {fresh}.")


class BoxTable(FittedTable):
    """Rows of boxes with the columns that fit; ``fill`` redraws them."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.shown: list[str] = []
        self.boxes: list[Box] = []
        self.marked: set[tuple] = set()
        self.newer: NewerFn = lambda box: None

    def fill(self, boxes: list[Box], newer: NewerFn, marked: set[tuple]) -> None:
        """Show ``boxes`` in this order, ``marked`` ones ticked; the cursor keeps its row."""
        self.boxes, self.newer, self.marked = boxes, newer, marked
        row = self.cursor_row
        columns = self._fitting(boxes, newer)
        if columns != self.shown:
            self.clear(columns=True)
            for key in columns:
                self.add_column(COLUMNS[key][0], key=key)
            self.shown = columns
        else:
            self.clear()
        for box in boxes:
            cells = [COLUMNS[key][2](box, newer) for key in columns]
            cells[0] = "✓" if box.key in marked else ""
            self.add_row(*cells, key=key_of(box))
        if self.row_count:
            self.move_cursor(row=min(row, self.row_count - 1))

    def _fitting(self, boxes: list[Box], newer: NewerFn) -> list[str]:
        """The columns whose widest cell fits the table's width, dropping DROP_ORDER."""
        width = {key: max([len(title), *(len(cell(b, newer)) for b in boxes)]) + PADDING
                 for key, (title, _sort, cell) in COLUMNS.items()}
        keys = list(COLUMNS)
        room = self.size.width - 2  # the vertical scrollbar
        for dropped in DROP_ORDER:
            if sum(width[k] for k in keys) <= room:
                break
            keys.remove(dropped)
        return keys

    def on_resize(self) -> None:
        if self.shown:
            self.fill(self.boxes, self.newer, self.marked)

    def current(self) -> Box | None:
        """The box under the cursor."""
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return next((b for b in self.boxes if key_of(b) == key), None)


def key_of(box: Box) -> str:
    return "\x1f".join(str(k) for k in box.key)
