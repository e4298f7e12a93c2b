"""SVG snapshots of the dashboard and the Builds screen, on hand-made job files with
every clock, disk and VM answer frozen (nothing depends on this machine)."""

from __future__ import annotations

import time

import pytest
from rich.cells import cell_len
from textual.widgets import DataTable

from gaev_tui.screens.builds import BuildsScreen
from gaev_tui.screens.dashboard import DashboardScreen
from tests.builds import GIB, T0, frozen, make_job
from tests.pilot import ScreenApp, wait_for


def settled(screen_type):
    """Wait on what the screen shows, not on time: a loaded machine (CI) delays each step."""
    async def run_before(pilot) -> None:
        app = pilot.app
        await wait_for(pilot, lambda: isinstance(app.screen, screen_type), what="the screen")
        screen = app.screen
        if isinstance(screen, DashboardScreen):
            await wait_for(pilot, lambda: screen.job is not None and len(screen.log_pane.ring) >= 20, what="the log")
            await wait_for(pilot, lambda: "place" in str(screen.query_one("#disk").render()), what="the disk pane")
            await wait_for(pilot, lambda: "cpus" in str(screen.query_one("#vm").render()), what="the VM pane")
        else:
            table = screen.query_one(DataTable)
            await wait_for(pilot, lambda: screen.jobs and table.row_count == len(screen.jobs), what="the jobs")
            await wait_for(pilot, lambda: app.focused is table, what="the table's focus")
            # DataTable sizes its columns when idle, which comes late on a loaded machine.
            await wait_for(pilot, lambda: columns_fit(table), what="the table's column widths")
        # The footer recomposes after the focus settles: wait until it shows what is bound.
        await wait_for(pilot, lambda: footer_keys(screen) == shown_bindings(screen), what="the footer")
        await pilot.pause(0.2)
    return run_before


def columns_fit(table: DataTable) -> bool:
    """Every column is as wide as its widest cell (and its title)."""
    return all(column.content_width >= max([cell_len(str(column.label)),
                                            *(cell_len(str(cell)) for cell in table.get_column(key))])
               for key, column in table.columns.items())


def footer_keys(screen) -> set[str]:
    return {key.key for key in screen.query("FooterKey")}


def shown_bindings(screen) -> set[str]:
    return {binding.key for _, binding, _, _ in screen.active_bindings.values() if binding.show}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_dashboard_running(snap_compare, size):
    job = make_job(lines=300)
    app = ScreenApp(lambda: DashboardScreen(job_id=job.id, sources=frozen(free_project=5 * GIB)))
    assert snap_compare(app, terminal_size=size, run_before=settled(DashboardScreen))


def test_dashboard_failed(snap_compare):
    job = make_job(status="failed", lines=120, running="package")
    app = ScreenApp(lambda: DashboardScreen(job_id=job.id, sources=frozen()))
    assert snap_compare(app, terminal_size=(100, 30), run_before=settled(DashboardScreen))


def test_builds_screen(snap_compare, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    make_job("20240301-120000-demo-ab12", lines=5)
    make_job("20240229-093000-demo-77e0", status="failed", lines=5, created=T0 - 95400)
    make_job("20240228-180000-rstudio-0c1d", status="ok", lines=5, created=T0 - 151200, name="rstudio")
    make_job("20240227-080000-jhub-9a9a", status="cancelled", lines=5, running="up", created=T0 - 244800,
             name="jhub")
    app = ScreenApp(lambda: BuildsScreen(sources=frozen()))
    try:
        assert snap_compare(app, terminal_size=(80, 24), run_before=settled(BuildsScreen))
    finally:
        monkeypatch.undo()
        time.tzset()
