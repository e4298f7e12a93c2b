"""A modal asking before a running build is cancelled (its VM is destroyed after)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label


class ConfirmCancelScreen(ModalScreen[bool]):
    """Dismisses with True only on an explicit yes."""

    DEFAULT_CSS = """
    ConfirmCancelScreen { align: center middle; }
    ConfirmCancelScreen > Vertical {
        width: 70; max-width: 95%; height: auto; border: thick $error; background: $surface; padding: 1 2;
    }
    ConfirmCancelScreen Label { width: 1fr; }
    ConfirmCancelScreen Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    ConfirmCancelScreen Button { margin-left: 2; }
    """
    BINDINGS = [
        Binding("y", "answer(True)", "Cancel the build"),
        Binding("n,escape", "answer(False)", "Keep building"),
    ]

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Cancel {self.what}?", id="question")
            yield Label("Every tool it started is stopped, then the build VM is destroyed. "
                        "No box is registered.", id="consequence")
            with Horizontal():
                yield Button("Keep building (n)", id="no")
                yield Button("Cancel build (y)", id="yes", variant="error")

    def on_mount(self) -> None:
        # A stray Enter must not stop a 40-minute build.
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
