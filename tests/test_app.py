"""The wizard's App reaches the build screens: Home's Builds entry lists jobs and opens
one; "Build now" runs the real pre-flight checks on the written project."""

from __future__ import annotations

from textual.widgets import Label

from gaev_tui.app import make_app
from gaev_tui.boxbuild import jobs
from gaev_tui.boxbuild.cause import job_cause
from gaev_tui.screens.builds import BuildsScreen
from gaev_tui.screens.dashboard import DashboardScreen
from tests.builds import T0, make_job
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


async def test_builds_list_tells_why_the_highlighted_job_failed():
    make_job("20240301-120000-demo-ab12", status="ok", lines=5, running=None)
    failed = make_job("20240229-093000-demo-77e0", status="failed", lines=5, created=T0 - 95400)
    app = make_app(probe=lambda: FACTS)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("b")
        await wait_for(pilot, lambda: isinstance(app.screen, BuildsScreen) and app.screen.jobs, what="the Builds list")
        cause = app.screen.query_one("#cause", Label)
        assert not cause.display  # the newest job, highlighted first, did not fail
        await pilot.press("down")
        await wait_for(pilot, lambda: cause.display, what="the cause line")
        assert str(cause.render()) == "✗ The box file already exists"
        assert job_cause("failed", failed.stages) == "The box file already exists"  # a job from before causes
        await pilot.press("up")
        await wait_for(pilot, lambda: not cause.display, what="the cause line to hide")
