"""The runner with real child processes: batching, cleaning, cancel of a whole tree."""

from __future__ import annotations

import os
import signal
import sys
import textwrap
import threading
import time

from gaev_tui.boxbuild.groups import group_alive, group_members
from gaev_tui.boxbuild.process import CancelPolicy, Runner


def python(code: str) -> list[str]:
    return [sys.executable, "-c", textwrap.dedent(code)]


class Collector:
    def __init__(self) -> None:
        self.batches = []
        self.lock = threading.Lock()

    def __call__(self, batch) -> None:
        with self.lock:
            self.batches.append(batch)

    def lines(self, stream="out"):
        return [line for b in self.batches if b.stream == stream for line in b.lines]


def test_many_lines_arrive_in_few_batches_in_order():
    got = Collector()
    code = Runner(python("for i in range(50000): print('line', i)"), got, max_lines=5000).run()
    assert code == 0
    assert got.lines() == [f"line {i}" for i in range(50000)]
    assert len(got.batches) <= 50000 // 5000 + 5  # batched, never one call per line


def test_stderr_separate_and_exit_code():
    got = Collector()
    code = Runner(python("import sys; print('out'); print('bad', file=sys.stderr); sys.exit(4)"), got).run()
    assert code == 4
    assert got.lines("out") == ["out"] and got.lines("err") == ["bad"]


def test_merged_stderr():
    got = Collector()
    Runner(python("import sys; print('a', flush=True); print('b', file=sys.stderr)"), got, merge_stderr=True).run()
    assert got.lines("out") == ["a", "b"] and got.lines("err") == []


def test_ansi_and_carriage_returns_cleaned():
    got = Collector()
    code = python(r"""
        import sys
        sys.stdout.write('\x1b[32mok\x1b[0m\n')
        for p in range(0, 101, 10):
            sys.stdout.write(f'\rProgress: {p}%')
        sys.stdout.write('\n'); sys.stdout.flush()
        sys.stdout.buffer.write(b'\xff end\n')
        """)
    Runner(code, got).run()
    assert got.lines() == ["ok", "Progress: 100%", "\ufffd end"]


def test_progress_is_reported_while_line_unfinished():
    got = Collector()
    code = python("""
        import sys, time
        sys.stdout.write('Progress: 42%\\r'); sys.stdout.flush()
        time.sleep(1.0)
        print()
        """)
    Runner(code, got, interval=0.05).run()
    assert any(b.progress == "Progress: 42%" for b in got.batches)


def _tree_script(marker: str) -> list[str]:
    # A shell that ignores SIGINT, with a grandchild that ignores SIGINT and SIGTERM.
    return [
        "bash",
        "-c",
        f"trap '' INT; (trap '' INT TERM; exec -a {marker} sleep 1000) & echo started; wait",
    ]


def _wait_for(pred, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.05)
    return False


def test_cancel_escalates_and_kills_grandchild_that_ignores_signals():
    got = Collector()
    policy = CancelPolicy(((signal.SIGINT, 0.5), (signal.SIGTERM, 0.5)))
    runner = Runner(_tree_script("gaev-test-grandchild"), got, policy=policy, interval=0.05)
    runner.start()
    assert _wait_for(lambda: got.lines() == ["started"])
    assert len(group_members(runner.pgid)) >= 2
    runner.cancel()
    code = runner.wait()
    assert runner.cancelled and code < 0
    assert not group_alive(runner.pgid)
    assert group_members(runner.pgid) == []


def test_sigterm_policy_stops_a_tree_that_cleans_up():
    got = Collector()
    script = python("""
        import signal, sys, time
        def bye(*_):
            print('cleaning up', flush=True); sys.exit(0)
        signal.signal(signal.SIGTERM, bye)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # like packer's wrapper
        print('ready', flush=True)
        time.sleep(1000)
        """)
    runner = Runner(script, got, policy=CancelPolicy(((signal.SIGTERM, 10.0),)), interval=0.05)
    runner.start()
    assert _wait_for(lambda: "ready" in got.lines())
    runner.cancel()
    assert runner.wait() == 0
    assert got.lines() == ["ready", "cleaning up"]
    assert not group_alive(runner.pgid)


def test_leftover_background_child_does_not_hang_or_survive():
    got = Collector()
    # The leader exits at once; its child keeps stdout open and ignores SIGTERM.
    script = ["bash", "-c", "(trap '' TERM; sleep 1000) & echo leader done"]
    runner = Runner(script, got)
    assert runner.run() == 0
    assert got.lines() == ["leader done"]
    assert not group_alive(runner.pgid)


def test_missing_executable_raises_oserror():
    runner = Runner(["/nonexistent/gaev-tool"], lambda b: None)
    try:
        runner.start()
    except OSError:
        pass
    else:
        raise AssertionError("expected OSError")


def test_daemon_that_let_go_of_the_pipes_is_left_alone():
    # Tools may start daemons on purpose (VirtualBox's VBoxSVC): only a cancel ends them.
    got = Collector()
    runner = Runner(["bash", "-c", "(exec sleep 30 </dev/null >/dev/null 2>&1 &); echo started"], got)
    try:
        assert runner.run() == 0
        assert got.lines() == ["started"]
        assert group_alive(runner.pgid)
    finally:
        os.killpg(runner.pgid, signal.SIGKILL)
    assert _wait_for(lambda: not group_alive(runner.pgid))
