"""Run an external tool in its own process group, stream its output in batches, and
stop the whole tree on cancel.

One reader thread multiplexes stdout and stderr with ``selectors`` and ``os.read``
(no ``readline`` length limits), splits and cleans lines itself, and hands them to a
callback in batches -- a few times a second or every few thousand lines -- so that a
UI is never called once per line. The child runs with ``start_new_session=True``:
signals go to its process group, and we check that group is empty before returning.
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from gaev_tui.boxbuild.groups import group_alive, signal_group
from gaev_tui.boxbuild.lines import LineSplitter


@dataclass(frozen=True)
class Batch:
    """Lines one stream produced since the last batch, plus its unfinished line."""

    stream: str  # "out" or "err"
    lines: list[str]
    progress: str = ""  # current state of a \r progress line, "" when none


@dataclass(frozen=True)
class CancelPolicy:
    """Signals sent to the process group on cancel, each with a grace period (s).

    SIGKILL always follows the last step. Packer's wrapper ignores SIGINT and cleans
    up on SIGTERM; Vagrant handles SIGINT as Ctrl-C (graceful), SIGTERM as a harder stop.
    """

    steps: tuple[tuple[int, float], ...]


PACKER = CancelPolicy(((signal.SIGTERM, 300.0),))
VAGRANT = CancelPolicy(((signal.SIGINT, 120.0), (signal.SIGTERM, 30.0)))
DEFAULT = CancelPolicy(((signal.SIGTERM, 10.0),))

#: After the leader exits, how long children may keep our pipes open before we end them.
LINGER = 2.0


class Runner:
    """A child process whose output reaches ``on_batch`` (called on a reader thread)."""

    def __init__(
        self,
        argv: Sequence[str],
        on_batch: Callable[[Batch], None],
        *,
        cwd: str | os.PathLike[str] | None = None,
        env: Mapping[str, str] | None = None,
        policy: CancelPolicy = DEFAULT,
        interval: float = 0.2,
        max_lines: int = 5000,
        merge_stderr: bool = False,
    ) -> None:
        self.argv = list(argv)
        self._on_batch = on_batch
        self._cwd, self._env, self.policy = cwd, env, policy
        self._interval, self._max_lines, self._merge = interval, max_lines, merge_stderr
        self.proc: subprocess.Popen[bytes] | None = None
        self.pgid: int | None = None
        self.cancelled = False
        self._reader: threading.Thread | None = None
        self._lock = threading.Lock()
        self._stopper: threading.Thread | None = None
        self._progress: dict[str, str] = {}

    def start(self) -> None:
        """Start the child (raises OSError when the executable cannot be run)."""
        self.proc = subprocess.Popen(
            self.argv,
            cwd=self._cwd,
            env=dict(self._env) if self._env is not None else None,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT if self._merge else subprocess.PIPE,
            start_new_session=True,
        )
        self.pgid = self.proc.pid  # a new session leader leads its own group
        self._reader = threading.Thread(target=self._read, name="gaev-runner-read", daemon=True)
        self._reader.start()

    def wait(self) -> int:
        """Wait for the child, its output and its process group; return its exit code."""
        assert self.proc is not None and self._reader is not None
        self._reader.join()
        code = self.proc.wait()
        if self._stopper is not None:
            self._stopper.join()
            self._end_group()  # a cancel leaves nothing of the tree running
        return code

    def run(self) -> int:
        """Start, then wait: the exit code (negative: killed by that signal)."""
        self.start()
        return self.wait()

    def cancel(self) -> None:
        """Stop the whole tree per the policy, without blocking the caller."""
        with self._lock:
            if self.cancelled or self.proc is None:
                return
            self.cancelled = True
            self._stopper = threading.Thread(target=self._escalate, name="gaev-runner-stop", daemon=True)
            self._stopper.start()

    # -- internals ---------------------------------------------------------------------

    def _escalate(self) -> None:
        for sig, grace in self.policy.steps:
            if not self._signal(sig) or self._wait_gone(grace):
                return
        self._signal(signal.SIGKILL)
        self._wait_gone(10.0)

    def _signal(self, sig: int) -> bool:
        """Signal the group; False when nothing is left to signal."""
        return self.pgid is not None and signal_group(self.pgid, sig)

    def _wait_gone(self, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.proc.poll()  # reap the leader so it does not count as alive
            if self.proc.returncode is not None and not group_alive(self.pgid):
                return True
            time.sleep(0.05)
        return False

    def _end_group(self) -> None:
        """End what is left of the tree. Only on cancel, or when leftovers hold our pipes
        open: a tool may legitimately leave a daemon running (VirtualBox's VBoxSVC)."""
        if self.pgid is None or not group_alive(self.pgid):
            return
        for sig in (signal.SIGTERM, signal.SIGKILL):
            signal_group(self.pgid, sig)
            deadline = time.monotonic() + 5.0
            while time.monotonic() < deadline and group_alive(self.pgid):
                time.sleep(0.05)
            if not group_alive(self.pgid):
                return

    def _read(self) -> None:
        proc = self.proc
        sel = selectors.DefaultSelector()
        splitters: dict[int, tuple[str, LineSplitter]] = {}
        for name, pipe in (("out", proc.stdout), ("err", proc.stderr)):
            if pipe is not None:
                fd = pipe.fileno()
                sel.register(fd, selectors.EVENT_READ)
                splitters[fd] = (name, LineSplitter())
        pending: dict[str, list[str]] = {"out": [], "err": []}
        count = 0
        last_flush = time.monotonic()
        leader_gone_at: float | None = None
        try:
            while splitters:
                timeout = max(0.0, self._interval - (time.monotonic() - last_flush))
                for key, _ in sel.select(timeout):
                    fd = key.fd
                    name, splitter = splitters[fd]
                    chunk = os.read(fd, 1 << 18)
                    if chunk:
                        lines = splitter.feed(chunk)
                    else:
                        lines = splitter.flush()
                        sel.unregister(fd)
                        del splitters[fd]
                    if lines:
                        pending[name].extend(lines)
                        count += len(lines)
                now = time.monotonic()
                if count >= self._max_lines or now - last_flush >= self._interval:
                    self._flush(pending, splitters)
                    count, last_flush = 0, now
                if splitters and proc.poll() is not None:
                    # A grandchild holding our pipe open would block us for ever.
                    leader_gone_at = leader_gone_at or now
                    if now - leader_gone_at > LINGER:
                        self._end_group()
        finally:
            self._flush(pending, {})
            sel.close()
            for pipe in (proc.stdout, proc.stderr):
                if pipe is not None:
                    pipe.close()

    def _flush(self, pending: dict[str, list[str]], splitters: dict) -> None:
        progress = {name: sp.partial for name, sp in splitters.values()}
        for name, lines in pending.items():
            now = progress.get(name, "")
            if lines or now != self._progress.get(name, ""):
                pending[name] = []
                self._progress[name] = now
                self._on_batch(Batch(name, lines, now))
