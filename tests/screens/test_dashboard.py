"""The dashboard driving real builds: a detached runner, the real process runner and
log files, and a scripted ``vagrant`` that prints a lot and can be made to hang."""

from __future__ import annotations

import pytest

from gaev_tui.boxbuild import jobs
from gaev_tui.screens.builds import BuildsScreen
from gaev_tui.screens.confirm_cancel import ConfirmCancelScreen
from gaev_tui.screens.dashboard import DashboardScreen
from gaev_tui.widgets.dashboard.stages_pane import StagesPane
from tests.builds import alive, leftovers, only_job, quiet_sources
from tests.pilot import ScreenApp, wait_for


@pytest.fixture(autouse=True)
def busy_vagrant(fake_project, monkeypatch):
    """The dashboard's builds print a lot: ``up`` prints 500 lines unless a test says."""
    monkeypatch.setenv("FAKE_VAGRANT_LINES", "500")


def dashboard(app) -> DashboardScreen:
    screen = app.screen
    assert isinstance(screen, DashboardScreen), screen
    return screen


async def test_build_streams_log_and_stages(fake_project, monkeypatch):
    monkeypatch.setenv("FAKE_VAGRANT_LINES", "3000")
    app = ScreenApp(lambda: DashboardScreen(fake_project.dir, sources=quiet_sources()))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = dashboard(app)
        await wait_for(pilot, lambda: screen.status == "ok", what="the build to succeed")
        lines = list(screen.log_pane.log_widget.lines)
        text = "\n".join(lines)
        # The job's state turns "ok" after its last line is written, and the dashboard
        # reads lines before state: every line of the tool reached the pane, cleaned: machine-readable ui lines as
        # text (escaped comma restored), no ANSI, \r progress collapsed to its last state.
        assert "[up] ==> default: output line 2999, with a comma" in lines
        assert "[up] TASK [role : step 2900] ****" in lines
        assert "[up] Progress: 100%" in lines and "Progress: 10%" not in text
        assert "\x1b" not in text and ",ui," not in text
        assert "[up] a warning on stderr" in lines
        assert lines[0].startswith("[preflight] ok: ")
        # The stages pane shows every stage done, with its command line.
        pane = screen.query_one(StagesPane)
        assert [(s.id, s.state) for s in pane.stages] == [
            ("up", "ok"), ("manifest", "ok"), ("package", "ok"), ("checksum", "ok"), ("destroy", "ok")]
        assert pane.stages[0].command == "GAEV_BUILD=1 vagrant up --provider=libvirt --machine-readable"
        assert "ok" in str(screen.query_one("#title").render())
    assert (fake_project.dir / "builds" / "demo-libvirt.box").exists()


async def test_stages_update_while_running(fake_project, monkeypatch):
    monkeypatch.setenv("FAKE_VAGRANT_SLOW", "up")
    app = ScreenApp(lambda: DashboardScreen(fake_project.dir, sources=quiet_sources()))
    async with app.run_test() as pilot:
        screen = dashboard(app)
        pane = screen.query_one(StagesPane)
        await wait_for(pilot, lambda: [s.state for s in pane.stages][:1] == ["running"], what="'up' to run")
        assert [s.state for s in pane.stages[1:]] == ["pending"] * 4
        await wait_for(pilot, lambda: any("still provisioning 5" in line for line in screen.log_pane.ring),
                       what="live lines")
        jobs.cancel_job(screen.job)
        await wait_for(pilot, lambda: screen.status == "cancelled", what="the cancel")


async def test_cancel_asks_then_leaves_no_process(fake_project, monkeypatch):
    monkeypatch.setenv("FAKE_VAGRANT_SLOW", "up")
    app = ScreenApp(lambda: DashboardScreen(fake_project.dir, sources=quiet_sources()))
    async with app.run_test() as pilot:
        screen = dashboard(app)
        await wait_for(pilot, lambda: len(fake_project.pids()) >= 2, what="vagrant up and its child")
        await pilot.press("c")
        assert isinstance(app.screen, ConfirmCancelScreen)
        await pilot.press("n")  # keep building
        assert dashboard(app).status == "running"
        await pilot.press("c", "y")
        await wait_for(pilot, lambda: screen.status == "cancelled", what="the cancel")
        job = screen.job
        up, *_ = job.stage_objects()
        assert up.state == "cancelled"
        assert [s.state for s in job.stage_objects()][-1] == "ok"  # the VM was still destroyed
        assert "no box was registered" in job.message
        # The runner writes its final state, then exits.
        await wait_for(pilot, lambda: not alive(job.pid), what="the runner to exit")
    assert leftovers(fake_project.pids()) == []
    assert not (fake_project.dir / "builds" / "demo-libvirt.box").exists()


async def test_detach_keeps_building_and_builds_screen_reopens(fake_project, monkeypatch):
    monkeypatch.setenv("FAKE_VAGRANT_SLOW", "up")
    sources = quiet_sources()
    app = ScreenApp(lambda: DashboardScreen(fake_project.dir, sources=sources))
    async with app.run_test(size=(120, 30)) as pilot:
        screen = dashboard(app)
        await wait_for(pilot, lambda: screen.status == "running" and screen.log_pane.ring, what="a running build")
        await pilot.press("d")
        await wait_for(pilot, lambda: not isinstance(app.screen, DashboardScreen), what="the screen to close")
        job = only_job()
        assert job.effective_status() == "running" and alive(job.pid)

        app.push_screen(BuildsScreen(sources=sources))
        await wait_for(pilot, lambda: isinstance(app.screen, BuildsScreen) and app.screen.jobs, what="the job list")
        (listed, status), = app.screen.jobs
        assert listed.id == job.id and status == "running"
        table = app.screen.query_one("#jobs")
        assert table.get_row(job.id)[0] == job.id
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), what="the dashboard")
        again = dashboard(app)
        assert again.job_id == job.id
        seen = len(again.log_pane.ring)
        await wait_for(pilot, lambda: again.log_pane.received > 0, what="new lines after re-opening")
        assert len(again.log_pane.ring) >= seen
        assert any("still provisioning" in line for line in again.log_pane.ring)
        jobs.cancel_job(job)
        await wait_for(pilot, lambda: again.status == "cancelled", what="the cancel")
        await wait_for(pilot, lambda: not alive(job.pid), what="the runner to exit")
    assert leftovers([job.pid, *fake_project.pids()]) == []
