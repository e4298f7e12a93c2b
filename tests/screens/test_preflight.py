"""Starting a build from the dashboard: pre-flight errors start nothing, warnings ask,
a project that cannot be read says why (no traceback)."""

from __future__ import annotations

from gaev_tui.boxbuild import jobs
from gaev_tui.boxbuild.preflight import Check
from gaev_tui.screens.dashboard import DashboardScreen
from gaev_tui.screens.preflight import PreflightScreen
from tests.builds import quiet_sources
from tests.pilot import ScreenApp, wait_for


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_preflight_error_starts_nothing(fake_project):
    checks = [Check("ok", "vagrant found"), Check("error", "virsh is not installed (not on PATH)", "apt-get install libvirt-clients")]
    app = ScreenApp(lambda: DashboardScreen(fake_project.dir, sources=quiet_sources(checks)))
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: any("nothing was started" in m for m in notes(app)), what="the refusal")
        lines = list(app.screen.log_pane.log_widget.lines)
        at = lines.index("[preflight] error: virsh is not installed (not on PATH)")
        assert lines[at + 1] == "[preflight]   hint: apt-get install libvirt-clients"  # its own line: read whole
    assert jobs.list_jobs() == [] and fake_project.pids() == []


async def test_preflight_warning_asks_and_no_stops(fake_project):
    checks = [Check("warn", "software emulation: the build will be slow", "use kvm")]
    app = ScreenApp(lambda: DashboardScreen(fake_project.dir, sources=quiet_sources(checks)))
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, PreflightScreen), what="the question")
        await pilot.press("enter")  # the focused button is "Stop": a stray Enter starts nothing
        assert isinstance(app.screen, DashboardScreen)
        await pilot.pause(0.3)
    assert jobs.list_jobs() == []


async def test_preflight_warning_then_yes_builds(fake_project):
    checks = [Check("warn", "not enough free disk for project", "free space")]
    app = ScreenApp(lambda: DashboardScreen(fake_project.dir, sources=quiet_sources(checks)))
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, PreflightScreen), what="the question")
        await pilot.press("y")
        screen = app.screen
        await wait_for(pilot, lambda: screen.status == "ok", what="the build")
        # The job's own log starts with what the checks said.
        assert screen.job.log_path.read_text().startswith("[preflight] warn: not enough free disk for project")


async def test_unreadable_project_is_one_message(tmp_path):
    (tmp_path / "proj").mkdir()
    app = ScreenApp(lambda: DashboardScreen(tmp_path / "proj", sources=quiet_sources()))
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: notes(app), what="an error message")
        assert "has no Vagrantfile: not a generated project" in notes(app)[0]
    assert jobs.list_jobs() == []


async def test_a_tui_build_reads_the_project_once(fake_project, monkeypatch):
    """The start reads gaev.yaml once; the Disk pane's estimate reuses that project (the
    runner, another process, reads its own)."""
    from gaev_tui.boxbuild import sources, start

    reads = []

    def counted(read):
        def load(directory, *args):
            reads.append(directory)
            return read(directory, *args)
        return load

    monkeypatch.setattr(start, "load_project", counted(start.load_project))
    monkeypatch.setattr(sources, "load_project", counted(sources.load_project))
    app = ScreenApp(lambda: DashboardScreen(fake_project.dir, sources=quiet_sources()))
    async with app.run_test() as pilot:
        screen = app.screen
        await wait_for(pilot, lambda: screen.status == "ok", what="the build")
        await wait_for(pilot, lambda: "place" in str(screen.query_one("#disk").render()), what="the disk pane")
        assert screen.project is not None and screen.project.dir == fake_project.dir
    assert reads == [fake_project.dir]
