"""Step 3: the software inside the VM, by category (system, Python, R, Bioconductor)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static, TabbedContent, TabPane

from gaev_tui.screens.step import StepScreen
from gaev_tui.widgets.package_picker import PackagePicker
from gaev_tui.wizard_facts import CATEGORY_LABELS, categories_for, offered_packages
from gaev_tui.wizard_state import CATEGORIES


class PackagesScreen(StepScreen):
    CSS_PATH = "packages.tcss"
    TITLE = "Packages"
    EXPLAIN = ("Tick the packages you need in each tab, or type others in the extra line. "
               "Leave everything empty for a bare system.")
    HELP = """\
Each tab is one kind of package; ctrl+pageup/pagedown or a click switches tabs.

* **System**: Debian/Ubuntu (apt) packages, like `git` or `libxml2-dev`. Pin with `name=VERSION`.
* **Python**: packages from PyPI, like `pandas` or `pandas==2.2.2` (any PEP 508 requirement, no URLs).
* **R (CRAN)**: R packages, like `ggplot2`; pin with `ggplot2@3.5.1`.
* **Bioconductor**: like `DESeq2`; R is installed for you.

In a list: arrow keys move, space ticks. The filter line narrows the list. The extra line takes
any other names, separated by spaces; a name that cannot be right is refused under it, with why.
"""
    STEP = "packages"
    ERROR_TARGETS = {f"packages.{c}": f"pick-{c}" for c in CATEGORIES}
    # Priority: the one-line inputs would otherwise take these keys for scrolling.
    BINDINGS = [Binding("ctrl+pagedown", "tab(1)", "Next tab", priority=True),
                Binding("ctrl+pageup", "tab(-1)", "Previous tab", priority=True)]

    def compose_body(self) -> ComposeResult:
        allowed = categories_for(self.catalog, self.state.os)
        shown = [c for c in CATEGORIES if c in allowed or self.state.packages.get(c)]
        if not shown:
            os_entry = self.catalog.oses.get(self.state.os)
            yield Static(f"GAEV cannot install packages on {os_entry.label if os_entry else 'this OS'} yet; go on.")
        else:
            with TabbedContent(id="package-tabs"):
                for category in shown:
                    label = CATEGORY_LABELS[category] + ("" if category in allowed else " (not on this OS)")
                    with TabPane(label, id=f"tab-{category}"):
                        yield PackagePicker(category, offered_packages(self.catalog, category),
                                            self.state.packages.get(category, []), id=f"pick-{category}")
        yield Static("", id="package-summary", markup=False)

    def on_mount(self) -> None:
        self.update_summary()
        if filters := self.query(".picker-filter"):
            filters.first().focus()

    def action_tab(self, step: int) -> None:
        """Show the next (or previous) category, its filter line ready for typing."""
        tabs = self.query(TabbedContent)
        if not tabs:
            return
        panes = [pane.id for pane in self.query(TabPane)]
        current = panes.index(tabs.first().active) if tabs.first().active in panes else 0
        tabs.first().active = panes[(current + step) % len(panes)]
        self.query_one(f"#{panes[(current + step) % len(panes)]} .picker-filter", Input).focus()

    def on_package_picker_changed(self, _event: PackagePicker.Changed) -> None:
        self.save()
        self.update_summary()

    def update_summary(self) -> None:
        parts = [f"{CATEGORY_LABELS[c]}: {' '.join(v)}" for c, v in self.state.packages.items() if v]
        self.query_one("#package-summary", Static).update("Chosen: " + (" · ".join(parts) or "nothing yet"))

    def save(self) -> None:
        for picker in self.query(PackagePicker):
            self.state.packages[picker.category] = picker.value()

    def show_problem(self, error, here: bool = True) -> None:
        field = error.location.field or ""
        category = field.split(".")[1].split("[")[0] if field.count(".") else ""
        if here and category in CATEGORIES and self.query(f"#tab-{category}"):
            self.query_one(TabbedContent).active = f"tab-{category}"
        super().show_problem(error, here)
