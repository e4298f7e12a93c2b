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

from gaev_tui.boxbuild import jobs
from gaev_tui.boxbuild.logstore import LogWriter
from gaev_tui.boxbuild.preflight import Check, worst
from gaev_tui.boxbuild.project import BuildProject, load_project
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


# Starting a build from a screen ------------------------------------------------------
def start_build(screen, project_dir: Path) -> None:
    """Pre-flight checks (in a thread), then ask on warnings, then start a detached job
    that ``screen.follow_job(job_id)`` follows. Errors stop before anything starts."""
    screen.run_worker(partial(_check, screen, project_dir), name="pre-flight checks", group="start",
                      thread=True, exclusive=True, exit_on_error=False)


def _check(screen, project_dir: Path) -> None:
    project = load_project(project_dir)  # bad input: the screen's worker handler says why
    checks = screen.sources.preflight(project)
    screen.app.call_from_thread(_checked, screen, project, checks)


def _checked(screen, project: BuildProject, checks: list[Check]) -> None:
    # The hint on its own line: the log does not wrap, and at 80 columns it was cut.
    lines = [line for c in checks
             for line in [f"{c.level}: {c.message}"] + ([f"  hint: {c.hint}"] if c.hint and c.level != "ok" else [])]
    screen.log_pane.append([f"[preflight] {line}" for line in lines])
    level = worst(checks)
    if level == "error":
        screen.notify("Pre-flight checks failed (see the log); nothing was started.", title="Not started",
                      severity="error", timeout=15)
        return

    def answered(yes: bool | None) -> None:
        if yes:
            _launch(screen, project, lines)
        else:
            screen.notify("Not started.", title="Build")

    if level == "warn":
        screen.app.push_screen(PreflightScreen([c for c in checks if c.level != "ok"]), answered)
    else:
        _launch(screen, project, lines)


def _launch(screen, project: BuildProject, preflight_lines: list[str]) -> None:
    def launch() -> None:
        job = jobs.new_job(project.dir, project.name, project.provider, detached=True, keep_vm=False)
        log = LogWriter(job.log_path)  # the job's log starts with what the checks found
        log.write("preflight", preflight_lines)
        log.close()
        jobs.spawn_runner(job)
        screen.app.call_from_thread(screen.follow_job, job.id)

    screen.run_worker(launch, name="starting the build", group="start", thread=True, exclusive=True,
                      exit_on_error=False)
