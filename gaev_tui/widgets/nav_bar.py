"""Back / Next buttons at the foot of each step (the keys are in the footer too)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Static


class NavBar(Horizontal):
    DEFAULT_CSS = """
    NavBar { height: 1; padding: 0 1; }
    NavBar Button { min-width: 12; margin-left: 1; }
    NavBar .nav-gap { width: 1fr; }
    """

    def __init__(self, next_label: str = "Next →") -> None:
        super().__init__()
        self.next_label = next_label

    def compose(self) -> ComposeResult:
        yield Button("← Back", id="nav-back", compact=True)
        yield Static(classes="nav-gap")
        yield Button(self.next_label, id="nav-next", variant="primary", compact=True)
