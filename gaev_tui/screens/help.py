"""The help of one step, over it; any of Escape, F1 or q closes it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 90%; max-width: 100; height: 90%; border: round $accent; background: $panel; }
    HelpScreen .help-foot { color: $text-muted; padding: 0 1; }
    """
    BINDINGS = [Binding("escape,f1,q", "close", "Close help")]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text, self.text = title, text

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = f"Help · {self.title_text}"
            with VerticalScroll():
                yield Markdown(self.text or "No help for this step yet.")
            yield Static("Escape closes this help.", classes="help-foot")

    def action_close(self) -> None:
        self.dismiss(None)
