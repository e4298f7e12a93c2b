"""What every wizard step shares: header, body, Back/Next, help, and showing the spec
parser's verdict right under the input it is about."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Input

from gaev_tui.errors import InputError
from gaev_tui.screens import flow
from gaev_tui.screens.help import HelpScreen
from gaev_tui.widgets.field import Field
from gaev_tui.widgets.nav_bar import NavBar
from gaev_tui.widgets.step_header import StepHeader
from gaev_tui.wizard_state import STEPS, step_of


class StepScreen(Screen):
    """A step: subclasses give the texts, ``compose_body``, ``load`` and ``save``."""

    TITLE = ""
    EXPLAIN = ""  # one or two plain sentences under the title
    HELP = ""  # markdown shown by F1
    STEP = ""  # the key in wizard_state.STEP_FIELDS this screen edits ("" for none)
    # Field prefix of a spec error -> id of the widget that shows it (longest prefix wins).
    ERROR_TARGETS: dict[str, str] = {}
    NEXT_LABEL = "Next →"

    BINDINGS = [
        Binding("ctrl+n", "next", "Next"),
        Binding("escape", "back", "Back"),
        Binding("f1", "help", "Help"),
    ]

    def __init__(self, step_index: int) -> None:
        super().__init__()
        self.step_index = step_index

    @property
    def state(self):
        return self.app.state

    @property
    def catalog(self):
        return self.app.catalog

    def compose(self) -> ComposeResult:
        yield StepHeader(self.step_index + 1, flow.count(), self.TITLE, self.EXPLAIN)
        with VerticalScroll(id="step-body"):
            yield from self.compose_body()
        yield NavBar(self.NEXT_LABEL)
        yield Footer()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def save(self) -> None:
        """Copy what the widgets show into the app's answers (never validates)."""

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "nav-back":
            self.action_back()
        elif event.button.id == "nav-next":
            self.action_next()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        # Enter moves on to the next input, as in a paper form; ctrl+n moves on a step.
        self.focus_next()

    def action_back(self) -> None:
        self.save()
        self.dismiss_step()

    def dismiss_step(self) -> None:
        self.app.pop_screen()

    def action_next(self) -> None:
        self.save()
        if self.validate():
            self.leave()

    def leave(self) -> None:
        self.app.next_step(self)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.TITLE, self.HELP))

    def validate(self) -> bool:
        """Check the answers up to this step; show every problem of this step at once,
        each under the input it is about (or the first one of an earlier step)."""
        for field in self.query(Field):
            field.show_hint(field.hint)
        if not self.STEP:
            return True
        errors = self.state.errors(self.catalog, upto=self.check_upto())
        mine = [e for e in errors if step_of(e) == self.STEP]
        earlier = [e for e in errors if STEPS.index(step_of(e)) < STEPS.index(self.STEP)]
        # Later steps' problems are theirs to show (with a proposed value).
        if earlier:
            self.show_problem(earlier[0], here=False)
        # Last to first: where several share a place, the first one is what stays shown.
        for error in reversed(mine):
            self.show_problem(error, here=True)
        refused = [f for f in self.query(Field) if f.query_one(".field-note").has_class("-error")]
        if refused:  # the focus on the topmost refused input (the spec's order is not the screen's)
            refused[0].input.focus()
        return not (mine or earlier)

    def check_upto(self) -> str:
        """The last step whose answers :meth:`validate` checks."""
        return self.STEP

    def show_problem(self, error: InputError, here: bool = True) -> None:
        field = error.location.field or ""
        targets = [p for p in self.ERROR_TARGETS if field == p or field.startswith((p + ".", p + "["))]
        if here and targets:
            widget = self.query_one(f"#{self.ERROR_TARGETS[max(targets, key=len)]}")
            if isinstance(widget, Field):
                widget.show_error(error.message)
                widget.input.focus()
                return
            if hasattr(widget, "show_error"):
                widget.show_error(field, error.message)
                return
        where = "" if here else " (go Back to change it)"
        self.notify(f"{field}: {error.message}{where}", title="Not yet", severity="error", timeout=8, markup=False)
