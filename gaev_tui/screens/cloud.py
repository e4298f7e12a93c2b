"""Cloud: launch a project on an OpenStack cloud (pick the cloud and, optionally, the
flavour), follow the upload and the boot, then see the app's URL. The work is
``gaev_tui.cloud.start.launch_request``, the same as ``gaev cloud up``; Cancel stops the
launch and deletes what it created."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Input, Label, Log, ProgressBar, Static
from textual.worker import Worker, WorkerState

from gaev_tui.cloud.connect import cloud_names
from gaev_tui.cloud.start import Request, launch_request
from gaev_tui.errors import GaevError


class CloudScreen(Screen):
    DEFAULT_CSS = """
    CloudScreen > Vertical { padding: 0 1; }
    CloudScreen Input { margin-bottom: 0; }
    CloudScreen Horizontal { height: auto; }
    CloudScreen #cloud-steps { height: 10; border: round $panel; }
    CloudScreen #cloud-result { height: auto; }
    CloudScreen #cloud-error { color: $error; height: auto; }
    CloudScreen #cloud-upload { display: none; }
    CloudScreen #cloud-upload.uploading { display: block; }
    """
    BINDINGS = [Binding("escape", "back", "Back"), Binding("ctrl+l", "launch", "Launch", show=True)]

    def __init__(self, project: Path | None = None) -> None:
        super().__init__()
        self.project = project
        self.cancel = threading.Event()

    def compose(self) -> ComposeResult:
        try:
            names, default = cloud_names()
            known = ", ".join(names) if names else "none configured (clouds.yaml, OS_CLOUD or OS_* variables)"
        except GaevError as error:  # a broken clouds.yaml: say so, the launch will too
            default, known = None, str(error)
        with Vertical():
            yield Label("Launch a project on an OpenStack cloud (its gaev.yaml needs targets: [vagrant, openstack]).")
            yield Input(str(self.project or ""), placeholder="project directory with a built box, or a .box GAEV built", id="cloud-source")
            yield Input(default or "", placeholder=f"cloud: {known}", id="cloud-cloud")
            yield Input(placeholder="flavour (empty: the smallest that fits)", id="cloud-flavor")
            yield Input(placeholder="SSH public key (empty: ~/.ssh/id_ed25519.pub, ...)", id="cloud-key")
            yield Input(placeholder="public base URL (empty: from the metadata service)", id="cloud-base-url")
            with Horizontal():
                yield Checkbox("floating IP", id="cloud-floating-ip")
                yield Button("Launch", id="cloud-launch", variant="primary")
                yield Button("Cancel", id="cloud-cancel", disabled=True)
            yield Static(f"Clouds: {known}", id="cloud-known", markup=False)
            yield Log(id="cloud-steps", max_lines=500)
            # shown once an image upload starts (a reused image has none)
            yield ProgressBar(id="cloud-upload", show_eta=True)
            yield Static("", id="cloud-error", markup=False)
            yield Static("", id="cloud-result", markup=False)
        yield Footer(compact=True, show_command_palette=False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cloud-launch":
            self.action_launch()
        elif event.button.id == "cloud-cancel":
            self.cancel.set()
            self.query_one("#cloud-steps", Log).write_line("cancelling: deleting what was created...")

    def action_launch(self) -> None:
        value = {name: self.query_one(f"#cloud-{name}", Input).value.strip()
                 for name in ("source", "cloud", "flavor", "key", "base-url")}
        if not value["source"]:
            self.query_one("#cloud-error", Static).update("Give the project directory.")
            return
        request = Request(source=str(Path(value["source"]).expanduser()), cloud=value["cloud"] or None,
                          flavor=value["flavor"] or None, key=value["key"] or None, base_url=value["base-url"],
                          floating_ip=self.query_one("#cloud-floating-ip", Checkbox).value)
        self.cancel = threading.Event()
        self.query_one("#cloud-error", Static).update("")
        self.query_one("#cloud-result", Static).update("")
        self.query_one("#cloud-steps", Log).clear()
        self.query_one("#cloud-upload", ProgressBar).remove_class("uploading")
        self._show_running(True)
        self._launch(request, self.cancel)

    def _show_running(self, running: bool) -> None:
        self.query_one("#cloud-launch", Button).disabled = running
        self.query_one("#cloud-cancel", Button).disabled = not running

    @work(thread=True, exclusive=True, group="cloud", exit_on_error=False)
    def _launch(self, request: Request, cancel: threading.Event) -> None:
        # Steps come a few per second at most (upload, each server state): one UI call each.
        steps = self.query_one("#cloud-steps", Log)
        last = [0.0]

        def progress(sent: int, total: int) -> None:  # per read of the upload: a few UI updates a second
            now = time.monotonic()
            if now - last[0] >= 0.2 or sent == total:
                last[0] = now
                self.app.call_from_thread(self._uploading, sent, total)

        done = launch_request(request, lambda text: self.app.call_from_thread(steps.write_line, text), cancel,
                              progress)
        self.app.call_from_thread(self._launched, done)

    def _uploading(self, sent: int, total: int) -> None:
        bar = self.query_one("#cloud-upload", ProgressBar)
        bar.add_class("uploading")
        bar.update(total=total, progress=sent)

    def _launched(self, done) -> None:
        text = Text(f"{done.name}: {done.status} at {done.address or 'no IPv4 address'}\n", style="bold")
        text.append(f"URL:  {done.url or '(no app with a web port)'}\n")
        if done.address:
            text.append(f"SSH:  ssh gaev@{done.address}\n")
        self.query_one("#cloud-result", Static).update(text)
        self._show_running(False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            message = str(error) if isinstance(error, (GaevError, OSError)) else f"{type(error).__name__}: {error}"
            self.query_one("#cloud-error", Static).update(f"Not launched: {message}")
            self._show_running(False)

    def action_back(self) -> None:
        self.cancel.set()
        self.dismiss()
