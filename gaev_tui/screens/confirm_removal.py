"""A modal that states exactly what will be deleted and how much space comes back."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from gaev_tui.boxcache.model import Box
from gaev_tui.boxcache.text import human_bytes
from gaev_tui.widgets.confirm import ConfirmScreen


class ConfirmRemovalScreen(ConfirmScreen):
    """Ask before removing ``boxes``; dismisses with True only on an explicit yes."""

    DEFAULT_CSS = """
    ConfirmRemovalScreen > Vertical { width: 80%; max-width: 90; }
    ConfirmRemovalScreen #what { height: auto; max-height: 12; }
    """
    BINDINGS = [
        Binding("y", "answer(True)", "Remove"),
        Binding("n,escape", "answer(False)", "Cancel"),
    ]
    yes_label = "Remove"
    no_label = "Cancel"

    def __init__(self, boxes: list[Box]) -> None:
        super().__init__()
        self.boxes = boxes

    def body(self) -> ComposeResult:
        total = sum(b.size_bytes for b in self.boxes)
        count = len(self.boxes)
        yield Label(f"Remove {count} box{'es' if count != 1 else ''} with 'vagrant box remove'?")
        with VerticalScroll(id="what"):
            for box in self.boxes:
                yield Static(f"• {box.label}  {human_bytes(box.size_bytes)}")
        yield Label(f"Space reclaimed: {human_bytes(total)}", id="reclaim")
