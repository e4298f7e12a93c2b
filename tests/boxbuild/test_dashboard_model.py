"""The core behind the dashboard: remaining disk needs, durations, log windows, the
job follower."""

from __future__ import annotations

from pathlib import Path

import pytest

from gaev_tui.boxbuild.follow import JobFollower
from gaev_tui.boxbuild.log_window import earlier_window
from gaev_tui.boxbuild.logstore import LogReader
from gaev_tui.boxbuild.preflight import Estimate
from gaev_tui.boxbuild.stages import duration_text
from tests.builds import make_job, stages, write_lines

NEEDS = {"VAGRANT_HOME": 10, "project": 20, "image store": 30}
# The pre-flight's shape: ``up`` writes the VM disk to the image store, ``package`` its
# export under VAGRANT_HOME and the box into the project.
ESTIMATE = Estimate({"up": {"image store": 30}, "package": {"VAGRANT_HOME": 10, "project": 20}},
                    dict.fromkeys(NEEDS, Path("/")))


@pytest.mark.parametrize(("running", "expected"), [
    ("up", NEEDS),
    ("manifest", {"VAGRANT_HOME": 10, "project": 20, "image store": 0}),
    ("package", {"VAGRANT_HOME": 10, "project": 20, "image store": 0}),
    ("checksum", {"VAGRANT_HOME": 0, "project": 0, "image store": 0}),
])
def test_still_needed_drops_places_once_their_stages_are_over(running, expected):
    assert ESTIMATE.still_needed(stages(running)) == expected


def test_still_needed_keeps_a_place_when_its_stage_failed():
    failed = stages("package")
    failed[2].state = "failed"
    assert ESTIMATE.still_needed(failed)["project"] == 20


def test_nothing_is_needed_once_the_build_is_over():
    over = stages(None)
    over[2].state, over[3].state = "failed", "skipped"
    assert ESTIMATE.still_needed(over) == dict.fromkeys(NEEDS, 0)
    assert ESTIMATE.still_needed([]) == NEEDS  # not started yet: everything


@pytest.mark.parametrize(("seconds", "text"), [
    (None, ""), (0, "0s"), (59.9, "59s"), (60, "1:00"), (3599, "59:59"), (3723, "1:02:03"), (-5, "0s")])
def test_duration_text(seconds, text):
    assert duration_text(seconds) == text


def test_earlier_window_pages_back_and_keeps_its_limit():
    job = make_job(status="ok", lines=1000, running=None)
    with LogReader(job.log_path) as reader:
        tail = reader.tail(100)
        end = reader.position
    window, added = earlier_window(job.log_path, (end, 100), page=50, limit=120)
    assert added == 50 and len(window) == 120
    assert window[0][1] == "[up] ==> default: line 850" and window[-1][1] == "[up] ==> default: line 969"
    again, added = earlier_window(job.log_path, window, page=900, limit=2000)
    assert added == 850 and again[0] == (0, "[up] ==> default: line 0")
    assert earlier_window(job.log_path, again, page=10, limit=2000) == (again, 0)
    assert tail[0][1] == "[up] ==> default: line 900"


def test_follower_waits_for_the_log_then_follows_lines_and_state():
    job = make_job(lines=0)
    job.log_path.unlink()
    follower = JobFollower(job.id)
    assert follower.open(10) is None  # the runner has not written its log yet
    first = follower.poll()
    assert first.job is not None and first.status == "running" and not follower.finished
    write_lines(job, 30)
    lines, end = follower.open(10)
    assert [t for _, t in lines][-1] == "[up] ==> default: line 29" and end == job.log_path.stat().st_size
    write_lines(job, 5, start=30)
    update = follower.poll()
    assert update.lines == [f"[up] ==> default: line {i}" for i in range(30, 35)]
    assert update.job is None and update.end == job.log_path.stat().st_size  # state unchanged
    job.status, job.message = "failed", "build failed"
    job.save()
    update = follower.poll()
    assert update.lines == [] and update.job.message == "build failed" and follower.finished
    follower.close()


def test_follower_sees_a_dead_runner_as_lost():
    job = make_job(lines=1)
    job.pid, job.pid_start = 2**22 + 17, "1"  # no such process
    job.save()
    follower = JobFollower(job.id)
    assert follower.poll().status == "lost" and follower.finished


def test_follower_of_a_missing_job_stops_at_once():
    follower = JobFollower("no-such-job")
    updates = []
    follower.run(10, lambda *a: updates.append(("open", a)), updates.append, lambda: False, every=0.01)
    assert [u.status for u in updates] == ["missing"]
