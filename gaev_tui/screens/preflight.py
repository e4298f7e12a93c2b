"""Starting a build from the TUI: pre-flight checks, a modal when they warn (build
anyway or stop), then a detached job the dashboard follows."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from gaev_tui.boxbuild import start
from gaev_tui.boxbuild.logstore import log_line
from gaev_tui.boxbuild.preflight import Check
from gaev_tui.widgets.confirm import ConfirmScreen

MARK = {"ok": ("✓ ", "green"), "warn": ("! ", "bold yellow"), "error": ("✗ ", "bold red")}


def check_text(check: Check) -> Text:
    """One check as a line, its hint under it."""
    mark, style = MARK.get(check.level, ("? ", ""))
    text = Text(mark, style=style)
    text.append(check.message)
    if check.hint and check.level != "ok":
        text.append(f"\n  {check.hint}", style="dim")
    return text


class PreflightScreen(ConfirmScreen):
    """Dismisses with True to build despite the warnings."""

    DEFAULT_CSS = """
    PreflightScreen > Vertical { width: 90; border: thick $warning; }
    PreflightScreen #checks { height: auto; max-height: 16; }
    """
    BINDINGS = [
        Binding("y", "answer(True)", "Build anyway"),
        Binding("n,escape", "answer(False)", "Stop"),
    ]
    yes_label = "Build anyway"
    no_label = "Stop"
    yes_variant = "warning"

    def __init__(self, checks: list[Check]) -> None:
        super().__init__()
        self.checks = checks

    def body(self) -> ComposeResult:
        yield Label("The pre-flight checks warned. Build anyway?")
        with VerticalScroll(id="checks"):
            for check in self.checks:
                yield Static(check_text(check))


# Starting a build from a screen: the core's start, with a modal and notifications ----
def start_build(screen, project_dir: Path) -> None:
    """Pre-flight checks (in a thread), then ask on warnings, then start a detached job
    that ``screen.follow_job(job_id, project)`` follows. Errors stop before anything starts."""
    screen.run_worker(partial(_check, screen, project_dir), name="pre-flight checks", group="start",
                      thread=True, exclusive=True, exit_on_error=False)


def _check(screen, project_dir: Path) -> None:
    checked = start.check(project_dir, screen.sources.preflight)  # bad input: the worker handler says why
    screen.app.call_from_thread(_checked, screen, checked)


def _checked(screen, checked: start.Checked) -> None:
    screen.log_pane.append([log_line(start.PREFLIGHT, line) for line in checked.lines])
    screen.measure_disks(checked.project)
    if checked.level == "error":
        screen.notify("Pre-flight checks failed (see the log); nothing was started.", title="Not started",
                      severity="error", timeout=15)
        return

    def answered(yes: bool | None) -> None:
        if yes:
            _launch(screen, checked)
        else:
            screen.notify("Not started.", title="Build")

    if checked.level == "warn":
        screen.app.push_screen(PreflightScreen([c for c in checked.checks if c.level != "ok"]), answered)
    else:
        _launch(screen, checked)


def _launch(screen, checked: start.Checked) -> None:
    def launch() -> None:
        job, _pid = start.start_detached(checked)
        screen.app.call_from_thread(screen.follow_job, job.id, checked.project)

    screen.run_worker(launch, name="starting the build", group="start", thread=True, exclusive=True,
                      exit_on_error=False)
