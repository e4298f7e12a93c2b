"""A yes/no modal for actions that destroy or cost something (removing boxes, cancelling
a build, building despite warnings). The safe answer has the focus, so a stray Enter
never confirms; ``y`` and ``n``/Escape answer from the keyboard."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button


class ConfirmScreen(ModalScreen[bool]):
    """Subclasses give ``body()`` and the labels; dismisses with True only on a yes."""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 80; max-width: 95%; height: auto; max-height: 90%;
        border: thick $error; background: $surface; padding: 1 2;
    }
    ConfirmScreen .-answers { height: auto; align-horizontal: right; margin-top: 1; }
    ConfirmScreen .-answers Button { margin-left: 2; }
    """
    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]
    yes_label = "Yes"
    no_label = "No"
    yes_variant = "error"

    def body(self) -> ComposeResult:
        """The question and what it means; override."""
        yield from ()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield from self.body()
            with Horizontal(classes="-answers"):
                yield Button(f"{self.no_label} (n)", id="no")
                yield Button(f"{self.yes_label} (y)", id="yes", variant=self.yes_variant)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
