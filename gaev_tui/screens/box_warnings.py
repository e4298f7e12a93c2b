"""The warnings met while scanning the box cache (stray files, half-written boxes,
machines whose box cannot be told), readable inside the app."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static


class BoxWarningsScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    BoxWarningsScreen { align: center middle; }
    BoxWarningsScreen > Vertical {
        width: 100; max-width: 95%; height: auto; max-height: 90%;
        border: thick $warning; background: $surface; padding: 0 1;
    }
    BoxWarningsScreen VerticalScroll { height: auto; max-height: 18; }
    BoxWarningsScreen .warning { margin-bottom: 1; }
    """
    BINDINGS = [Binding("escape,q,w", "close", "Close")]

    def __init__(self, warnings: list[str]) -> None:
        super().__init__()
        self.warnings = warnings

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = f"Box cache: {len(self.warnings)} warnings"
            with VerticalScroll():
                for text in self.warnings:
                    yield Static(f"! {text}", classes="warning", markup=False)
            yield Label("Nothing was changed because of them. Escape closes.", classes="muted")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
