"""Ask for a spec file or a project directory and load it; refuse it right there."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from gaev_tui import confine
from gaev_tui.errors import InputError
from gaev_tui.screens.flow import state_from_path
from gaev_tui.wizard_state import WizardState


class OpenDialog(ModalScreen[WizardState | None]):
    DEFAULT_CSS = """
    OpenDialog { align: center middle; }
    OpenDialog > Vertical { width: 76; height: auto; border: round $accent; background: $panel; padding: 0 1; }
    OpenDialog #open-error { color: $error; height: auto; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Open a gaev.yaml or a project directory"
            yield Static("Type its path and press Enter (Escape cancels).", classes="muted")
            yield Input(placeholder="e.g. ./jupyterhub-vm or ~/specs/gaev.yaml", id="open-path")
            yield Static("", id="open-error", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        try:
            root = confine.projects_root()
            path = confine.inside(root, text) if root is not None else Path(text).expanduser()
            state = state_from_path(path, self.app.catalog)
        except InputError as error:
            self.query_one("#open-error", Static).update(str(error))
            return
        self.dismiss(state)

    def action_cancel(self) -> None:
        self.dismiss(None)
