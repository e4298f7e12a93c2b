"""FittedTable: cells drawn before the table measured its new rows are drawn again at the
measured widths (Textual's DataTable keeps them cut)."""

from __future__ import annotations

from textual.app import App, ComposeResult

from gaev_tui.widgets.fitted_table import FittedTable


class OneTable(App):
    # A fixed size without scrollbars: nothing resizes the table when its columns widen,
    # so only the table itself can notice that its drawn cells are stale.
    CSS = "FittedTable { width: 60; height: 6; overflow: hidden hidden; }"

    def compose(self) -> ComposeResult:
        yield FittedTable()


async def test_cells_drawn_before_measuring_are_redrawn_at_full_width():
    app = OneTable()
    async with app.run_test(size=(80, 10)) as pilot:
        table = app.query_one(FittedTable)
        table.add_column("Job", key="id")
        table.add_column("Status", key="status")
        await pilot.pause()
        table.add_row("20240301-120000-demo-ab12", "running", key="a")
        # A frame drawn before the table is idle, as happens on a loaded machine: the
        # cells are cut at the titles' widths.
        assert table.render_line(1).text.split() == ["202", "runnin"]
        await pilot.pause()
        assert table.render_line(1).text.split() == ["20240301-120000-demo-ab12", "running"]
