"""The Log pane on job files written by hand: last page on open, paging back through a
big log, pause and follow, filter."""

from __future__ import annotations

from gaev_tui.screens.dashboard import DashboardScreen
from tests.builds import make_job, quiet_sources, write_lines
from tests.pilot import ScreenApp, wait_for

BIG = 60_000


def open_app(job):
    return ScreenApp(lambda: DashboardScreen(job_id=job.id, sources=quiet_sources()))


async def test_big_log_opens_on_its_last_page_and_pages_back():
    job = make_job(status="ok", lines=BIG, running=None)
    app = open_app(job)
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.screen.log_pane
        await wait_for(pilot, lambda: len(pane.ring) == pane.max_lines, what="the last page")
        shown = pane.log_widget.lines
        assert shown[-1] == f"[up] ==> default: line {BIG - 1}"
        assert shown[0] == f"[up] ==> default: line {BIG - pane.max_lines}"
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: pane.view is not None, what="an earlier page")
        assert not pane.following
        first = BIG - pane.max_lines - 2000
        assert pane.log_widget.lines[0] == f"[up] ==> default: line {first}"
        assert len(pane.log_widget.lines) == pane.max_lines  # the newest lines made room
        assert pane.log_widget.scroll_y > 0  # the line that was on top stays in view
        for _ in range(40):  # back to the very first line, a page at a time
            await pilot.press("left_square_bracket")
            await pilot.pause(0.05)
        await wait_for(pilot, lambda: pane.view and pane.view[0][0] == 0, what="the first page")
        assert pane.log_widget.lines[0] == "[up] ==> default: line 0"
        await pilot.press("f")
        assert pane.following and pane.log_widget.lines[-1] == f"[up] ==> default: line {BIG - 1}"


async def test_pause_holds_the_view_and_follow_catches_up():
    job = make_job(lines=100)
    app = open_app(job)
    async with app.run_test() as pilot:
        pane = app.screen.log_pane
        await wait_for(pilot, lambda: len(pane.ring) == 100, what="the log")
        write_lines(job, 10, start=100)
        await wait_for(pilot, lambda: pane.received == 10, what="live lines")
        assert pane.log_widget.lines[-1] == "[up] ==> default: line 109"
        await pilot.press("f")  # pause
        write_lines(job, 5, start=110)
        await wait_for(pilot, lambda: pane.received == 15, what="lines while paused")
        assert pane.log_widget.lines[-1] == "[up] ==> default: line 109"
        assert "5 new lines" in str(app.screen.query_one("#log-status").render())
        await pilot.press("f")
        assert pane.log_widget.lines[-1] == "[up] ==> default: line 114"


async def test_filter_shows_matching_lines_and_escape_clears_it():
    job = make_job(lines=500)
    app = open_app(job)
    async with app.run_test() as pilot:
        pane = app.screen.log_pane
        await wait_for(pilot, lambda: len(pane.ring) == 500, what="the log")
        await pilot.press("slash", *"LINE 42")
        assert list(pane.log_widget.lines) == [f"[up] ==> default: line {n}" for n in (42, *range(420, 430))]
        await pilot.press("enter")
        assert app.screen.focused is pane.log_widget
        write_lines(job, 1, start=4242)
        write_lines(job, 1, start=7)
        await wait_for(pilot, lambda: pane.received == 2, what="new lines")
        assert pane.log_widget.lines[-1] == "[up] ==> default: line 4242"  # new lines are filtered too
        await pilot.press("slash", "escape")
        assert len(pane.log_widget.lines) == 502 and not pane.needle


async def test_a_missing_job_says_so():
    app = ScreenApp(lambda: DashboardScreen(job_id="20990101-000000-nope-0000", sources=quiet_sources()))
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app._notifications, what="a message")
        assert "does not exist" in list(app._notifications)[0].message


async def test_earlier_lines_from_a_vanished_log_is_a_message():
    job = make_job(status="ok", lines=50, running=None)
    app = open_app(job)
    async with app.run_test() as pilot:
        pane = app.screen.log_pane
        await wait_for(pilot, lambda: len(pane.ring) == 50, what="the log")
        job.log_path.unlink()
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: any("cannot read earlier lines" in n.message for n in app._notifications),
                       what="a message")


async def test_vm_pane_never_asks_vagrant_while_a_stage_runs():
    # A Vagrant command on the machine while `vagrant up` runs can make `up` fail with
    # "the machine is locked": the pane asks the provider only, until the build is over.
    job = make_job(lines=10)
    calls = []
    sources = quiet_sources()
    sources.vm_every = 0.05
    sources.vagrant_status = lambda project: calls.append(project)
    app = ScreenApp(lambda: DashboardScreen(job_id=job.id, sources=sources))
    async with app.run_test() as pilot:
        vm = app.screen.query_one("#vm")
        await wait_for(pilot, lambda: "cpus" in str(vm.render()), what="the VM pane")
        await pilot.pause(0.5)  # about ten refreshes
        assert calls == []
        job.status, job.finished = "failed", job.created + 100
        job.save()
        await wait_for(pilot, lambda: calls, what="vagrant status once the build is over")
