"""The order of the wizard's steps, and where its answers start from.

Step screens are imported only when first shown, which keeps the first screen fast.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from textual.screen import Screen

from gaev_tui.catalog import Catalog
from gaev_tui.envspec import load_spec
from gaev_tui.hostfacts import HostFacts, provider_status
from gaev_tui.wizard_state import STEPS, WizardState

# One module per step in gaev_tui/screens/, its screen class named after it
# (os_provider -> OsProviderScreen): the steps that edit the spec, in the order
# wizard_state.STEPS gives them, then the review and the writing.
_STEPS = (*STEPS, "review", "write")
REVIEW = _STEPS.index("review")


def count() -> int:
    return len(_STEPS)


def _screen_class(index: int) -> type[Screen]:
    module = _STEPS[index]
    screen_class = "".join(part.title() for part in module.split("_")) + "Screen"
    return getattr(importlib.import_module(f"gaev_tui.screens.{module}"), screen_class)


def step_screen(index: int) -> Screen:
    """A new screen for step ``index`` (0-based); it reads the app's answers."""
    return _screen_class(index)(index)


def step_title(index: int) -> str:
    """The title step ``index`` shows (its screen's module is imported)."""
    return _screen_class(index).TITLE


def index_of(screen: Screen) -> int:
    return getattr(screen, "step_index", -1)


def fresh_state(catalog: Catalog, facts: HostFacts | None = None) -> WizardState:
    """Sensible first answers: the catalogue's first OS, and the first of its providers
    this host can run (the catalogue's first while the host is not probed yet)."""
    state = WizardState(name="my-vm")
    if catalog.oses:
        os_entry = next(iter(catalog.oses.values()))
        state.os = os_entry.id
        state.provider = best_provider(catalog, list(os_entry.providers), facts)
    return state


def best_provider(catalog: Catalog, candidates: list[str], facts: HostFacts | None) -> str:
    """The first candidate installed on this host, else the first one ("" for none)."""
    usable = [p for p in candidates if p in catalog.providers and provider_status(catalog.providers[p], facts)[0]]
    return (usable or candidates or [""])[0]


def state_from_path(path: Path, catalog: Catalog) -> WizardState:
    """Answers from a spec file, or from a project directory (written back there)."""
    spec = load_spec(path, catalog)
    return WizardState.from_spec(spec, dest=str(path) if path.is_dir() else "")
