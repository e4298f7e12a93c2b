"""Checkboxes, radio buttons and tick lists whose state reads as text: ``[x]``/``[ ]`` and
``(•)``/``( )``.

Textual's toggles draw ``▐X▌`` for both states and tell them apart by colour alone
(under NO_COLOR by an inverted X), which a user on a monochrome terminal, a screen
reader or a screenshot cannot read. The mark is the only thing changed: keys, messages
and styles stay Textual's.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.content import Content
from textual.strip import Strip
from textual.widgets import Checkbox, OptionList, RadioButton, RadioSet, SelectionList
from textual.widgets.option_list import OptionDoesNotExist

# Said next to every list where moving is choosing (step 1's lists, the base box).
CHOOSE_HINT = "↑↓ moves the choice"


# The mark in the label's colours (Textual's draws a block in the panel's): readable as text.
_MARK_CSS = """
    & > .toggle--button { color: $text-muted; background: transparent; }
    &.-on > .toggle--button { color: $text-success; background: transparent; text-style: bold; }
"""


class _TextMark:
    """Mixin for a ToggleButton: the button is ``ON``/``OFF`` in the button's style."""

    ON = OFF = ""

    @property
    def _button(self) -> Content:
        return Content.styled(self.ON if self.value else self.OFF, self.get_visual_style("toggle--button"))


class TickBox(_TextMark, Checkbox):
    """A checkbox showing ``[x]`` when ticked, ``[ ]`` when not."""

    DEFAULT_CSS = "TickBox {" + _MARK_CSS + "}"

    ON, OFF = "[x]", "[ ]"


class ChoiceButton(_TextMark, RadioButton):
    """A radio button showing ``(•)`` for the choice, ``( )`` for the others."""

    DEFAULT_CSS = "ChoiceButton {" + _MARK_CSS + "}"

    ON, OFF = "(•)", "( )"


class ChoiceSet(RadioSet):
    """A RadioSet where the highlighted line is the choice, as in every list of the
    wizard: arrow keys move the choice itself (Textual's moves only a cursor, and a
    user who never presses Enter keeps the old choice without knowing)."""

    def on_mount(self) -> None:
        # RadioSet's own mount handler (it runs after this one) puts the cursor on the
        # first line: once it has, put it on the choice.
        self.call_later(self._cursor_on_choice)

    def _cursor_on_choice(self) -> None:
        if self.pressed_button is not None:
            self._selected = self.pressed_index

    BINDINGS = [
        Binding("down,right", "choose(1)", "Next option", show=False),
        Binding("up,left", "choose(-1)", "Previous option", show=False),
    ]

    async def insert_choices(self, buttons: list[RadioButton], before: int) -> None:
        """Add lines (a list that arrived later) before line ``before``; the cursor stays
        on the choice."""
        if buttons:
            await self.mount(*buttons, before=before)
            self._cursor_on_choice()

    def action_choose(self, step: int) -> None:
        """Move to the next (1) or previous (-1) enabled line, and choose it."""
        (self.action_next_button if step > 0 else self.action_previous_button)()
        if self._selected is not None and not self._nodes[self._selected].value:
            self._nodes[self._selected].value = True


class TickList(SelectionList):
    """A SelectionList whose lines start with ``[x]`` or ``[ ]``."""

    MARK_WIDTH = 4  # "[x] "

    def _get_left_gutter_width(self) -> int:
        return self.MARK_WIDTH

    def render_line(self, y: int) -> Strip:
        line = OptionList.render_line(self, y)
        index = self.scroll_offset.y + y
        try:
            selection = self.get_option_at_index(index)
        except OptionDoesNotExist:
            return line
        ticked = selection.value in self._selected
        # The line's own style (highlight, hover), plus the option index a click needs.
        style = (next(iter(line)).style or self.rich_style) + Style(meta={"option": index})
        return Strip([Segment("[x] " if ticked else "[ ] ", style=style), *line])
