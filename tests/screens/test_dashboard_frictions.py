"""What the walk of issue 10 met on the dashboard: Cancel offered on a finished job,
"No log yet." under log lines, a Disk pane stuck at "measuring…", no Escape in the footer."""

from __future__ import annotations

from gaev_tui.boxbuild.preflight import Check
from gaev_tui.screens.confirm_cancel import ConfirmCancelScreen
from gaev_tui.screens.dashboard import DashboardScreen
from tests.builds import frozen, make_job
from tests.fakes.project import write_project
from tests.pilot import ScreenApp, wait_for


def footer_keys(screen) -> list[str]:
    """The keys the footer offers now."""
    return [key for key, active in screen.active_bindings.items() if active.binding.show and active.enabled]


async def test_cancel_only_while_the_build_runs_and_escape_is_in_the_footer():
    job = make_job(status="failed", lines=20)
    app = ScreenApp(lambda: DashboardScreen(job_id=job.id, sources=frozen()))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await wait_for(pilot, lambda: screen.job is not None, what="the job")
        await pilot.pause()
        assert "escape" in footer_keys(screen) and "c" not in footer_keys(screen)
        await pilot.press("c")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmCancelScreen)
    running = make_job("20240301-120500-demo-cd34", lines=20)
    app = ScreenApp(lambda: DashboardScreen(job_id=running.id, sources=frozen()))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await wait_for(pilot, lambda: screen.job is not None, what="the job")
        await pilot.pause()
        assert "c" in footer_keys(screen)


async def test_a_build_stopped_by_the_preflight_says_why_there_is_no_log_and_measures_the_disk(tmp_path):
    project = write_project(tmp_path / "proj")
    sources = frozen()
    sources.preflight = lambda project: [Check("error", "vagrant-libvirt is missing", "vagrant plugin install vagrant-libvirt")]
    app = ScreenApp(lambda: DashboardScreen(project, sources=sources))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await wait_for(pilot, lambda: len(screen.log_pane.ring) >= 2, what="the pre-flight lines")
        await wait_for(pilot, lambda: "place" in str(screen.query_one("#disk").render()), what="the disk pane")
        # the hint has its own line, so it is read whole at 80 columns
        assert "[preflight]   hint: vagrant plugin install vagrant-libvirt" in screen.log_pane.ring
        app._notifications.clear()
        await pilot.press("o")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("pre-flight checks: no build was started" in m for m in messages), messages
        assert "c" not in footer_keys(screen)


async def test_share_is_offered_once_the_box_is_built():
    from textual.widgets import Input

    from gaev_tui.screens.share import ShareScreen

    built = make_job(status="ok", lines=20)
    app = ScreenApp(lambda: DashboardScreen(job_id=built.id, sources=frozen()))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await wait_for(pilot, lambda: screen.job is not None, what="the job")
        await pilot.pause()
        assert "s" in footer_keys(screen)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ShareScreen)
        assert app.screen.query_one("#share-source", Input).value == built.project
    failed = make_job("20240301-120500-demo-cd34", status="failed", lines=20)
    app = ScreenApp(lambda: DashboardScreen(job_id=failed.id, sources=frozen()))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await wait_for(pilot, lambda: screen.job is not None, what="the job")
        await pilot.pause()
        assert "s" not in footer_keys(screen)
