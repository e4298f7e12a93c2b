"""The wizard's App: thin. It holds the answers, the catalogue and the host facts, and
moves between screens; each screen lives in ``gaev_tui/screens/``.

Starting fast matters (the first screen must take keys in well under a second): Home
needs neither the catalogue nor the spec machinery, so those are imported and loaded
after the first screen is up, in a worker, as is the probe of the host's tools.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from gaev_tui.errors import GaevError
from gaev_tui.screens.commands import GaevCommands
from gaev_tui.screens.home import HomeScreen

if TYPE_CHECKING:
    from gaev_tui.catalog import Catalog
    from gaev_tui.hostfacts import HostFacts
    from gaev_tui.wizard_state import WizardState

BACKGROUND_DELAY_S = 0.5


class GaevApp(App[int]):
    """GAEV's wizard: Home, then one screen per step."""

    TITLE = "GAEV"
    SUB_TITLE = "virtual machines for scientific software"
    CSS_PATH = "app.tcss"  # what all steps share; each screen has its own .tcss

    COMMANDS = App.COMMANDS | {GaevCommands}  # the app's own actions in the palette
    host_facts: reactive[HostFacts | None] = reactive(None, init=False)

    def __init__(self, catalog: Catalog | Callable[[], Catalog], probe: Callable[[], HostFacts],
                 state: WizardState | None = None) -> None:
        super().__init__()
        self._catalog = None if callable(catalog) else catalog
        self._load_catalog = catalog if callable(catalog) else None
        self._catalog_lock = threading.Lock()
        self.state = state
        self._probe = probe
        self._opened = state
        self.background_started = False  # tests wait for it before waiting on workers

    @property
    def catalog(self) -> Catalog:
        """The catalogue, loaded on first use (a bad one raises InputError)."""
        with self._catalog_lock:  # the preloading worker and a key press may race
            if self._catalog is None:
                self._catalog = self._load_catalog()
            return self._catalog

    def on_mount(self) -> None:
        self.push_screen(HomeScreen())
        if self._opened is not None:
            # Composing the seven steps takes seconds on a slow machine: Home and this
            # line are painted first, then the steps are built (the screen was blank).
            where = self._opened.dest or self._opened.name
            self.notify(f"Opening {where}…", title="Open", timeout=4, markup=False)
            self.call_after_refresh(self.open_state, self._opened)
        # Half a second after the first screen: time to read it, and the probe's six
        # processes and the catalogue's parsing (it holds the GIL) do not slow the
        # first paint and the first keys on a two-core machine.
        self.set_timer(BACKGROUND_DELAY_S, self._start_background)

    def _start_background(self) -> None:
        """Probe the host, load what the steps need."""
        self.background_started = True
        self.run_worker(self._probe, name="probe", group="probe", thread=True, exclusive=True, exit_on_error=False)
        self.run_worker(self._preload, name="catalogue", group="preload", thread=True, exit_on_error=False)

    def _preload(self) -> GaevError | None:
        """Import the spec machinery and load the catalogue; a bad one is returned
        (and said once), not raised."""
        from gaev_tui.screens import flow  # noqa: F401

        try:
            self.catalog  # noqa: B018
        except GaevError as error:
            return error
        return None

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group == "probe" and event.state == WorkerState.SUCCESS:
            self.host_facts = worker.result
        elif worker.group == "preload" and event.state == WorkerState.SUCCESS and worker.result:
            self.notify(str(worker.result), title="GAEV cannot go on", severity="error", timeout=30, markup=False)
        elif event.state == WorkerState.ERROR:
            # One place turns a failed background job into a message, never a traceback.
            self.notify(f"{worker.name}: {worker.error}", title="Something failed", severity="error", timeout=10, markup=False)

    # Navigation -----------------------------------------------------------------------
    def new_environment(self) -> None:
        """Start the wizard afresh, on the catalogue's first OS."""
        from gaev_tui.screens import flow

        try:
            self.state = flow.fresh_state(self.catalog, self.host_facts)
        except GaevError as error:  # a bad user catalogue: say where, stay on Home
            self.notify(str(error), title="GAEV cannot go on", severity="error", timeout=30, markup=False)
            return
        first = flow.step_screen(0)
        first.pick_provider = True  # until the user picks one, the best for this host
        self.push_screen(first)

    def open_state(self, state: WizardState) -> None:
        """Load answers (from ``gaev open``) and land on the review, every step beneath
        it so Back walks through them."""
        from gaev_tui.screens import flow

        self.state = state
        for index in range(flow.REVIEW + 1):
            self.push_screen(flow.step_screen(index))

    def open_dialog(self) -> None:
        """Ask for a spec or a project and open it in the wizard."""
        from gaev_tui.screens.open_dialog import OpenDialog

        def opened(state: WizardState | None) -> None:
            if state is not None:
                self.open_state(state)

        self.push_screen(OpenDialog(), opened)

    def next_step(self, current: Screen) -> None:
        from gaev_tui.screens import flow

        index = flow.index_of(current)
        if index + 1 < flow.count():
            self.push_screen(flow.step_screen(index + 1))

    def pop_to_home(self) -> None:
        while len(self.screen_stack) > 2 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()

    # The screens below import the box cache and build machinery: imported when first
    # opened, so that Home starts without them.
    def _refused_in_browser(self) -> bool:
        """A browser session (gaev serve) may not run or remove anything on the server,
        whatever path it takes (menu, key, command palette)."""
        from gaev_tui import confine

        if confine.projects_root() is None:
            return False
        self.notify("Not available in the browser: it would act on the server.", severity="warning")
        return True

    def open_box_cache(self) -> None:
        if self._refused_in_browser():
            return
        from gaev_tui.screens.box_cache import BoxCacheScreen

        self.push_screen(BoxCacheScreen())

    def open_builds(self) -> None:
        """The list of build jobs (running and finished)."""
        if self._refused_in_browser():
            return
        from gaev_tui.screens.builds import BuildsScreen

        self.push_screen(BuildsScreen())

    def build_now(self, project: Path) -> None:
        """Start building a project the wizard wrote, on the build dashboard."""
        if self._refused_in_browser():
            return
        from gaev_tui.screens.dashboard import DashboardScreen

        self.push_screen(DashboardScreen(project))

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
    from gaev_tui.hostfacts import probe_host

    if spec_path is not None:  # the spec is checked now, so a bad one never opens a screen
        from gaev_tui.catalog import load_catalog
        from gaev_tui.screens import flow

        catalog = catalog or load_catalog()
        return GaevApp(catalog, probe or probe_host, flow.state_from_path(Path(spec_path), catalog))
    return GaevApp(catalog or _load_catalog, probe or probe_host)


def _load_catalog() -> Catalog:
    from gaev_tui.catalog import load_catalog

    return load_catalog()


def run_wizard(spec_path: Path | None = None) -> int:
    """Run the wizard in this terminal; the exit code for the CLI."""
    return make_app(spec_path=spec_path).run() or 0
