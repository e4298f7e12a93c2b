"""Step 4: ready-to-use applications (JupyterHub, RStudio Server, a Docker app): what
each gives, the ports it serves and the memory it needs."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.widgets import SelectionList, Static
from textual.widgets.selection_list import Selection

from gaev_tui.catalog import App
from gaev_tui.envspec import required_memory_mb
from gaev_tui.screens.step import StepScreen
from gaev_tui.widgets.ticks import TickList
from gaev_tui.wizard_facts import apply_app_defaults, apps_for


def describe(app: App) -> str:
    ports = ", ".join(f"{p.name} on port {p.guest}" for p in app.ports) or "no port"
    version = f" {app.version}" if app.version else ""
    return (f"[b]{escape(app.label + version)}[/b]\n{escape(app.description)}\n"
            f"Serves: {escape(ports)}. Needs at least {app.min_memory_mb} MB of memory.")


class AppsScreen(StepScreen):
    CSS_PATH = "apps.tcss"
    TITLE = "Apps"
    EXPLAIN = ("Applications installed and started for you, reached from a web browser on "
               "this computer. Tick none, one or several (space ticks).")
    HELP = """\
* **JupyterHub** (The Littlest JupyterHub): notebooks for several users, in a browser.
* **RStudio Server**: RStudio in a browser.
* **Docker app**: a tool packaged as a Docker image, run by Docker in the VM.

Each app needs memory; the next step proposes enough for all the apps you ticked, and
forwards their ports so `http://localhost:PORT/` on this computer reaches them.
"""
    STEP = "apps"
    ERROR_TARGETS = {"apps": "apps-details"}

    def compose_body(self) -> ComposeResult:
        usable, other = apps_for(self.catalog, self.state.os)
        self.usable = {app.id: app for app in usable}
        yield TickList(*(Selection(app.label, app.id, app.id in self.state.apps) for app in usable), id="apps-list")
        yield Static("", id="apps-details")
        if other:
            lines = escape("\n".join(f"{app.label}: {why}" for app, why in other))
            yield Static(f"[dim]Not for this OS:\n{lines}[/]", id="apps-other", markup=True)
        yield Static("", id="apps-memory")

    def on_mount(self) -> None:
        listing = self.query_one(SelectionList)
        listing.focus()
        self.show_details(next(iter(self.usable.values()), None))
        self.update_memory()

    def on_selection_list_selection_highlighted(self, event: SelectionList.SelectionHighlighted) -> None:
        self.show_details(self.usable.get(event.selection.value))

    def on_selection_list_selected_changed(self, _event: SelectionList.SelectedChanged) -> None:
        self.save()
        self.update_memory()

    def show_details(self, app: App | None) -> None:
        text = describe(app) if app else "No app installs on this OS yet; go on."
        self.query_one("#apps-details", Static).update(text)

    def show_error(self, _field: str, message: str) -> None:
        self.query_one("#apps-details", Static).update(f"[red]{escape(message)}[/]")

    def update_memory(self) -> None:
        needed = required_memory_mb(self.catalog, self.state.apps)
        self.query_one("#apps-memory", Static).update(f"Memory the chosen apps need together: {needed} MB" if needed else "")

    def save(self) -> None:
        ticked = set(self.query_one(SelectionList).selected)
        # Keep the order they were chosen in; apps that do not install on this OS go.
        kept = [a for a in self.state.apps if a in ticked]
        self.state.apps = kept + [a for a in self.usable if a in ticked and a not in kept]

    def leave(self) -> None:
        for note in apply_app_defaults(self.state, self.catalog):
            self.notify(note[:1].upper() + note[1:], title="Proposed for the apps", markup=False)
        super().leave()
