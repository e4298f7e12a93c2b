"""Share: publish a built box to a box registry, with live progress, then show where it
is (URL), what identifies it (sha256) and how to cite it. Opened from Home, and from the
dashboard once a build has finished (with that project filled in)."""

from __future__ import annotations

import time
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, ProgressBar, Static
from textual.worker import Worker, WorkerState

from gaev_tui.errors import GaevError
from gaev_tui.registry.share import share


class ShareScreen(Screen):
    DEFAULT_CSS = """
    ShareScreen > Vertical { padding: 0 1; }
    ShareScreen Input { margin-bottom: 1; }
    ShareScreen #share-result { height: auto; margin-top: 1; }
    ShareScreen #share-error { color: $error; height: auto; }
    """
    BINDINGS = [Binding("escape", "back", "Back"), Binding("ctrl+s", "publish", "Publish", show=True)]

    def __init__(self, project: Path | None = None, registry: str = "") -> None:
        super().__init__()
        self.project, self.registry = project, registry

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Share a built box: publish it to a box registry (a directory or s3://BUCKET/PREFIX).")
            yield Input(str(self.project or ""), placeholder="project directory with a built box, or a .box file",
                        id="share-source")
            yield Input(self.registry, placeholder="registry: a directory, or s3://BUCKET/PREFIX", id="share-registry")
            yield Input(placeholder="name ORG/BOX (optional: the registry's ORG / the project's name)", id="share-name")
            yield Input(placeholder="version X.Y.Z (optional: the next patch version)", id="share-version")
            yield Button("Publish", id="share-publish", variant="primary")
            yield ProgressBar(id="share-progress", show_eta=True)
            yield Static("", id="share-step", markup=False)
            yield Static("", id="share-error", markup=False)
            yield Static("", id="share-result", markup=False)
        yield Footer(compact=True, show_command_palette=False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "share-publish":
            self.action_publish()

    def action_publish(self) -> None:
        values = {name: self.query_one(f"#share-{name}", Input).value.strip()
                  for name in ("source", "registry", "name", "version")}
        if not values["source"] or not values["registry"]:
            self.query_one("#share-error", Static).update("Give the project (or .box file) and the registry.")
            return
        self.query_one("#share-error", Static).update("")
        self.query_one("#share-result", Static).update("")
        self.query_one("#share-publish", Button).disabled = True
        self._publish(values)

    @work(thread=True, exclusive=True, group="share", exit_on_error=False)
    def _publish(self, values: dict[str, str]) -> None:
        bar = self.query_one("#share-progress", ProgressBar)
        last = [0.0]

        def progress(done: int) -> None:  # called per chunk: hand the UI a few updates a second
            now = time.monotonic()
            if now - last[0] >= 0.2:
                last[0] = now
                self.app.call_from_thread(bar.update, progress=done)

        def step(text: str) -> None:
            self.app.call_from_thread(self.query_one("#share-step", Static).update, text)

        done = share(Path(values["source"]).expanduser(), values["registry"], name=values["name"] or None,
                     version=values["version"] or None, progress=progress, on_step=step,
                     on_size=lambda total: self.app.call_from_thread(bar.update, total=total, progress=0))
        self.app.call_from_thread(self._published, done)

    def _published(self, done) -> None:
        bar = self.query_one("#share-progress", ProgressBar)
        bar.update(progress=bar.total or 1)
        self.query_one("#share-step", Static).update("")
        head = "Already published, identical: " if done.already else "Published "
        text = Text(f"{head}{done.name} {done.version} ({done.provider}, {done.architecture})\n", style="bold")
        text.append(f"Use it:      vagrant box add {done.metadata_url}\n")
        text.append(f"Identifier:  {done.identifier}\nBox:         {done.box_url}\n")
        if done.citation:
            text.append(f"Cite it:     {done.citation.strip()}\n")
        self.query_one("#share-result", Static).update(text)
        self.query_one("#share-publish", Button).disabled = False

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            message = str(error) if isinstance(error, (GaevError, OSError)) else f"{type(error).__name__}: {error}"
            self.query_one("#share-error", Static).update(f"Not published: {message}")
            self.query_one("#share-step", Static).update("")
            self.query_one("#share-publish", Button).disabled = False

    def action_back(self) -> None:
        self.dismiss()
