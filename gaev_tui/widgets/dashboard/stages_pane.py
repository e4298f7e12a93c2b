"""The Stages pane: each stage of the pipeline with its state, time and command line."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from gaev_tui.boxbuild.stages import Stage, duration_text
from gaev_tui.widgets.fitted_table import FittedTable

#: state -> (mark, style)
LOOK = {
    "pending": ("·", "dim"),
    "running": ("▶", "bold yellow"),
    "ok": ("✓", "green"),
    "failed": ("✗", "bold red"),
    "cancelled": ("■", "red"),
    "skipped": ("–", "dim"),
}


class StagesPane(Vertical):
    """A table of stages; the line under it shows the highlighted stage's full command."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.stages: list[Stage] = []
        self._focus: str | None = None

    def compose(self) -> ComposeResult:
        yield FittedTable(id="stage-table", cursor_type="row", show_cursor=True)
        yield Static("", id="stage-command", markup=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, title in (("mark", " "), ("id", "Stage"), ("state", "State"), ("time", "Time"), ("command", "Command")):
            table.add_column(title, key=key)

    def show(self, stages: list[Stage], now: float) -> None:
        """Redraw with ``stages``; a running stage's time counts up from ``now``."""
        self.stages = stages
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for stage in stages:
            mark, style = LOOK.get(stage.state, ("?", ""))
            seconds = stage.duration
            if stage.state == "running" and stage.started_at is not None:
                seconds = now - stage.started_at
            table.add_row(Text(mark, style=style), stage.id, Text(stage.state, style=style),
                          duration_text(seconds), Text(stage.command, no_wrap=True), key=stage.id)
        if stages:
            # Jump to the stage that matters when it changes (running, else failed or
            # cancelled); otherwise the cursor stays where the user put it.
            focus = next((i for state in ("running", "failed", "cancelled")
                          for i, s in enumerate(stages) if s.state == state), None)
            moved = focus is not None and stages[focus].id != self._focus
            self._focus = stages[focus].id if focus is not None else None
            table.move_cursor(row=focus if moved else min(max(row, 0), len(stages) - 1))
        self._describe()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._describe()

    def _describe(self) -> None:
        table = self.query_one(DataTable)
        text = ""
        if self.stages and 0 <= table.cursor_row < len(self.stages):
            stage = self.stages[table.cursor_row]
            text = f"$ {stage.command}" if stage.argv is not None else stage.title
            if stage.log_line:
                text += f"  (log line {stage.log_line})"
            if stage.detail and stage.detail != stage.state:  # why it failed comes first
                text = f"{stage.state}: {stage.detail}\n{text}"
        self.query_one("#stage-command", Static).update(text)
