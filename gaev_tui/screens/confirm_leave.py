"""A modal asking before Escape on the first step leaves the wizard: going Home drops
every answer given so far (they are in no file yet)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Label

from gaev_tui.widgets.confirm import ConfirmScreen


class ConfirmLeaveScreen(ConfirmScreen):
    """Dismisses with True to leave; "Stay" has the focus and Escape answers it."""

    DEFAULT_CSS = """
    ConfirmLeaveScreen > Vertical { width: 64; border: thick $warning; }
    ConfirmLeaveScreen Label { width: 1fr; }
    """
    BINDINGS = [
        Binding("y", "answer(True)", "Leave"),
        Binding("n,escape", "answer(False)", "Stay"),
    ]
    yes_label = "Leave, drop them"
    no_label = "Stay"
    yes_variant = "warning"

    def body(self) -> ComposeResult:
        yield Label("Leave the wizard and go back Home?", id="question")
        yield Label("What you typed and chose is not saved anywhere yet: it is dropped. "
                    "(Write the project on the last step to keep it.)", id="consequence")
