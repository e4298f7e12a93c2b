"""The Builds screen: every build job (running, finished, lost) from the state dir;
Enter opens one in the dashboard, which follows its files like ``gaev attach``."""

from __future__ import annotations

import time

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label
from textual.worker import Worker, WorkerState

from gaev_tui.boxbuild import jobs
from gaev_tui.boxbuild.cause import job_cause
from gaev_tui.boxbuild.jobs import Job
from gaev_tui.boxbuild.sources import Sources
from gaev_tui.boxbuild.stages import duration_text
from gaev_tui.screens.dashboard import DashboardScreen
from gaev_tui.widgets.fitted_table import FittedTable

STATUS_STYLE = {"running": "bold yellow", "starting": "yellow", "ok": "green", "failed": "bold red",
                "cancelled": "red", "lost": "bold magenta"}
# What tells builds apart comes first: at 80 columns the project may be cut.
COLUMNS = (("id", "Job"), ("status", "Status"), ("stage", "Stage"), ("duration", "Duration"),
           ("started", "Started"), ("project", "Project"))


class BuildsScreen(Screen):
    """Lists jobs newest first, refreshed every few seconds."""

    CSS_PATH = "builds.tcss"
    BINDINGS = [
        # priority: the table's own (hidden) Enter binding would otherwise shadow this one
        # and the footer would not say how to open a build.
        Binding("enter", "open", "Open", tooltip="Follow this build in the dashboard", priority=True),
        Binding("r", "refresh", "Refresh"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, *, sources: Sources | None = None, every: float = 2.0) -> None:
        super().__init__()
        self.sources = sources or Sources()
        self.every = every
        self.jobs: list[tuple[Job, str]] = []

    def compose(self) -> ComposeResult:
        yield Label("Builds", id="title")
        yield FittedTable(id="jobs", cursor_type="row", zebra_stripes=True)
        yield Label("", id="cause")  # why the highlighted job failed; hidden otherwise
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, title in COLUMNS:
            table.add_column(title, key=key)
        table.focus()
        self.action_refresh()
        self.set_interval(self.every, self.action_refresh)

    def action_refresh(self) -> None:
        """Read the jobs again (in a thread: one small file each, plus /proc)."""
        self._load()

    @work(thread=True, exclusive=True, group="jobs", exit_on_error=False)
    def _load(self) -> None:
        found = [(job, job.effective_status()) for job in reversed(jobs.list_jobs())]
        self.app.call_from_thread(self._fill, found)

    def _fill(self, found: list[tuple[Job, str]]) -> None:
        self.jobs = found
        table = self.query_one(DataTable)
        rows = [(job.id, self._cells(job, status)) for job, status in found]
        if [key for key, _ in rows] == [row.key.value for row in table.ordered_rows]:
            # Same jobs in the same order: change only the cells that changed, so the
            # cursor stays put and column widths are not reset on every poll.
            for key, cells in rows:
                for (column, _), value in zip(COLUMNS, cells, strict=True):
                    if table.get_cell(key, column) != value:
                        table.update_cell(key, column, value, update_width=True)
        else:
            selected = self._selected()
            table.clear()
            for key, cells in rows:
                table.add_row(*cells, key=key)
            ids = [key for key, _ in rows]
            if selected in ids:
                table.move_cursor(row=ids.index(selected))
        self._show_cause()
        running = sum(status in ("starting", "running") for _, status in found)
        self.query_one("#title", Label).update(
            f"Builds — {len(found)} job{'s' if len(found) != 1 else ''}, {running} running"
            + ("" if found else " (start one from the wizard's last step, or 'gaev build DIR')"))

    def _cells(self, job: Job, status: str) -> tuple:
        """The row of one job, in COLUMNS order."""
        now = self.sources.clock()
        end = job.finished if job.finished is not None else (now if status in ("starting", "running") else None)
        started = time.strftime("%m-%d %H:%M", time.localtime(job.created))
        return (job.id, Text(status, style=STATUS_STYLE.get(status, "")), job.current_stage(),
                duration_text(end - job.created) if end else "", started, job.project)

    def _selected(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def _show_cause(self) -> None:
        """Under the table, the cause of the highlighted job's failure (the same line
        ``gaev build`` and ``gaev jobs --json`` give)."""
        selected = self._selected()
        cause = next((job_cause(status, job.stages, job.message) for job, status in self.jobs if job.id == selected), None)
        label = self.query_one("#cause", Label)
        label.update(Text(f"✗ {cause}") if cause else "")
        label.set_class(bool(cause), "-shown")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_cause()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._open(event.row_key.value)

    def action_open(self) -> None:
        """Open the highlighted job in the dashboard."""
        if (job_id := self._selected()) is not None:
            self._open(job_id)

    def _open(self, job_id: str) -> None:
        self.app.push_screen(DashboardScreen(job_id=job_id, sources=self.sources))

    def action_back(self) -> None:
        self.dismiss()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.notify(str(event.worker.error), title="Reading the jobs failed", severity="error", timeout=15)
