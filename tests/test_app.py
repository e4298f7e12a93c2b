"""The wizard's App reaches the build screens: Home's Builds entry lists jobs and opens
one; "Build now" runs the real pre-flight checks on the written project."""

from __future__ import annotations

from gaev_tui.app import make_app
from gaev_tui.boxbuild import jobs
from gaev_tui.screens.builds import BuildsScreen
from gaev_tui.screens.dashboard import DashboardScreen
from tests.builds import make_job
from tests.pilot import FACTS, wait_for


async def test_home_builds_lists_jobs_and_opens_one():
    job = make_job(status="ok", lines=50, running=None)
    app = make_app(probe=lambda: FACTS)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("b")
        await wait_for(pilot, lambda: isinstance(app.screen, BuildsScreen) and app.screen.jobs, what="the Builds list")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen) and app.screen.job is not None,
                       what="the dashboard")
        assert app.screen.job_id == job.id and app.screen.status == "ok"
        await wait_for(pilot, lambda: len(app.screen.log_pane.ring) == 50, what="the log")
        await pilot.press("escape")
        assert isinstance(app.screen, BuildsScreen)


async def test_build_now_runs_the_real_preflight(fake_project, monkeypatch):
    # The fake vagrant has no plugins here: the real checks find vagrant-libvirt missing.
    monkeypatch.setenv("FAKE_VAGRANT_PLUGINS", "")
    app = make_app(probe=lambda: FACTS)
    async with app.run_test(size=(120, 36)) as pilot:
        app.build_now(fake_project.dir)
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), what="the dashboard")
        await wait_for(pilot, lambda: any("nothing was started" in n.message for n in app._notifications),
                       timeout=120, what="the pre-flight verdict")
        lines = list(app.screen.log_pane.log_widget.lines)
        assert "[preflight] error: the vagrant-libvirt plugin is not installed" in "\n".join(lines)
    assert jobs.list_jobs() == []
