"""The Box cache screen: every local box with its real size, use and freshness; mark
boxes (or apply a prune plan), confirm, and watch them go through ``vagrant box remove``.

Scanning and removing run in thread workers: a cache of hundreds of boxes on a slow
disk, or Vagrant taking seconds per box, never freezes the interface.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, ProgressBar, Static
from textual.worker import Worker, WorkerState

from gaev_tui.boxcache import Box, BoxIndex, build_index, disk_usage, plan_prune
from gaev_tui.boxcache import text as fmt
from gaev_tui.boxcache.remove import Removal, refusal, remove_boxes
from gaev_tui.screens.box_warnings import BoxWarningsScreen
from gaev_tui.screens.confirm_removal import ConfirmRemovalScreen
from gaev_tui.widgets.box_table import COLUMNS, BoxTable, describe, newer_in_cache


class BoxCacheScreen(Screen):
    """Browse, mark and remove the boxes of ``vagrant_home`` (default: Vagrant's own).

    ``loader`` and ``usage`` replace the scan and the disk figures (tests freeze them).
    """

    CSS_PATH = "box_cache.tcss"
    TITLE = "Box cache"
    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("space", "toggle_mark", "Mark"),
        Binding("p", "plan", "Plan"),
        Binding("u", "unmark", "Unmark", show=False),  # space unmarks one; the palette lists it
        Binding("d", "remove", "Remove"),
        Binding("s", "sort", "Sort"),
        Binding("S", "reverse", "Reverse", show=False),  # room in the footer for w
        Binding("slash", "filter", "Filter"),
        Binding("r", "refresh", "Refresh"),
        Binding("w", "warnings", "Warnings"),
    ]

    def __init__(self, vagrant_home: Path | None = None, *,
                 loader: Callable[[], BoxIndex] | None = None,
                 usage: Callable[[], tuple[int, int, int] | None] | None = None,
                 remover: Callable[..., list[Removal]] = remove_boxes) -> None:
        super().__init__()
        self.vagrant_home = vagrant_home
        self._loader = loader or (lambda: build_index(vagrant_home))
        self._usage = usage or (lambda: disk_usage(self.index.vagrant_home) if self.index else None)
        self._remover = remover
        self.index: BoxIndex | None = None
        self.marked: set[tuple] = set()
        self.sort_column = "name"
        self.newer = newer_in_cache([])
        self.sort_reverse = False

    def compose(self) -> ComposeResult:
        yield Label("Box cache — scanning…", id="title")
        yield Input(placeholder="Filter: name, version, provider, arch  (/)", id="filter")
        yield BoxTable(id="boxes", cursor_type="row", zebra_stripes=True)
        yield Static("", id="box-detail", markup=False)
        yield Static("", id="totals")
        with Horizontal(id="disk"):
            yield Label("Disk", id="disk-label")
            yield ProgressBar(total=100, show_eta=False, id="disk-bar")
            yield Static("", id="disk-text")
        with Horizontal(id="removing"):
            yield Label("Removing", id="removing-label")
            yield ProgressBar(total=1, show_eta=False, id="remove-bar")
        # Compact, without the palette hint: every binding fits in 80 columns.
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        table = self.query_one(BoxTable)
        self.query_one("#removing").display = False
        table.focus()
        self.action_refresh()

    # Loading ------------------------------------------------------------------
    def action_refresh(self) -> None:
        """Scan the cache again (in a thread)."""
        self._scan()

    @work(thread=True, exclusive=True, group="boxes-scan", exit_on_error=False)
    def _scan(self) -> None:
        index = self._loader()
        self.app.call_from_thread(self._show, index)

    def _show(self, index: BoxIndex) -> None:
        self.index = index
        keys = {b.key for b in index.boxes}
        self.marked &= keys
        self.query_one("#title", Label).update(
            f"Box cache — {len(index.boxes)} boxes"
            + (f", {len(index.warnings)} warnings (w shows them)" if index.warnings else ""))
        self.newer = newer_in_cache(index.boxes)
        self.refresh_bindings()
        self._fill()
        self._show_disk()

    def _visible(self) -> list[Box]:
        if self.index is None:
            return []
        needle = self.query_one("#filter", Input).value.strip().lower()
        boxes = [b for b in self.index.boxes
                 if not needle or needle in " ".join((b.name, b.version, b.provider, b.architecture or "")).lower()]
        return sorted(boxes, key=COLUMNS[self.sort_column][1], reverse=self.sort_reverse)

    def _fill(self) -> None:
        self.query_one(BoxTable).fill(self._visible(), self.newer, self.marked)
        self._show_detail()
        self._show_totals()

    def _show_detail(self) -> None:
        box = self._current()
        self.query_one("#box-detail", Static).update(describe(box, self.newer(box)) if box else "")

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_totals(self) -> None:
        boxes = self.index.boxes if self.index else []
        marked = [b for b in boxes if b.key in self.marked]
        self.query_one("#totals", Static).update(
            f"{len(boxes)} boxes, {fmt.human_bytes(sum(b.size_bytes for b in boxes))} on disk  ·  "
            f"marked: {len(marked)} ({fmt.human_bytes(sum(b.size_bytes for b in marked))})  ·  "
            f"sorted by {COLUMNS[self.sort_column][0].lower()} {'▼' if self.sort_reverse else '▲'}")

    def _show_disk(self) -> None:
        usage = self._usage()
        bar = self.query_one("#disk-bar", ProgressBar)
        if usage is None:
            self.query_one("#disk-text", Static).update("unknown")
            return
        total, used, free = usage
        bar.update(total=total or 1, progress=used)
        self.query_one("#disk-text", Static).update(
            f"{fmt.human_bytes(used)} used / {fmt.human_bytes(total)}, {fmt.human_bytes(free)} free")

    # Marking, sorting, filtering ------------------------------------------------
    def _current(self) -> Box | None:
        return self.query_one(BoxTable).current()

    def action_toggle_mark(self) -> None:
        """Mark or unmark the box under the cursor (boxes in use or pinned cannot be)."""
        box = self._current()
        if box is None:
            return
        if box.key in self.marked:
            self.marked.discard(box.key)
        elif why := refusal(box):
            self.notify(f"{box.label}: {why}", title="Kept", severity="warning")
            return
        else:
            self.marked.add(box.key)
        self._fill()
        self.query_one(DataTable).action_cursor_down()

    def action_unmark(self) -> None:
        self.marked.clear()
        self._fill()

    def action_plan(self) -> None:
        """Mark what ``gaev boxes prune`` (keep the newest 1) would remove."""
        if self.index is None:
            return
        plan = plan_prune(self.index.boxes)
        self.marked = {item.box.key for item in plan.remove}
        self._fill()
        count = len(plan.remove)
        self.notify(f"Prune plan: {count} box{'es' if count != 1 else ''}, {fmt.human_bytes(plan.reclaim_bytes)}"
                    " reclaimed. Press d to remove them.", title="Plan")

    def action_sort(self) -> None:
        """Sort by the next column (clicking a header sorts by that column)."""
        keys = list(COLUMNS)[1:]
        self._sort_by(keys[(keys.index(self.sort_column) + 1) % len(keys)])

    def action_reverse(self) -> None:
        """Reverse the sort order."""
        self._sort_by(self.sort_column)

    def _sort_by(self, column: str) -> None:
        self.sort_reverse = not self.sort_reverse if column == self.sort_column else False
        self.sort_column = column
        self._fill()

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        if event.column_key.value != "mark":
            self._sort_by(event.column_key.value)

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one(DataTable).focus()

    def action_warnings(self) -> None:
        """What went wrong while scanning (stray files, half-written boxes, machines)."""
        self.app.push_screen(BoxWarningsScreen([str(w) for w in self.index.warnings]))

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "warnings":  # shown in the footer only when there are some
            return bool(self.index and self.index.warnings)
        return True

    def action_close(self) -> None:
        if self.focused is self.query_one("#filter", Input):
            self.query_one(DataTable).focus()
        elif len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    # Removing ---------------------------------------------------------------------
    def action_remove(self) -> None:
        """Confirm, then remove the marked boxes."""
        boxes = [b for b in (self.index.boxes if self.index else []) if b.key in self.marked]
        if not boxes:
            self.notify("Nothing marked: space marks a box, p marks the prune plan.", severity="warning")
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._remove(boxes)

        self.app.push_screen(ConfirmRemovalScreen(boxes), confirmed)

    @work(thread=True, exclusive=True, group="boxes", exit_on_error=False)
    def _remove(self, boxes: list[Box]) -> None:
        self.app.call_from_thread(self._progress, 0, len(boxes), None)
        results = self._remover(boxes, self.index.vagrant_home,
                                progress=lambda d, t, b: self.app.call_from_thread(self._progress, d, t, b))
        self.app.call_from_thread(self._removed, results)

    def _progress(self, done: int, total: int, box: Box | None) -> None:
        self.query_one("#removing").display = done < total
        self.query_one("#remove-bar", ProgressBar).update(total=max(total, 1), progress=done)
        if box is not None and done < total:
            self.query_one("#removing-label", Label).update(f"Removing {box.label}")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """One place where a failed scan or removal becomes a message, never a crash."""
        if event.state == WorkerState.ERROR:
            self.query_one("#removing").display = False
            self.notify(str(event.worker.error), title="Box cache", severity="error", timeout=15)

    def _removed(self, results: list[Removal]) -> None:
        ok = [r for r in results if r.ok]
        failed = [r for r in results if not r.ok]
        self.notify(f"{len(ok)} removed, {fmt.human_bytes(sum(r.box.size_bytes for r in ok))} freed",
                    title="Done")
        for r in failed:
            self.notify(f"{r.box.label}: {r.message}", title="Not removed", severity="error", timeout=10)
        self.marked.clear()
        self.action_refresh()
