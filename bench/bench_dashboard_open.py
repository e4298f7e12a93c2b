"""Opening a finished build with a 2 GiB log in the dashboard (headless, 120x40): from
pushing the screen to its Log pane showing the log's last line, then one page back
("[" key), without reading the file whole.

The log is written, flushed and dropped from the page cache before the timing (cold
open). References measured in the same run: the same dashboard on a job with a
10-line log (what the screen costs without a big file), and ``tail -n 10000`` on the
big log (the pane loads its last 10,000 lines). Goal: instant (< 1 s).

    python bench/bench_dashboard_open.py [GIB]
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_log_open import drop_cache, make_log


def finished_job(job_id: str, log: Path | None):
    from gaev_tui.boxbuild import jobs

    job = jobs.Job(job_id, "/nowhere/bench", "bench", "libvirt", status="ok", created=time.time() - 60,
                   finished=time.time(), message="built")
    job.dir.mkdir(parents=True)
    job.save()
    if log is None:
        job.log_path.write_text("".join(f"[up] line {i}\n" for i in range(10)))
    else:
        os.link(log, job.log_path)  # the same file: no 2 GiB copy
    return job


async def open_job(job_id: str, last_line: str) -> tuple[float, float]:
    """Seconds until the last line shows, then until one earlier page shows."""
    from textual.app import App

    from gaev_tui.boxbuild.disk import DiskFree
    from gaev_tui.boxbuild.preflight import Estimate
    from gaev_tui.boxbuild.sources import Sources
    from gaev_tui.boxbuild.vmstate import VmInfo
    from gaev_tui.screens.dashboard import DashboardScreen

    sources = Sources(estimate=lambda p: Estimate({}, {}), disks=lambda places: [DiskFree("project", Path("/"), 1, 1, 1)],
                      vm=lambda p, prov: VmInfo("not_created"), vagrant_status=lambda p: None)
    app = App()
    async with app.run_test(size=(120, 40)) as pilot:
        start = time.perf_counter()
        app.push_screen(DashboardScreen(job_id=job_id, sources=sources))
        await pilot.pause(0)
        pane = app.screen.log_pane
        while not pane.log_widget.lines or pane.log_widget.lines[-1] != last_line:
            await pilot.pause(0.001)
        opened = time.perf_counter() - start
        start = time.perf_counter()
        # pilot.press also waits for the app to go idle: time the page, not that wait.
        press = asyncio.create_task(pilot.press("left_square_bracket"))
        while pane.view is None or not pane.log_widget.lines:
            await asyncio.sleep(0.001)
        back = time.perf_counter() - start
        await press
        return opened, back


def main() -> None:
    gib = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
    with tempfile.TemporaryDirectory(prefix="gaev-bench-", dir="/tmp") as tmp:
        os.environ["GAEV_STATE_DIR"] = str(Path(tmp) / "state")
        big = Path(tmp) / "big.log"
        size = make_log(str(big), int(gib * (1 << 30)))
        finished_job("small", None)
        finished_job("big", big)
        small_open, _ = asyncio.run(open_job("small", "[up] line 9"))
        drop_cache(str(big))
        start = time.perf_counter()
        subprocess.run(["tail", "-n", "10000", str(big)], capture_output=True, check=True)
        tail_ref = time.perf_counter() - start
        drop_cache(str(big))
        big_open, big_back = asyncio.run(open_job("big", "[gaev] the very last line"))
    print(f"log: {size / (1 << 30):.2f} GiB, cold")
    print(f"dashboard, 10-line log (reference): open {small_open * 1000:.0f} ms")
    print(f"tail -n 10000 on the big log (reference): {tail_ref * 1000:.0f} ms")
    print(f"dashboard, big log: open to last line {big_open * 1000:.0f} ms "
          f"({big_open / small_open:.2f}x the small log; goal < 1 s: {'met' if big_open < 1 else 'NOT met'}); "
          f"one page back {big_back * 1000:.0f} ms")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
