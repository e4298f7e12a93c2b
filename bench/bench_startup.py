"""Time until ``gaev`` (the wizard's Home screen) is interactive, against a bare Textual
app started the same way, in fresh interpreters (cold imports count: that is what a
user waits for).

Each run is a new ``python`` process, headless at 80x24: the clock starts just before
the process is spawned and stops when Textual declares the app ready (its first screen
is mounted and drawn, and keys are processed from then on: Textual starts the
auto-pilot at that moment). The time until Pilot's next idle is printed too. ``gaev`` is started
through its real entry point (``gaev_tui.cli.main.main([])`` -> ``run_wizard`` ->
``make_app``), on the real catalogue and with the real tool probe (it runs in a worker
thread and must not delay the first screen). Goal: < 0.6 s.

    python bench/bench_startup.py [RUNS]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time

# Both children print the wall-clock time at which their first screen is idle, then exit.
_READY = """
import time
async def ready(pilot):
    ready = time.time()
    await pilot.pause()
    print("READY", ready, time.time(), type(pilot.app.screen).__name__, flush=True)
    pilot.app.exit()
"""

GAEV = _READY + """
from gaev_tui.app import GaevApp
run = GaevApp.run
GaevApp.run = lambda self, **kw: run(self, headless=True, size=(80, 24), auto_pilot=ready)
from gaev_tui.cli.main import main
main([])
"""

BARE = _READY + """
from textual.app import App
from textual.widgets import Footer, Header, OptionList
class Bare(App):
    def compose(self):
        yield Header()
        yield OptionList("New", "Open", "Quit")
        yield Footer()
Bare().run(headless=True, size=(80, 24), auto_pilot=ready)
"""


def once(code: str, cwd: str) -> tuple[float, float, str]:
    """(seconds to ready, seconds to the next idle, the first screen's class)."""
    start = time.time()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, timeout=120)
    line = next((line for line in out.stdout.splitlines() if line.startswith("READY")), None)
    if line is None:
        raise SystemExit(f"the app did not start:\n{out.stdout}\n{out.stderr}")
    _, ready, idle, screen = line.split()
    return float(ready) - start, float(idle) - start, screen


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    with tempfile.TemporaryDirectory() as cwd:
        once(GAEV, cwd)  # warm the OS file cache (and .pyc files) for both
        once(BARE, cwd)
        gaev, bare, gaev_idle, bare_idle = [], [], [], []
        for _ in range(runs):  # interleaved, so machine load hits both alike
            ready, idle, screen = once(GAEV, cwd)
            assert screen == "HomeScreen", screen
            gaev.append(ready)
            gaev_idle.append(idle)
            ready, idle, _ = once(BARE, cwd)
            bare.append(ready)
            bare_idle.append(idle)
    g, b = statistics.median(gaev), statistics.median(bare)
    print(f"gaev wizard, Home ready:    median {g:.3f} s (min {min(gaev):.3f}), "
          f"next idle {statistics.median(gaev_idle):.3f} s; {runs} runs")
    print(f"bare Textual app, same way: median {b:.3f} s (min {min(bare):.3f}), "
          f"next idle {statistics.median(bare_idle):.3f} s")
    print(f"ratio gaev / bare: {g / b:.2f}; goal: gaev < 0.6 s -> {'met' if g < 0.6 else 'NOT met'}")


if __name__ == "__main__":
    main()
