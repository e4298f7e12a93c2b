"""A modal asking before a running build is cancelled (its VM is destroyed after)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Label

from gaev_tui.widgets.confirm import ConfirmScreen


class ConfirmCancelScreen(ConfirmScreen):
    """Dismisses with True only on an explicit yes: a stray Enter must not stop a build."""

    DEFAULT_CSS = """
    ConfirmCancelScreen > Vertical { width: 70; }
    ConfirmCancelScreen Label { width: 1fr; }
    """
    BINDINGS = [
        Binding("y", "answer(True)", "Cancel the build"),
        Binding("n,escape", "answer(False)", "Keep building"),
    ]
    yes_label = "Cancel build"
    no_label = "Keep building"

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def body(self) -> ComposeResult:
        yield Label(f"Cancel {self.what}?", id="question")
        yield Label("Every tool it started is stopped, then the build VM is destroyed. "
                    "No box is registered.", id="consequence")
