"""Follow one build job from its files: the log (tail, then new lines) and its state.

``gaev attach`` and the build dashboard both follow jobs with :class:`JobFollower`, so
they agree on what they show and on when a job is over. The job runs in its own
process (``gaev_tui.boxbuild.runner``), so following it, leaving it (detach) and coming
back (attach) cost nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from gaev_tui.boxbuild import jobs
from gaev_tui.boxbuild.jobs import Job
from gaev_tui.boxbuild.log_window import Lines
from gaev_tui.boxbuild.logstore import LogReader


@dataclass(frozen=True)
class Update:
    """What changed since the previous poll."""

    lines: list[str]
    end: int  # byte offset just after the last line delivered so far
    job: Job | None  # the job's state, when it changed; None otherwise
    status: str  # the job's status now (``lost``: its runner died; ``missing``: no such job)


#: Most lines handed over in one update (about 5 ms of work for a Log widget).
BATCH = 5000
#: Statuses after which nothing more will be written: the job ended, its runner died,
#: or the job is gone.
OVER = (*jobs.FINAL, "lost", "missing")


class JobFollower:
    """Opens a job's log at its end and hands out what is appended to it."""

    def __init__(self, job_id: str) -> None:
        self.job_id = job_id
        self.reader: LogReader | None = None
        self._seen: dict | None = None
        self.status = "starting"

    def job(self) -> Job | None:
        """The job's state now (None if it disappeared)."""
        return jobs.load_job(self.job_id)

    def open(self, count: int) -> tuple[Lines, int] | None:
        """The last ``count`` lines with their offsets, and the end offset; None while
        the log does not exist yet (a runner that is starting)."""
        job = self.job()
        self.status = "missing" if job is None else job.effective_status()
        if job is None or not job.log_path.exists():
            return None
        self.reader = LogReader(job.log_path)
        lines = self.reader.tail(count)
        return lines, self.reader.position

    def poll(self, limit: int | None = None) -> Update:
        """New complete lines (at most ``limit``), and the job's state if it changed."""
        lines = self.reader.follow(limit) if self.reader is not None else []
        job = self.job()
        changed = None
        if job is None:
            self.status = "missing"
        else:
            self.status = job.effective_status()
            now = {**job.__dict__, "status": self.status}
            if now != self._seen:
                self._seen, changed = now, job
        end = self.reader.position if self.reader is not None else 0
        return Update(lines, end or 0, changed, self.status)

    @property
    def finished(self) -> bool:
        """The job is over (or its runner is gone): nothing more will be written."""
        return self.status in OVER

    def close(self) -> None:
        """Release the log file."""
        if self.reader is not None:
            self.reader.close()
            self.reader = None

    def wait_open(self, count: int, every: float, stopped: Callable[[], bool] = lambda: False,
                  on_update: Callable[[Update], None] | None = None,
                  timeout: float | None = None) -> tuple[Lines, int] | None:
        """:meth:`open`, polling every ``every`` seconds until the log exists; None when
        none will come (the job is over without one), ``stopped()`` or ``timeout``
        seconds passed. ``on_update`` gets the last poll when giving up."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while (opened := self.open(count)) is None:
            update = self.poll()
            if self.finished or stopped() or (deadline is not None and time.monotonic() > deadline):
                if on_update is not None:
                    on_update(update)
                return None
            time.sleep(every)
        return opened

    def follow(self, on_update: Callable[[Update], None], stopped: Callable[[], bool], every: float,
               batch: int = BATCH) -> None:
        """Hand out what the open log gets until the job is over and its log read (or
        ``stopped()``): ``on_update(update)`` every batch (at most ``batch`` lines),
        polling every ``every`` seconds once caught up."""
        while not stopped():
            done = self.finished  # seen before reading: the lines written last still come
            update = self.poll(batch)
            on_update(update)
            if done and not update.lines:
                return
            if len(update.lines) < batch:  # caught up: wait for more
                time.sleep(every)

    def run(self, count: int, on_open: Callable, on_update: Callable[[Update], None],
            stopped: Callable[[], bool], every: float, batch: int = BATCH) -> None:
        """Follow until the job is over and its log read (or ``stopped()``).

        ``on_open(path, lines, end)`` gets the last ``count`` lines once the log exists;
        ``on_update(update)`` every batch. Both are called from this thread and should
        wait for the UI: then the UI is never queued more than one batch.
        """
        try:
            opened = self.wait_open(count, every, stopped, on_update)
            if opened is None:
                return  # no log, and none will come
            on_open(self.reader.path, *opened)
            self.follow(on_update, stopped, every, batch)
        finally:
            self.close()
