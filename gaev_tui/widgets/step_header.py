"""The top of every step: where you are, and what this step decides, in plain words."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static


class StepHeader(Vertical):
    """"Step 2 of 7 · Base box" and one or two sentences of explanation."""

    DEFAULT_CSS = """
    StepHeader { height: auto; padding: 0 1; background: $boost; }
    StepHeader > .step-title { text-style: bold; color: $accent; }
    StepHeader > .step-explain { color: $text-muted; }
    """

    def __init__(self, number: int, total: int, title: str, explain: str) -> None:
        super().__init__()
        self.number, self.total, self.title_text, self.explain = number, total, title, explain

    def compose(self) -> ComposeResult:
        yield Static(f"Step {self.number} of {self.total} · {self.title_text}", classes="step-title", markup=False)
        yield Static(self.explain, classes="step-explain", markup=False)
