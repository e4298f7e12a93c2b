"""A modal that states exactly what will be deleted and how much space comes back."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from gaev_tui.boxcache.model import Box
from gaev_tui.boxcache.text import human_bytes


class ConfirmRemovalScreen(ModalScreen[bool]):
    """Ask before removing ``boxes``; dismisses with True only on an explicit yes."""

    DEFAULT_CSS = """
    ConfirmRemovalScreen { align: center middle; }
    ConfirmRemovalScreen > Vertical {
        width: 80%; max-width: 90; height: auto; max-height: 90%;
        border: thick $error; background: $surface; padding: 1 2;
    }
    ConfirmRemovalScreen #what { height: auto; max-height: 12; }
    ConfirmRemovalScreen Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    ConfirmRemovalScreen Button { margin-left: 2; }
    """
    BINDINGS = [
        Binding("y", "answer(True)", "Remove"),
        Binding("n,escape", "answer(False)", "Cancel"),
    ]

    def __init__(self, boxes: list[Box]) -> None:
        super().__init__()
        self.boxes = boxes

    def compose(self) -> ComposeResult:
        total = sum(b.size_bytes for b in self.boxes)
        count = len(self.boxes)
        with Vertical():
            yield Label(f"Remove {count} box{'es' if count != 1 else ''} with 'vagrant box remove'?")
            with VerticalScroll(id="what"):
                for box in self.boxes:
                    yield Static(f"• {box.label}  {human_bytes(box.size_bytes)}")
            yield Label(f"Space reclaimed: {human_bytes(total)}", id="reclaim")
            with Horizontal():
                yield Button("Cancel (n)", id="no")
                yield Button("Remove (y)", id="yes", variant="error")

    def on_mount(self) -> None:
        # Focus "Cancel": a stray Enter must not delete anything.
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
