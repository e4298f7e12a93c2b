"""Home: start a new environment, open one, the box cache, builds; and which tools this
host has (probed in the background: starting never waits for Vagrant)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from gaev_tui import confine
from gaev_tui.widgets.tool_list import ToolList

# A browser session (gaev serve) gets the wizard only: nothing that runs or removes things
# on the server (builds, the server's box cache, publishing its boxes, launching servers
# with the server's cloud credentials).
SERVER_ONLY = ("boxes", "builds", "share", "cloud")

MENU = (
    ("new", "New environment", "n"),
    ("open", "Open a gaev.yaml or a project", "o"),
    ("boxes", "Box cache", "c"),
    ("builds", "Builds", "b"),
    ("share", "Share a built box", "s"),
    ("cloud", "Launch on a cloud (OpenStack)", "l"),
    ("quit", "Quit", "q"),
)


class HomeScreen(Screen):
    CSS_PATH = "home.tcss"
    BINDINGS = [
        Binding("n", "new", "New"),
        Binding("o", "open", "Open"),
        Binding("c", "boxes", "Box cache"),
        Binding("b", "builds", "Builds"),
        Binding("s", "share", "Share"),
        Binding("l", "cloud", "Cloud"),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home-main"):
            yield Static("Describe the virtual machine you need; GAEV writes a project that "
                         "Vagrant, Packer and Ansible build for you.", id="home-intro")
            web = confine.projects_root() is not None
            yield OptionList(*(Option(f"{label}  [dim]({key})[/]", id=ident) for ident, label, key in MENU
                               if not (web and ident in SERVER_ONLY)), id="home-menu")
            yield Static("Tools on this host", id="home-tools-title")
            yield ToolList(self.app.host_facts, id="home-tools")
        yield Footer()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        return not (action in SERVER_ONLY and confine.projects_root() is not None)

    def on_mount(self) -> None:
        self.watch(self.app, "host_facts", self.query_one(ToolList).set_facts)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        action = event.option.id
        self.run_action("app.quit" if action == "quit" else action)

    def action_new(self) -> None:
        self.app.new_environment()

    def action_open(self) -> None:
        self.app.open_dialog()

    def action_boxes(self) -> None:
        self.app.open_box_cache()

    def action_builds(self) -> None:
        self.app.open_builds()

    def action_share(self) -> None:
        if self.app._refused_in_browser():
            return
        from gaev_tui.screens.share import ShareScreen

        self.app.push_screen(ShareScreen())

    def action_cloud(self) -> None:
        if self.app._refused_in_browser():
            return
        from gaev_tui.screens.cloud import CloudScreen

        self.app.push_screen(CloudScreen())
