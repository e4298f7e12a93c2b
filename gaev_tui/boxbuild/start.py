"""Starting a build, the same way for ``gaev build`` and for the TUI: read the project
once, run the pre-flight checks, then create the job (its log starts with what the
checks found) and, detached, start its runner.

Deciding whether to go on after warnings is the caller's part: ``gaev build`` asks on
its terminal (or wants ``--yes``), the dashboard asks in a modal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gaev_tui.boxbuild import jobs
from gaev_tui.boxbuild.jobs import Job
from gaev_tui.boxbuild.logstore import LogWriter
from gaev_tui.boxbuild.preflight import Check, preflight, worst
from gaev_tui.boxbuild.project import BuildProject, load_project
from gaev_tui.errors import GaevError
from gaev_tui.fsutil import dir_locked

PREFLIGHT = "preflight"  # the stage name of the checks' lines in the log and on stdout


def check_lines(check: Check) -> list[str]:
    """One check as the log and ``gaev build`` show it: its line, then its hint on a line
    of its own when it matters (a log does not wrap: at 80 columns a hint at the end of
    the line was cut off)."""
    hint = [f"  hint: {check.hint}"] if check.hint and check.level != "ok" else []
    return [f"{check.level}: {check.message}", *hint]


@dataclass(frozen=True)
class Checked:
    """A project read for building, and what its pre-flight checks found."""

    project: BuildProject
    checks: list[Check]
    identity: tuple[int, int] | None = None  # the project directory's (st_dev, st_ino) when read

    @property
    def level(self) -> str:
        """``error`` (nothing may start), ``warn`` (ask first) or ``ok``."""
        return worst(self.checks)

    @property
    def lines(self) -> list[str]:
        return [line for check in self.checks for line in check_lines(check)]


def check(project_dir: Path, checks: Callable[[BuildProject], list[Check]] = preflight) -> Checked:
    """Read the project (:class:`InputError` names the file, line and field) and check it."""
    project = load_project(project_dir)
    return Checked(project, checks(project), jobs.dir_identity(project.dir))


def create_job(checked: Checked, *, detached: bool, keep_vm: bool) -> Job:
    """The job that builds a checked project; its log starts with the checks' lines.

    Refuses (:class:`GaevError`) when a check failed: such a build never starts.
    """
    if checked.level == "error":
        raise GaevError("pre-flight checks failed; nothing was started")
    project = checked.project
    # Under the lock 'gaev generate' holds while it checks for builds and swaps the
    # project: the job is on record before any later write looks, and a write already
    # under way finishes first (then the directory checked is no longer there). The real
    # parent: a project reached through a symlink is written through its real path.
    with dir_locked(project.dir.resolve().parent):
        if checked.identity is not None and jobs.dir_identity(project.dir) != checked.identity:
            raise GaevError(f"{project.dir} was rewritten (gaev generate --force?) while it was being checked; "
                            "nothing was started: run the build again")
        job = jobs.new_job(project.dir, project.name, project.provider, detached=detached, keep_vm=keep_vm)
    log = LogWriter(job.log_path)
    try:
        log.write(PREFLIGHT, checked.lines)
    finally:
        log.close()
    return job


def start_detached(checked: Checked, *, keep_vm: bool = False) -> tuple[Job, int]:
    """Create the job and start its runner in a session of its own (it survives the
    terminal); returns the job and the runner's pid."""
    job = create_job(checked, detached=True, keep_vm=keep_vm)
    return job, jobs.spawn_runner(job)
