"""One package category: the catalogue's packages to tick (filterable), free-form extra
packages (pins allowed), and the reason when a name is refused."""

from __future__ import annotations

import re
from collections import Counter

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, SelectionList, Static
from textual.widgets.selection_list import Selection

from gaev_tui.names import PACKAGE_CHECKS
from gaev_tui.widgets.ticks import TickList
from gaev_tui.wizard_facts import PIN_EXAMPLES, Offered


def _first_line(message: str) -> str:
    # packaging's PEP 508 errors add a caret drawing on more lines: the first says it.
    return message.splitlines()[0]


class PackagePicker(Vertical):
    """Edits one category's list in place, keeping the order it had (a reopened spec
    comes back with its packages in the same order)."""

    DEFAULT_CSS = """
    PackagePicker { height: 1fr; }
    PackagePicker SelectionList { height: 1fr; min-height: 3; }
    PackagePicker .picker-line { height: 1; }
    PackagePicker .picker-note { color: $text-muted; height: auto; }
    PackagePicker .picker-error { color: $error; height: auto; }
    """

    class Changed(Message):
        """The category's list changed."""

        def __init__(self, picker: PackagePicker) -> None:
            super().__init__()
            self.picker = picker

    def __init__(self, category: str, offered: list[Offered], chosen: list[str], **kwargs) -> None:
        super().__init__(**kwargs)
        self.category, self.offered = category, offered
        self.order = list(chosen)
        names = {o.name for o in offered}
        self.ticked = {item for item in chosen if item in names}
        self.start_extras = " ".join(item for item in chosen if item not in names)

    def compose(self) -> ComposeResult:
        with Horizontal(classes="picker-line"):
            yield Label("Filter ")
            yield Input(placeholder="type part of a name", compact=True, classes="picker-filter")
        yield TickList(*self.selections(""), compact=True)
        with Horizontal(classes="picker-line"):
            yield Label("Extra  ")
            yield Input(self.start_extras, compact=True, classes="picker-extras",
                        placeholder=f"other packages, space-separated; pin: {PIN_EXAMPLES[self.category]}")
        yield Static("", classes="picker-error", markup=False)

    def selections(self, text: str) -> list[Selection]:
        return [Selection(f"{o.name}  [dim]{o.sets}[/]", o.name, o.name in self.ticked)
                for o in self.offered if text.lower() in o.name.lower() or text.lower() in o.sets.lower()]

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.input.has_class("picker-filter"):
            listing = self.query_one(SelectionList)
            listing.clear_options()
            listing.add_options(self.selections(event.value.strip()))
            if listing.option_count:
                listing.highlighted = 0  # Tab then Space ticks the first match
        else:
            self.check_extras()
            self.changed()

    def on_selection_list_selection_toggled(self, event: SelectionList.SelectionToggled) -> None:
        event.stop()
        value = event.selection.value
        self.ticked.symmetric_difference_update({value})
        self.changed()

    def extras(self) -> list[str]:
        return [item for item in re.split(r"[\s,]+", self.query_one(".picker-extras", Input).value) if item]

    def check_extras(self) -> None:
        check = PACKAGE_CHECKS[self.category]
        bad = next(((item, reason) for item in self.extras() if (reason := check(item))), None)
        self.query_one(".picker-error", Static).update(_first_line(f"'{bad[0]}' {bad[1]}") if bad else "")

    def value(self) -> list[str]:
        """The category's packages: the previous order kept, new ones at the end."""
        wanted = [o.name for o in self.offered if o.name in self.ticked] + self.extras()
        remaining = Counter(wanted)
        result = []
        for item in self.order:
            if remaining[item] > 0:
                result.append(item)
                remaining[item] -= 1
        for item in wanted:
            if remaining[item] > 0:
                result.append(item)
                remaining[item] -= 1
        self.order = result
        return result

    def changed(self) -> None:
        self.value()
        self.post_message(self.Changed(self))

    def show_error(self, field: str, message: str) -> None:
        self.query_one(".picker-error", Static).update(_first_line(message))
        self.query_one(".picker-extras", Input).focus()
