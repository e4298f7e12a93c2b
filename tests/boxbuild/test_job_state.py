"""Job state files are input (issue 11, item 6): a malformed ``state.json`` is reported
for its own job and kept, the others still list/attach/cancel; a forged pid is never
signalled; an id is never a path outside the jobs directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from gaev_tui.boxbuild import jobs
from gaev_tui.boxbuild.jobstate import check_state


def gaev(*args, timeout=60):
    return subprocess.run([sys.executable, "-m", "gaev_tui", *args], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def job(tmp_path, name="demo") -> jobs.Job:
    made = jobs.new_job(tmp_path, name, "libvirt", detached=True, keep_vm=False)
    made.status, made.finished = "ok", time.time()
    made.save()
    made.log_path.write_text("a line of the good job\n")
    return made


def forge(job_id: str, data) -> None:
    path = jobs.jobs_dir() / job_id / "state.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else json.dumps(data))


def state(job_id: str, **changes) -> dict:
    base = {"id": job_id, "project": "/p", "name": "bad", "provider": "libvirt", "status": "ok",
            "created": 1.0}
    base.update(changes)
    return base


BAD_ID = "20260101-000000-bad-0bad"
MALFORMED = {
    "a list": "[1, 2]",
    "not JSON": "{oops",
    "pid a string": state(BAD_ID, status="running", pid="1"),
    "pid a bool": state(BAD_ID, status="running", pid=True),
    "unknown status": state(BAD_ID, status="exploded"),
    "stages an object": state(BAD_ID, stages={"up": 1}),
    "stage argv of ints": state(BAD_ID, stages=[{"id": "up", "title": "t", "argv": [1]}]),
    "created a string": state(BAD_ID, created="yesterday"),
    "another id": state(BAD_ID, id="20260101-000000-other-0bad"),
    "machine name an option": state(BAD_ID, machine={"provider": "libvirt", "name": "--all", "id": None}),
    "missing fields": {"id": BAD_ID},
}


@pytest.mark.parametrize("what", MALFORMED)
def test_a_malformed_state_affects_only_its_own_job(tmp_path, what):
    good = job(tmp_path)
    forge(BAD_ID, MALFORMED[what])
    before = (jobs.jobs_dir() / BAD_ID / "state.json").read_bytes()
    listed = gaev("jobs")
    assert listed.returncode == 0, listed.stderr
    assert good.id in listed.stdout and BAD_ID not in listed.stdout
    assert f"warning: job {BAD_ID}:" in listed.stderr and "Traceback" not in listed.stderr
    as_json = gaev("jobs", "--json")
    assert [j["id"] for j in json.loads(as_json.stdout)] == [good.id]
    attached = gaev("attach", BAD_ID, "--no-follow")
    assert attached.returncode == 2 and BAD_ID in attached.stderr and "Traceback" not in attached.stderr
    assert "a line of the good job" in gaev("attach", good.id, "--no-follow").stdout
    cancel = gaev("jobs", "--cancel", good.id)
    assert cancel.returncode == 1 and "is not running (ok)" in cancel.stderr
    # Kept for the user, byte for byte.
    assert (jobs.jobs_dir() / BAD_ID / "state.json").read_bytes() == before


def test_schema_accepts_what_gaev_writes(tmp_path):
    made = jobs.new_job(tmp_path, "demo", "libvirt", detached=True, keep_vm=False)
    made.stages = [{"id": "up", "title": "t", "argv": ["vagrant", "up"], "env": {}, "tool": "vagrant",
                    "cwd": "", "cleanup": False, "state": "running", "started_at": 1.5, "duration": None,
                    "detail": "", "log_line": 3}]
    made.machine = {"provider": "libvirt", "name": "demo-0123456789_default", "id": "5c3c1c1e-0d2c-4f55-9d0e-0b1c2d3e4f50"}
    made.save()
    data = json.loads((made.dir / "state.json").read_text())
    assert check_state(data, made.id) is None
    assert jobs.load_job(made.id) == made


@pytest.fixture
def bystander():
    """A process that is not GAEV's: the target of a forged state."""
    proc = subprocess.Popen(["sleep", "300"])
    yield proc
    proc.kill()
    proc.wait()


def test_forged_running_state_never_gets_another_process_killed(tmp_path, bystander):
    forged = job(tmp_path)
    # Everything a forger can copy: the pid, its real start time, status running.
    forged.status, forged.finished = "running", None
    forged.pid, forged.pid_start = bystander.pid, jobs.process_start(bystander.pid)
    forged.save()
    assert jobs.load_job(forged.id).effective_status() == "running"
    cancelled = gaev("jobs", "--cancel", forged.id)
    assert cancelled.returncode == 1
    assert "no runner GAEV started" in cancelled.stderr and "no signal sent" in cancelled.stderr
    time.sleep(0.5)  # a SIGTERM, had one been sent, would have been delivered by now
    assert bystander.poll() is None, "the forged state got a foreign process killed"


def test_spawn_records_the_runner_start_time_and_checks_the_command(tmp_path, bystander):
    started = jobs.new_job(tmp_path, "demo", "libvirt", detached=True, keep_vm=False)
    pid = jobs.spawn_runner(started, ["sleep", "300"])  # not GAEV's runner
    try:
        recorded = jobs.load_job(started.id)
        assert (recorded.pid, recorded.pid_start) == (pid, jobs.process_start(pid))
        assert not jobs.is_runner(recorded)  # right pid and start time, wrong command
        assert not jobs.cancel_job(recorded)
        assert os.waitpid(pid, os.WNOHANG) == (0, 0)
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)


@pytest.mark.parametrize("job_id", ["../outside", "../../outside", "..", ".", "/etc", "a/../../outside",
                                    "20260101-000000-x-0bad/../../outside"])
def test_ids_never_leave_the_jobs_directory(tmp_path, job_id):
    outside = jobs.jobs_dir().parent / "outside"
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "state.json").write_text(json.dumps(state("../outside", status="running", pid=os.getpid())))
    (outside / "build.log").write_text("SECRET-OUTSIDE-LINE\n")
    job(tmp_path)  # a real job, so "no jobs" is not why nothing is found
    assert jobs.load_job(job_id) is None and jobs.read_job(job_id) is None
    for argv in (["attach", job_id, "--no-follow"], ["jobs", "--cancel", job_id]):
        done = gaev(*argv)
        assert done.returncode == 2, done
        assert "SECRET-OUTSIDE-LINE" not in done.stdout + done.stderr
    with pytest.raises(ValueError):
        _ = jobs.Job(job_id, "/p", "x", "libvirt").dir


def test_a_symlinked_job_directory_is_not_followed(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "state.json").write_text(json.dumps(state(BAD_ID)))
    jobs.jobs_dir().mkdir(parents=True, exist_ok=True)
    (jobs.jobs_dir() / BAD_ID).symlink_to(elsewhere)
    found, bad = jobs.scan_jobs()
    assert found == [] and [b.id for b in bad] == [BAD_ID] and "symbolic link" in bad[0].problem


def test_a_log_that_is_a_symlink_out_of_the_job_is_not_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-OUTSIDE-LINE\n")
    made = job(tmp_path)
    made.log_path.unlink()
    made.log_path.symlink_to(secret)
    done = gaev("attach", made.id, "--no-follow")
    assert done.returncode == 2 and "cannot be read safely" in done.stderr
    assert "SECRET-OUTSIDE-LINE" not in done.stdout + done.stderr


def test_a_log_that_is_a_fifo_does_not_block_attach(tmp_path):
    made = job(tmp_path)
    made.log_path.unlink()
    os.mkfifo(made.log_path)
    done = gaev("attach", made.id, "--no-follow")
    assert done.returncode == 2 and "not a regular file" in done.stderr


def test_a_foreground_build_is_its_own_runner_only_for_a_foreground_job(tmp_path):
    # The command line of `python -m gaev_tui build DIR` (after a sleeping -c script).
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)", "-m", "gaev_tui", "build", "."])
    try:
        made = jobs.new_job(tmp_path, "demo", "libvirt", detached=False, keep_vm=False)
        made.status, made.pid = "running", proc.pid
        deadline = time.monotonic() + 30
        while jobs._cmdline(proc.pid)[-1:] != ["."] and time.monotonic() < deadline:
            time.sleep(0.05)  # until exec has replaced the forked child's command line
        made.pid_start = jobs.process_start(proc.pid)
        assert jobs.is_runner(made)
        made.detached = True  # a detached job's runner is the runner module, nothing else
        assert not jobs.is_runner(made)
    finally:
        proc.kill()
        proc.wait()
