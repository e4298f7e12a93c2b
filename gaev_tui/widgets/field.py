"""A labelled input that says right under it why what was typed is refused."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

Check = Callable[[str], "str | None"]  # None when valid, else the reason


class Field(Vertical):
    """Label + input on one line, then the error (or a hint) on the next.

    ``check`` runs on every keystroke for the field's own grammar (host names, package
    names); errors from the spec parser arrive through :meth:`show_error`.
    """

    DEFAULT_CSS = """
    Field { height: auto; }
    Field > Horizontal { height: 1; }
    Field .field-label { width: 22; color: $text; }
    Field Input { width: 1fr; }
    Field .field-note { height: auto; padding-left: 22; color: $text-muted; }
    Field .field-note.-error { color: $error; }
    Field .field-note.-empty { display: none; }
    """

    def __init__(self, label: str, value: str = "", *, id: str, placeholder: str = "",
                 check: Check | None = None, hint: str = "", allow_blank: bool = True) -> None:
        super().__init__(id=id)
        self.label, self.start_value, self.placeholder = label, value, placeholder
        self.check, self.hint, self.allow_blank = check, hint, allow_blank

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(self.label, classes="field-label")
            yield Input(self.start_value, placeholder=self.placeholder, compact=True, id=f"{self.id}-input")
        yield Static(self.hint, classes="field-note" + ("" if self.hint else " -empty"), markup=False)

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def value(self) -> str:
        return self.input.value

    @value.setter
    def value(self, text: str) -> None:
        self.input.value = text

    def show_error(self, message: str) -> None:
        self._note(message, error=True)

    def show_hint(self, text: str) -> None:
        self.hint = text
        self._note(text, error=False)

    def _note(self, text: str, error: bool) -> None:
        note = self.query_one(".field-note", Static)
        note.update(text)
        note.set_class(error, "-error")
        note.set_class(not text, "-empty")

    def on_input_changed(self, event: Input.Changed) -> None:
        text = event.value.strip()
        reason = self.check(text) if self.check and text else None
        if reason:
            self.show_error(f"'{text}' {reason}")
        else:
            self._note(self.hint, error=False)
