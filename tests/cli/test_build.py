"""``gaev build`` / ``gaev jobs`` / ``gaev attach`` as a user runs them (real processes,
scripted ``vagrant``). The project uses a provider with no host-specific checks so the
pre-flight only looks at vagrant, bsdtar and disk space."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gaev_tui.boxbuild import jobs
from tests.fakes.project import write_project


def gaev(*args, env=None, timeout=120, **kw):
    return subprocess.run([sys.executable, "-m", "gaev_tui", *args], capture_output=True, text=True,
                          timeout=timeout, env=env or os.environ.copy(), stdin=subprocess.DEVNULL, **kw)


@pytest.fixture
def project(fake_project):
    write_project(fake_project.dir, provider="vmware_desktop")
    return fake_project


def test_headless_build_streams_prefixed_lines_and_exits_0(project):
    done = gaev("build", str(project.dir))
    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    assert "[preflight] ok: vagrant-libvirt plugin installed" not in out  # not a libvirt project
    assert "[up] $ GAEV_BUILD=1 vagrant up --provider=vmware_desktop --machine-readable" in out
    assert "[up] ==> default: Machine booted and ready!" in out
    assert out[-1].startswith("[gaev] built ") and (project.dir / "builds" / "demo-vmware_desktop.box").exists()
    (job,) = jobs.list_jobs()
    assert job.status == "ok" and [s["state"] for s in job.stages] == ["ok"] * 5


def test_failed_stage_exits_1_and_names_it(project):
    env = {**os.environ, "FAKE_VAGRANT_FAIL": "up"}
    done = gaev("build", str(project.dir), env=env)
    assert done.returncode == 1
    assert "stage 'up' failed (exit code 1: up went wrong, badly)" in done.stderr
    # The log starts with the pre-flight's lines; the line named is where 'up' begins.
    (job,) = jobs.list_jobs()
    log = job.log_path.read_text().splitlines()
    assert log[0].startswith("[preflight] ")
    up = next(n for n, line in enumerate(log, 1) if line.startswith("[up] $ GAEV_BUILD=1 vagrant up"))
    assert up > 1 and f"build.log (from line {up})" in done.stderr
    assert not (project.dir / "builds" / "demo-vmware_desktop.box").exists()


def test_the_cause_reaches_the_cli_the_log_and_jobs_json(project):
    # Real Vagrant output of a VM that qemu could not start (its kernel unreadable).
    replay = Path(__file__).parents[1] / "boxbuild" / "data" / "causes" / "vagrant_up_permission_denied.machine-readable.txt"
    env = {**os.environ, "FAKE_VAGRANT_REPLAY": f"up={replay}"}
    done = gaev("build", str(project.dir), env=env)
    assert done.returncode == 1
    cause = "Call to virDomainCreateWithFlags failed: internal error: qemu unexpectedly closed the monitor: "
    (summary,) = [line for line in done.stderr.splitlines() if line.startswith("gaev: build failed")]
    assert summary.startswith(f"gaev: build failed: stage 'up' failed (exit code 1: {cause}")
    assert "batch_action.rb" not in summary and "Permission denied (Libvirt::Error)" in summary
    (listed,) = json.loads(gaev("jobs", "--json").stdout)
    assert listed["status"] == "failed" and listed["cause"].startswith(cause)
    assert listed["cause"].endswith("vmlinuz': Permission denied (Libvirt::Error)")


def test_bad_input_exits_2(project, tmp_path):
    assert gaev("build", str(tmp_path / "nowhere")).returncode == 2
    (project.dir / "gaev.yaml").write_text("name: Not A Valid Name\nos: ubuntu-22.04\nprovider: vmware_desktop\n")
    done = gaev("build", str(project.dir))
    assert done.returncode == 2 and "gaev.yaml:1: name:" in done.stderr
    assert gaev("attach", "no-such-job").returncode == 2


def test_warnings_refuse_off_a_terminal_without_yes(project):
    write_project(project.dir, provider="vmware_desktop", extra="resources:\n  disk_gb: 16384\n")
    done = gaev("build", str(project.dir))
    assert done.returncode == 1
    assert "[preflight] warn: not enough free disk" in done.stdout
    assert "--yes" in done.stderr
    assert jobs.list_jobs() == [] and project.calls() == []


def test_detach_survives_the_terminal_and_attach_follows(project):
    env = {**os.environ, "FAKE_VAGRANT_SLOW": "up"}
    # The "terminal": a session of its own, hung up once the build is detached.
    terminal = subprocess.Popen([sys.executable, "-m", "gaev_tui", "build", str(project.dir), "--detach", "--yes"],
                                stdout=subprocess.PIPE, text=True, env=env, start_new_session=True)
    out, _ = terminal.communicate(timeout=60)
    assert terminal.returncode == 0 and "[gaev] follow it: gaev attach " in out
    (job,) = jobs.list_jobs()
    deadline = time.monotonic() + 30
    while (job := jobs.load_job(job.id)).status != "running" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert job.detached and job.pid and os.getsid(job.pid) == job.pid  # its own session
    assert os.getsid(job.pid) != terminal.pid
    try:
        os.killpg(terminal.pid, signal.SIGHUP)  # whatever is left of the terminal's session
    except ProcessLookupError:
        pass
    listed = json.loads(gaev("jobs", "--json").stdout)
    assert [j["status"] for j in listed] == ["running"]
    # The runner writes its log in batches: the first lines of `up` may land a moment later.
    deadline = time.monotonic() + 30
    while "[up] ==> default: still provisioning" not in (peek := gaev("attach", "--no-follow", "-n", "5")).stdout:
        if time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert peek.returncode == 0 and "[up] ==> default: still provisioning" in peek.stdout
    # Follow from now on (no history), then cancel: attach sees the end and exits 1.
    follower = subprocess.Popen([sys.executable, "-m", "gaev_tui", "attach", job.id, "-n", "0"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    assert gaev("jobs", "--cancel", job.id[:12]).returncode == 0
    out, err = follower.communicate(timeout=60)
    assert follower.returncode == 1
    assert "[up] ==> default: Waiting for cleanup before exiting..." in out
    assert "[destroy] $ GAEV_BUILD=1 vagrant destroy -f --machine-readable" in out
    assert f"job {job.id}: cancelled" in err
    assert jobs.load_job(job.id).status == "cancelled"
    assert project.commands() == ["up", "destroy"]


def test_detached_build_to_the_end(project):
    done = gaev("build", str(project.dir), "--detach", "--yes")
    assert done.returncode == 0
    follow = gaev("attach", "-n", "1000")
    assert follow.returncode == 0, follow.stderr
    assert "[up] $ GAEV_BUILD=1 vagrant up --provider=vmware_desktop --machine-readable" in follow.stdout
    assert follow.stdout.splitlines()[-1].startswith("[gaev] built ")


def test_dead_runner_shows_as_lost(project):
    job = jobs.new_job(project.dir, "demo", "vmware_desktop", detached=True, keep_vm=False)
    gone = subprocess.Popen(["true"])
    gone.wait()
    job.status, job.pid, job.pid_start = "running", gone.pid, "12345"
    job.save()
    assert jobs.load_job(job.id).effective_status() == "lost"
    table = gaev("jobs").stdout
    assert job.id in table and "lost" in table
    job.pid, job.pid_start = os.getpid(), jobs.process_start(os.getpid())
    job.save()
    assert jobs.load_job(job.id).effective_status() == "running"
    job.pid_start = "1"  # same pid, another process (pid reuse)
    job.save()
    assert jobs.load_job(job.id).effective_status() == "lost"


def test_attach_stops_on_a_dead_runner(project):
    """gaev attach stops where the dashboard does: a runner gone without finishing."""
    job = jobs.new_job(project.dir, "demo", "vmware_desktop", detached=True, keep_vm=False)
    job.log_path.write_text("[up] $ vagrant up\n[up] ==> default: booting\n")
    gone = subprocess.Popen(["true"])
    gone.wait()
    job.status, job.pid, job.pid_start = "running", gone.pid, "12345"
    job.save()
    done = gaev("attach", job.id, timeout=60)
    assert done.returncode == 1
    assert done.stdout.splitlines() == ["[up] $ vagrant up", "[up] ==> default: booting"]
    assert f"job {job.id}: lost" in done.stderr


def test_runner_refuses_an_unknown_job():
    done = subprocess.run([sys.executable, "-m", "gaev_tui.boxbuild.runner", "no-such-job"], capture_output=True, text=True)
    assert done.returncode == 2 and "no such job" in done.stderr
