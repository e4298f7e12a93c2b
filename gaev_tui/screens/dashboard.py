"""The build dashboard: live log, stages, disk and VM of one build job.

Builds always run as detached jobs (``gaev_tui.boxbuild.runner`` in its own session) and
the dashboard follows their files, exactly like ``gaev attach``: leaving the screen
(detach) never stops a build, and the Builds screen re-opens it the same way.
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import Worker, WorkerState, get_current_worker

from gaev_tui import confine
from gaev_tui.boxbuild import jobs
from gaev_tui.boxbuild.follow import OVER, JobFollower, Update
from gaev_tui.boxbuild.jobs import Job
from gaev_tui.boxbuild.project import BuildProject
from gaev_tui.boxbuild.sources import Sources
from gaev_tui.screens.confirm_cancel import ConfirmCancelScreen
from gaev_tui.screens.preflight import start_build
from gaev_tui.screens.share import ShareScreen
from gaev_tui.widgets.dashboard.disk_pane import DiskPane
from gaev_tui.widgets.dashboard.job_title import JobTitle
from gaev_tui.widgets.dashboard.log_pane import BuildLog, LogPane
from gaev_tui.widgets.dashboard.stages_pane import StagesPane
from gaev_tui.widgets.dashboard.vm_pane import VmPane


class DashboardScreen(Screen):
    """Starts a build of ``project_dir``, or follows the job ``job_id``.

    ``sources`` replaces the clock, disk and VM queries (tests freeze them).
    """

    CSS_PATH = "dashboard.tcss"
    BINDINGS = [
        Binding("c", "cancel_build", "Cancel", tooltip="Cancel the build (asks first)"),
        Binding("d", "detach", "Detach", tooltip="Leave this screen; the build goes on (gaev attach)"),
        Binding("f", "toggle_follow", "Follow", tooltip="Follow the end of the log, or hold it still"),
        Binding("slash", "filter", "Filter", tooltip="Show only the log lines containing a text"),
        Binding("left_square_bracket", "earlier", "Earlier", tooltip="Read the previous page of the log"),
        Binding("o", "open_log", "Open log", tooltip="Open the whole log in a pager ($PAGER)"),
        Binding("s", "share", "Share", tooltip="Publish the built box to a box registry"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, project_dir: Path | None = None, job_id: str | None = None, *,
                 sources: Sources | None = None) -> None:
        super().__init__()
        self.project_dir = Path(project_dir).absolute() if project_dir is not None else None
        self.job_id = job_id
        self.sources = sources or Sources()
        self.project: BuildProject | None = None  # read by the start of the build (not when following)
        self.job: Job | None = None
        self.status = "starting"

    def compose(self) -> ComposeResult:
        yield JobTitle("Build", id="title")
        with Horizontal(id="top"):
            yield StagesPane(id="stages")
            with Vertical(id="side"):
                yield DiskPane("measuring…", id="disk")
                yield VmPane("no VM yet", id="vm")
        yield LogPane(id="log-pane")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        for pane, title in (("#stages", "Stages"), ("#disk", "Disk"), ("#vm", "VM"), ("#log-pane", "Log")):
            self.query_one(pane).border_title = title
        self.query_one(BuildLog).focus()
        if self.job_id is not None:
            self.follow_job(self.job_id)
        elif self.project_dir is not None:
            start_build(self, self.project_dir)
        self.set_interval(1.0, self._tick)

    @property
    def log_pane(self) -> LogPane:
        return self.query_one(LogPane)

    # Following the job ----------------------------------------------------------------
    def follow_job(self, job_id: str, project: BuildProject | None = None) -> None:
        """Show job ``job_id`` from its files (it exists, or its runner is starting);
        ``project``: the project it builds, when this screen started it."""
        self.job_id, self.project = job_id, project
        self._follow(job_id, self.log_pane)

    @work(thread=True, exclusive=True, group="follow", exit_on_error=False)
    def _follow(self, job_id: str, pane: LogPane) -> None:
        worker, call = get_current_worker(), self.app.call_from_thread
        JobFollower(job_id).run(pane.max_lines, lambda *opened: call(pane.load, *opened),
                                lambda update: call(self._arrived, update), lambda: worker.is_cancelled,
                                self.sources.poll_every)

    def _arrived(self, update: Update) -> None:
        if update.lines:
            self.log_pane.append(update.lines, update.end)
        if update.job is not None:
            self._job_changed(update.job, update.status)
        elif update.status == "missing" and self.status != "missing":
            self.status = "missing"
            self.query_one(DiskPane).update("no build to measure")
            self.refresh_bindings()
            self.notify(f"job {self.job_id} does not exist (see 'gaev jobs')", severity="error")

    def _job_changed(self, job: Job, status: str) -> None:
        first, was = self.job is None, self.status
        self.job, self.status = job, status
        if first and not self.query_one(DiskPane).watching:
            self.query_one(DiskPane).track_build(self.project or Path(job.project), self.sources, self._stages)
        if first:
            self.query_one(VmPane).track_build(Path(job.project), job.provider, self.sources,
                                               lambda: self.status in ("starting", "running"))
        self._tick()
        if status != was or first:
            self.refresh_bindings()  # Cancel only while it runs
        if status != was and status in OVER:
            self.query_one(VmPane).stop()
            self.query_one(DiskPane).refresh_now()
            severity = "information" if status == "ok" else "error"
            self.notify(job.message or f"build {status}", title=f"Build {status}", severity=severity, timeout=15)

    def measure_disks(self, project: BuildProject) -> None:
        """Measure the project's places from the pre-flight on: it may stop the build
        before any job exists (the pane stayed at "measuring…")."""
        if not self.query_one(DiskPane).watching:
            self.query_one(DiskPane).track_build(project, self.sources, self._stages)

    def _stages(self):
        return self.job.stage_objects() if self.job is not None else []

    def _tick(self) -> None:
        job, now = self.job, self.sources.clock()
        if job is None:
            return
        self.query_one(StagesPane).show(job.stage_objects(), now)
        self.query_one(JobTitle).show(job, self.status, now)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # One place turns a failed background job into a message, never a traceback.
        if event.state == WorkerState.ERROR:
            self.notify(str(event.worker.error), title=f"{event.worker.group} failed", severity="error", timeout=15)

    # Actions ----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "cancel_build":  # hidden from the footer unless a build runs here
            return self.job is not None and self.status in ("starting", "running")
        if action == "share":  # once there is a box to share (never in a browser session)
            return self.status == "ok" and confine.projects_root() is None
        return True

    def action_share(self) -> None:
        if self.job is not None and self.status == "ok":
            self.app.push_screen(ShareScreen(project=Path(self.job.project)))

    def action_cancel_build(self) -> None:
        """Ask, then cancel: the runner stops every tool's process tree, then destroys the VM."""
        job = self.job
        if job is None or self.status not in ("starting", "running"):
            self.notify("No build is running here.", severity="warning")
            return

        def answered(yes: bool | None) -> None:
            if yes and jobs.cancel_job(job):
                self.notify("Stopping the tools, then destroying the build VM…", title="Cancelling")

        self.app.push_screen(ConfirmCancelScreen(f"the build of {job.name}"), answered)

    def action_detach(self) -> None:
        """Leave; a running build goes on in the background."""
        if self.job is not None and self.status in ("starting", "running"):
            self.notify(f"The build goes on. Follow it: gaev attach {self.job.id}", title="Detached")
        self.dismiss()

    def action_back(self) -> None:
        if not self.log_pane.close_filter():
            self.action_detach()

    def action_toggle_follow(self) -> None:
        self.log_pane.set_following(not self.log_pane.following)

    def action_filter(self) -> None:
        self.log_pane.open_filter()

    def action_earlier(self) -> None:
        self.log_pane.earlier()

    def action_open_log(self) -> None:
        """Show where the log is (path copied); on a real terminal, open it in the pager."""
        self.log_pane.open_in_pager(self.job.log_path if self.job is not None else None)
