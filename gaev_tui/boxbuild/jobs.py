"""Build jobs: each build has a directory under ``paths.state_dir()/jobs/<id>/`` with
its log (``build.log``) and its state (``state.json``, written atomically), so that a
build can outlive the terminal that started it and be followed from another one.

A job's runner writes its state; readers never do. A runner that died without saying
so (killed, machine rebooted) is detected on reading: its pid is gone, or now belongs
to another process (start time differs), and the job shows as ``lost``.

State files are input like any other: a job id must match the id grammar before it
becomes a path, and ``state.json`` is checked field by field on load (``jobstate``). A
bad file is reported as a :class:`BadJob` and left where it is for the user; the other
jobs list, attach and cancel as usual. A job is cancelled only when its pid is still
the process GAEV started: same start time, and a command line that is GAEV's runner.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from gaev_tui import paths
from gaev_tui.boxbuild.jobstate import check_state
from gaev_tui.boxbuild.stages import Stage
from gaev_tui.fsutil import atomic_write, locked, read_regular

FINAL = ("ok", "failed", "cancelled")
STATE_FILE, LOG_FILE, RUNNER_OUT = "state.json", "build.log", "runner.out"
STARTUP_GRACE = 120.0  # seconds a runner has to record its pid before the job is lost
STATE_MAX = 4 << 20  # a state is a few KB; a bigger one is not GAEV's
# <YYYYmmdd-HHMMSS>-<spec name>-<4 hex>: a single path component, never "." or "..".
JOB_ID = re.compile(r"[0-9]{8}-[0-9]{6}-[a-z0-9][a-z0-9._-]{0,126}-[0-9a-f]{4}")
RUNNER_MODULE = "gaev_tui.boxbuild.runner"


def jobs_dir() -> Path:
    return paths.state_dir() / "jobs"


def valid_id(job_id: object) -> bool:
    """True for an id GAEV makes (the grammar keeps it one component of ``jobs_dir()``)."""
    return isinstance(job_id, str) and JOB_ID.fullmatch(job_id) is not None


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
    machine: dict | None = None  # the build VM as its provider knows it (boxbuild.machine)

    @property
    def dir(self) -> Path:
        if not valid_id(self.id):  # never a path built from an id that is not GAEV's
            raise ValueError(f"not a job id: {self.id!r}")
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
        """Write the state atomically (readers see the old or the new file, never half),
        under the job's lock (:func:`spawn_runner` records the pid from another process)."""
        data = dict(self.__dict__)
        with locked(self.dir / STATE_FILE):
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


@dataclass(frozen=True)
class BadJob:
    """A job directory whose state cannot be used: reported, and left for the user."""

    id: str
    path: Path
    problem: str

    def __str__(self) -> str:
        return f"job {self.id}: {self.path}: {self.problem} (left as it is; remove it when done)"


def new_job(project_dir: Path, name: str, provider: str, *, detached: bool, keep_vm: bool) -> Job:
    """Create the job's directory and first state. Ids sort by time: newest last."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    job = Job(f"{stamp}-{name}-{secrets.token_hex(2)}", str(project_dir), name, provider,
              detached=detached, keep_vm=keep_vm)
    job.dir.mkdir(parents=True, exist_ok=False)
    job.save()
    return job


def read_job(job_id: str) -> Job | BadJob | None:
    """A job by id; a :class:`BadJob` saying why its state is unusable; None when there
    is no such job (or ``job_id`` is not an id: it never becomes a path then)."""
    if not valid_id(job_id):
        return None
    root = jobs_dir()
    path = root / job_id / STATE_FILE
    if (root / job_id).is_symlink() or path.is_symlink():
        return BadJob(job_id, path, "is a symbolic link; GAEV writes none there")
    try:
        raw = read_regular(path, STATE_MAX)
    except FileNotFoundError:
        return None if not (root / job_id).is_dir() else BadJob(job_id, path, "missing")
    except (OSError, ValueError) as exc:
        return BadJob(job_id, path, str(exc))
    try:
        data = json.loads(raw)
    except ValueError as exc:  # UnicodeDecodeError too
        return BadJob(job_id, path, f"not valid JSON ({exc})")
    problem = check_state(data, job_id)
    if problem:
        return BadJob(job_id, path, problem)
    known = {k: v for k, v in data.items() if k in Job.__dataclass_fields__}
    return Job(**known)


def load_job(job_id: str) -> Job | None:
    """A job by id, or None when it does not exist or its state is unusable."""
    job = read_job(job_id)
    return job if isinstance(job, Job) else None


def scan_jobs() -> tuple[list[Job], list[BadJob]]:
    """Every usable job, oldest first, and the job directories that are not usable."""
    root = jobs_dir()
    if not root.is_dir():
        return [], []
    good, bad = [], []
    for entry in sorted(os.listdir(root)):
        if entry.endswith(".lock") or entry.startswith("."):
            continue
        job = read_job(entry) if valid_id(entry) else BadJob(entry, root / entry, "not a job id GAEV makes")
        if isinstance(job, Job):
            good.append(job)
        elif job is not None:
            bad.append(job)
    return sorted(good, key=lambda j: (j.created, j.id)), bad


def list_jobs() -> list[Job]:
    """Every usable job, oldest first."""
    return scan_jobs()[0]


def find_job(job_id: str | None) -> Job | None:
    """The job named (a unique prefix is enough), or the newest one."""
    jobs = list_jobs()
    if job_id is None:
        return jobs[-1] if jobs else None
    exact = [j for j in jobs if j.id == job_id]
    matches = exact or [j for j in jobs if j.id.startswith(job_id)]
    return matches[0] if len(matches) == 1 else None


def dir_identity(path: str | Path) -> tuple[int, int] | None:
    """(st_dev, st_ino) of a path, None when it cannot be reached."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_dev, st.st_ino)


def building_in(project_dir: Path) -> list[Job]:
    """The jobs starting or running in ``project_dir`` (the same directory, whichever
    path names it), oldest first: a job whose runner is gone (``lost``) is not one."""
    here = dir_identity(project_dir)
    if here is None:
        return []
    return [job for job in list_jobs()
            if job.effective_status() in ("starting", "running") and dir_identity(job.project) == here]


def spawn_runner(job: Job, argv: list[str] | None = None) -> int:
    """Start the detached runner of ``job``: a new session (no controlling terminal, so
    no SIGHUP when SSH drops), stdio to files. Returns its pid, recorded with its start
    time at once (unless the runner already did) so that cancel can tell it is ours."""
    argv = argv or [sys.executable, "-m", RUNNER_MODULE, job.id]
    with open(job.dir / RUNNER_OUT, "ab") as out:
        child = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True, close_fds=True, cwd=job.project,
            env={**os.environ, "GAEV_STATE_DIR": str(paths.state_dir())},
        )
    start = process_start(child.pid)
    with locked(job.dir / STATE_FILE):
        current = load_job(job.id)
        if current is not None and current.pid is None and start is not None:
            current.pid, current.pid_start = child.pid, start
            data = json.dumps(current.__dict__, indent=2, sort_keys=True) + "\n"
            atomic_write(job.dir / STATE_FILE, data)
    return child.pid


def _cmdline(pid: int) -> list[str] | None:
    """The process's argv from /proc (None when it cannot be read)."""
    try:
        raw = read_regular(f"/proc/{pid}/cmdline", 1 << 20)
    except (OSError, ValueError):
        return None
    return [os.fsdecode(arg) for arg in raw.split(b"\0") if arg] or None


def is_runner(job: Job) -> bool:
    """True when ``job.pid`` is still the process GAEV started for ``job``: the start
    time recorded matches, and its command line is the detached runner of this job or
    a foreground ``gaev build`` (both run the pipeline and cancel on SIGTERM)."""
    if job.pid is None or job.pid <= 1 or not job.pid_start or job.pid_start == "?":
        return False
    if process_start(job.pid) != job.pid_start:
        return False
    argv = _cmdline(job.pid)
    if not argv:
        return False
    if argv[-2:] == [RUNNER_MODULE, job.id]:
        return True
    if job.detached:  # a detached job has no runner but the one above
        return False
    for i, arg in enumerate(argv[:-1]):
        gaev = os.path.basename(arg) == "gaev" or (arg == "-m" and argv[i + 1] == "gaev_tui")
        if gaev and "build" in argv[i + 1:]:
            return True
    return False


def cancel_job(job: Job) -> bool:
    """Ask a job's runner to cancel (SIGTERM: it stops the tools, then cleans up).

    False, and no signal sent, unless the job runs and its pid is provably its runner:
    a state file naming another process's pid must never get that process killed.
    """
    if job.effective_status() not in ("starting", "running") or not is_runner(job):
        return False
    try:
        os.kill(job.pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    return True
