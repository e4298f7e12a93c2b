"""The wizard's App: thin. It holds the answers, the catalogue and the host facts, and
moves between screens; each screen lives in ``gaev_tui/screens/``."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

from textual.app import App, SystemCommand
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from gaev_tui.catalog import Catalog, load_catalog
from gaev_tui.hostfacts import HostFacts, probe_host
from gaev_tui.screens import flow
from gaev_tui.screens.home import HomeScreen
from gaev_tui.wizard_state import WizardState

NOT_YET = "not available yet in this GAEV"


class GaevApp(App[int]):
    """GAEV's wizard: Home, then one screen per step."""

    TITLE = "GAEV"
    SUB_TITLE = "virtual machines for scientific software"
    CSS_PATH = "app.tcss"  # what all steps share; each screen has its own .tcss

    host_facts: reactive[HostFacts | None] = reactive(None, init=False)

    def __init__(self, catalog: Catalog, probe: Callable[[], HostFacts], state: WizardState | None = None) -> None:
        super().__init__()
        self.catalog = catalog
        self.state = WizardState()
        self._probe = probe
        self._opened = state

    def on_mount(self) -> None:
        self.push_screen(HomeScreen())
        if self._opened is not None:
            self.open_state(self._opened)
        self.run_worker(self._probe, name="probe", group="probe", thread=True, exclusive=True, exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group == "probe" and event.state == WorkerState.SUCCESS:
            self.host_facts = worker.result
        elif event.state == WorkerState.ERROR:
            # One place turns a failed background job into a message, never a traceback.
            self.notify(f"{worker.name}: {worker.error}", title="Something failed", severity="error", timeout=10, markup=False)

    # Navigation -----------------------------------------------------------------------
    def new_environment(self) -> None:
        """Start the wizard afresh, on the catalogue's first OS."""
        self.state = flow.fresh_state(self.catalog)
        self.push_screen(flow.step_screen(0))

    def open_state(self, state: WizardState) -> None:
        """Load answers (from ``gaev open``) and land on the review, every step beneath
        it so Back walks through them."""
        self.state = state
        for index in range(flow.REVIEW + 1):
            self.push_screen(flow.step_screen(index))

    def next_step(self, current: Screen) -> None:
        index = flow.index_of(current)
        if index + 1 < flow.count():
            self.push_screen(flow.step_screen(index + 1))

    def pop_to_home(self) -> None:
        while len(self.screen_stack) > 2 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()

    def open_box_cache(self) -> None:
        self._push_optional("gaev_tui.screens.box_cache", "BoxCacheScreen", "The box cache")

    def open_builds(self) -> None:
        """The list of build jobs (running and finished)."""
        self._push_optional("gaev_tui.screens.builds", "BuildsScreen", "Builds")

    def build_now(self, project: Path) -> None:
        """Start building a project the wizard wrote, on the build dashboard."""
        self._push_optional("gaev_tui.screens.dashboard", "DashboardScreen", "Build now", project)

    def _push_optional(self, module_name: str, class_name: str, label: str, *args: object) -> None:
        """Screens other parts of GAEV provide: shown if this installation has them."""
        try:
            screen_class = getattr(importlib.import_module(module_name), class_name)
        except (ModuleNotFoundError, AttributeError):
            self.notify(f"{label}: {NOT_YET}.", title=label, severity="warning")
            return
        self.push_screen(screen_class(*args))

    # Command palette: every binding of the current screen is also a command -----------
    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        seen = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if active.node is self or not binding.show or binding.action in seen or not active.enabled:
                continue
            seen.add(binding.action)
            yield SystemCommand(binding.description, f"{binding.key_display or binding.key}: {binding.tooltip or binding.description}",
                                partial(active.node.run_action, binding.action))


def make_app(catalog: Catalog | None = None, probe: Callable[[], HostFacts] | None = None,
             spec_path: Path | None = None) -> GaevApp:
    """The wizard, as the CLI and the tests build it.

    ``catalog`` defaults to the installed one (embedded + user), ``probe`` to running the
    host's tools; ``spec_path`` (a spec or a project directory) opens it for editing.
    Raises :class:`InputError` for a bad catalogue or spec, before any screen shows.
    """
    catalog = catalog or load_catalog()
    state = flow.state_from_path(Path(spec_path), catalog) if spec_path is not None else None
    return GaevApp(catalog, probe or probe_host, state)


def run_wizard(spec_path: Path | None = None) -> int:
    """Run the wizard in this terminal; the exit code for the CLI."""
    return make_app(spec_path=spec_path).run() or 0
