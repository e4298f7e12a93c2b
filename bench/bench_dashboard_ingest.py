"""Dashboard ingestion: a child prints 1,000,000 lines as fast as it can, as the
``vagrant up`` of a real build job: the detached runner (real process runner, cleaning,
job log on disk) writes them, and the dashboard (headless, ``App.run_test`` at
120x40) follows the log into its Log pane, exactly as in use.

Measured: lines/s into the Log pane (first to last line), peak resident memory of the
TUI process and of the runner (sampled every 50 ms; "flat" = the same at 10% and 100%),
and the delay of keypresses handled meanwhile (``pilot.press`` while ingesting; from
the press to the bound action running). Reference, measured in the same run: the same
child read raw (``os.read`` + newline count, no splitting or decoding), from
bench_log_ingest.py. Goals: >= 50,000 lines/s, memory flat, keypress < 100 ms.

    python bench/bench_dashboard_ingest.py [LINES]
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_log_ingest import CHILD, raw

FAKE_VAGRANT = r"""#!{python}
import json, os, sys
from pathlib import Path
cmd = sys.argv[1]
if cmd == "up":
    os.execv(sys.executable, [sys.executable, {child!r}, os.environ["BENCH_LINES"]])
elif cmd == "ssh":
    print(json.dumps({{"format": 1, "system_packages": []}}))
elif cmd == "package":
    Path(sys.argv[sys.argv.index("--output") + 1]).write_bytes(b"box")
"""


def rss_mib(pid: int | str = "self") -> float:
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return 0.0


def make_project(root: Path, lines: int) -> Path:
    """A generated-looking project whose ``vagrant`` prints ``lines`` lines on ``up``."""
    bin_dir, project = root / "bin", root / "proj"
    bin_dir.mkdir()
    project.mkdir()
    (root / "child.py").write_text(CHILD)
    vagrant = bin_dir / "vagrant"
    vagrant.write_text(FAKE_VAGRANT.format(python=sys.executable, child=str(root / "child.py")))
    vagrant.chmod(0o755)
    (project / "Vagrantfile").write_text("Vagrant.configure('2') do |config|\nend\n")
    (project / "gaev.yaml").write_text("name: bench\nos: debian-12\nprovider: libvirt\n")
    (project / "gaev.lock.json").write_text(json.dumps({"os": {"family": "debian"}}))
    os.environ["PATH"] = f"{bin_dir}:{os.environ['PATH']}"
    os.environ["BENCH_LINES"] = str(lines)
    return project


class Sampler(threading.Thread):
    """Resident memory of this process and of the build's runner, every 50 ms."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.runner: int | None = None
        self.samples: list[tuple[int, float, float]] = []  # (lines so far, TUI MiB, runner MiB)
        self.lines = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.05):
            self.samples.append((self.lines, rss_mib(), rss_mib(self.runner) if self.runner else 0.0))


async def dashboard(project: Path, n: int, sampler: Sampler) -> dict:
    from textual.app import App
    from textual.binding import Binding

    from gaev_tui.boxbuild.sources import Sources
    from gaev_tui.boxbuild.vmstate import VmInfo
    from gaev_tui.screens.dashboard import DashboardScreen
    from gaev_tui.widgets.dashboard.log_pane import LogPane

    arrivals: list[tuple[float, int]] = []
    original = LogPane.append

    def timed_append(pane, lines, end=None):  # instrumentation only: when each batch landed
        original(pane, lines, end)
        arrivals.append((time.perf_counter(), len(lines)))
        sampler.lines = pane.received

    LogPane.append = timed_append
    pressed: list[float] = []

    class BenchApp(App):
        BINDINGS = [Binding("x", "probe", show=False)]

        def start(self) -> None:
            sources = Sources(preflight=lambda p: [], vm=lambda p, prov: VmInfo("running", "", 2, 2048),
                              vagrant_status=lambda p: None)
            self.push_screen(DashboardScreen(project, sources=sources))

        def action_probe(self) -> None:
            pressed.append(time.perf_counter())

    app = BenchApp()
    starts: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        idle = []  # reference: the same key in the same app, before the build starts
        for _ in range(20):
            before, count = time.perf_counter(), len(pressed)
            await pilot.press("x")
            idle.append(pressed[count] - before)
        del pressed[:]
        app.start()
        await pilot.pause(0.01)
        screen = app.screen
        while screen.job is None:
            await pilot.pause(0.01)

        def following() -> bool:
            return any(w.group == "follow" and not w.is_finished for w in app.workers)

        async def press() -> None:
            starts.append(time.perf_counter())
            await pilot.press("x")

        # A key every 100 ms while lines pour in. ``pilot.press`` also waits for the app
        # to go idle afterwards (long, while ingesting), so presses overlap: each is timed
        # from its own start to its own run of the action (keys are handled in order).
        tasks = []
        while screen.status not in ("ok", "failed", "cancelled", "lost") or following():
            sampler.runner = screen.job.pid
            if arrivals and screen.log_pane.received < n:
                tasks.append(asyncio.create_task(press()))
            await pilot.pause(0.1)
        await asyncio.gather(*tasks)
        status, received, widget_lines = screen.status, screen.log_pane.received, len(screen.log_pane.log_widget.lines)
    delays = [done - start for start, done in zip(starts, pressed, strict=True)]
    LogPane.append = original
    busy = [(t, c) for t, c in arrivals if c]
    first, last = busy[0][0], busy[-1][0]
    return {"status": status, "received": received, "widget": widget_lines, "seconds": last - first,
            "batches": len(busy), "delays": delays, "idle": sorted(idle)}


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    raw_time, raw_count = raw(n)
    assert raw_count == n
    with tempfile.TemporaryDirectory(prefix="gaev-bench-") as tmp:
        os.environ["GAEV_STATE_DIR"] = str(Path(tmp) / "state")
        project = make_project(Path(tmp), n)
        sampler = Sampler()
        rss_start = rss_mib()
        sampler.start()
        result = asyncio.run(dashboard(project, n, sampler))
        sampler.stop.set()
        size = sum(f.stat().st_size for f in (Path(tmp) / "state").rglob("build.log"))
    assert result["status"] == "ok" and result["received"] >= n, result
    rate, raw_rate = result["received"] / result["seconds"], raw_count / raw_time
    delays = sorted(result["delays"])
    print(f"lines into the Log pane: {result['received']:,} in {result['batches']:,} batches "
          f"(about {result['received'] // result['batches']:,} lines each); widget holds {result['widget']:,}")
    print(f"raw reading (reference): {raw_time:.2f} s = {raw_rate:,.0f} lines/s")
    print(f"dashboard (runner -> job log -> follower -> Log pane): {result['seconds']:.2f} s = {rate:,.0f} lines/s; "
          f"ratio to raw {rate / raw_rate:.2f}; goal >= 50,000 lines/s: {'met' if rate >= 50_000 else 'NOT met'}")
    print(f"log written: {size / 1e6:.0f} MB")
    tenth = [next((s for s in sampler.samples if s[0] >= n * k // 10), sampler.samples[-1]) for k in range(1, 11)]
    print(f"TUI RSS: start {rss_start:.1f} MiB, at each 10% of the lines: "
          + ", ".join(f"{s[1]:.0f}" for s in tenth) + f" MiB; peak {max(s[1] for s in sampler.samples):.1f} MiB")
    # The runner writes faster than the pane reads: it is sampled over its own lifetime.
    runner = [s[2] for s in sampler.samples if s[2]]
    if runner:
        print(f"runner RSS over its life ({len(runner)} samples): first {runner[0]:.0f}, "
              f"median {statistics.median(runner):.0f}, peak {max(runner):.0f} MiB")
    idle = result["idle"]
    print(f"keypress delay with no build (reference, {len(idle)} presses): median {statistics.median(idle) * 1000:.1f} ms, "
          f"max {idle[-1] * 1000:.1f} ms")
    if delays:
        p95 = delays[int(len(delays) * 0.95)]
        print(f"keypress delay while ingesting ({len(delays)} presses): median {statistics.median(delays) * 1000:.1f} ms "
              f"({statistics.median(delays) / statistics.median(idle):.1f}x the idle median), 95th percentile "
              f"{p95 * 1000:.1f} ms, max {delays[-1] * 1000:.1f} ms; goal < 100 ms: {'met' if delays[-1] < 0.1 else 'NOT met'}")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
