"""Build jobs: each build has a directory under ``paths.state_dir()/jobs/<id>/`` with
its log (``build.log``) and its state (``state.json``, written atomically), so that a
build can outlive the terminal that started it and be followed from another one.

A job's runner writes its state; readers never do. A runner that died without saying
so (killed, machine rebooted) is detected on reading: its pid is gone, or now belongs
to another process (start time differs), and the job shows as ``lost``.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from gaev_tui import paths
from gaev_tui.boxbuild.stages import Stage
from gaev_tui.fsutil import atomic_write

FINAL = ("ok", "failed", "cancelled")
STATE_FILE, LOG_FILE, RUNNER_OUT = "state.json", "build.log", "runner.out"
STARTUP_GRACE = 120.0  # seconds a runner has to record its pid before the job is lost


def jobs_dir() -> Path:
    return paths.state_dir() / "jobs"


def process_start(pid: int) -> str | None:
    """An identity for a running pid (its start time in clock ticks), None if gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read()
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass
        return "?"  # alive, but no /proc to tell pid reuse apart (macOS)
    fields = stat[stat.rfind(b")") + 2 :].split()
    if fields[0] == b"Z":
        return None  # a zombie has finished running
    return fields[19].decode()


@dataclass
class Job:
    """What ``state.json`` holds."""

    id: str
    project: str
    name: str
    provider: str
    status: str = "starting"  # starting, running, ok, failed, cancelled (+ "lost" on read)
    created: float = field(default_factory=time.time)
    finished: float | None = None
    pid: int | None = None
    pid_start: str | None = None
    detached: bool = False
    keep_vm: bool = False
    message: str = ""
    stages: list[dict] = field(default_factory=list)

    @property
    def dir(self) -> Path:
        return jobs_dir() / self.id

    @property
    def log_path(self) -> Path:
        return self.dir / LOG_FILE

    def stage_objects(self) -> list[Stage]:
        return [Stage.from_dict(s) for s in self.stages]

    def current_stage(self) -> str:
        """The stage running, or the one that failed or was cancelled; "-" otherwise."""
        stages = self.stage_objects()
        for state in ("running", "failed", "cancelled"):
            for stage in stages:
                if stage.state == state:
                    return stage.id
        return "-"

    def save(self) -> None:
        """Write the state atomically (readers see the old or the new file, never half)."""
        data = dict(self.__dict__)
        atomic_write(self.dir / STATE_FILE, json.dumps(data, indent=2, sort_keys=True) + "\n")

    def effective_status(self) -> str:
        """``status``, or ``lost`` when the runner is gone without finishing."""
        if self.status in FINAL:
            return self.status
        if self.pid is None:  # the runner never started (crashed on start-up)
            return "lost" if time.time() - self.created > STARTUP_GRACE else self.status
        start = process_start(self.pid)
        if start is None or (self.pid_start not in (None, "?") and start not in ("?", self.pid_start)):
            return "lost"
        return self.status

    def claim(self) -> None:
        """Record the current process as this job's runner."""
        self.pid = os.getpid()
        self.pid_start = process_start(self.pid)


def new_job(project_dir: Path, name: str, provider: str, *, detached: bool, keep_vm: bool) -> Job:
    """Create the job's directory and first state. Ids sort by time: newest last."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    job = Job(f"{stamp}-{name}-{secrets.token_hex(2)}", str(project_dir), name, provider,
              detached=detached, keep_vm=keep_vm)
    job.dir.mkdir(parents=True, exist_ok=False)
    job.save()
    return job


def load_job(job_id: str) -> Job | None:
    """A job by id, or None when it does not exist or its state is unreadable."""
    if not job_id or "/" in job_id or job_id.startswith("."):
        return None
    try:
        data = json.loads((jobs_dir() / job_id / STATE_FILE).read_text(encoding="utf-8"))
        known = {k: v for k, v in data.items() if k in Job.__dataclass_fields__}
        return Job(**known)
    except (OSError, ValueError, TypeError):
        return None


def list_jobs() -> list[Job]:
    """Every readable job, oldest first."""
    root = jobs_dir()
    if not root.is_dir():
        return []
    jobs = [job for entry in sorted(os.listdir(root)) if (job := load_job(entry)) is not None]
    return sorted(jobs, key=lambda j: (j.created, j.id))


def find_job(job_id: str | None) -> Job | None:
    """The job named (a unique prefix is enough), or the newest one."""
    jobs = list_jobs()
    if job_id is None:
        return jobs[-1] if jobs else None
    exact = [j for j in jobs if j.id == job_id]
    matches = exact or [j for j in jobs if j.id.startswith(job_id)]
    return matches[0] if len(matches) == 1 else None


def spawn_runner(job: Job, argv: list[str] | None = None) -> int:
    """Start the detached runner of ``job``: a new session (no controlling terminal, so
    no SIGHUP when SSH drops), stdio to files. Returns its pid."""
    argv = argv or [sys.executable, "-m", "gaev_tui.boxbuild.runner", job.id]
    with open(job.dir / RUNNER_OUT, "ab") as out:
        child = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True, close_fds=True, cwd=job.project,
            env={**os.environ, "GAEV_STATE_DIR": str(paths.state_dir())},
        )
    return child.pid


def cancel_job(job: Job) -> bool:
    """Ask a job's runner to cancel (SIGTERM: it stops the tools, then cleans up)."""
    if job.effective_status() not in ("starting", "running") or job.pid is None:
        return False
    try:
        os.kill(job.pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    return True
