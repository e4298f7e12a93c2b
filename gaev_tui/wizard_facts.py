"""What the wizard offers at each step, read from the catalogue (core, no Textual).

The screens only display these answers; the rules themselves stay in the catalogue and
the spec parser.
"""

from __future__ import annotations

from dataclasses import dataclass

from gaev_tui.catalog import App, BoxRef, Catalog
from gaev_tui.envspec import required_memory_mb

# The spec parser owns which package categories each OS family installs.
from gaev_tui.envspec.parse import package_categories
from gaev_tui.wizard_state import WizardState

CATEGORY_LABELS = {
    "apt": "System", "python": "Python", "r": "R (CRAN)",
    "bioconductor": "Bioconductor", "choco": "Windows (Chocolatey)",
    "brew": "macOS (Homebrew)", "tex": "TeX (tlmgr)",
}
# How to pin a version, per category, in the syntax the spec accepts.
PIN_EXAMPLES = {
    "apt": "git=1:2.39.2-1.1", "python": "pandas==2.2.2", "r": "ggplot2@3.5.1",
    "bioconductor": "DESeq2@1.42.0", "choco": "git@2.44.0",
    "brew": "none (a versioned formula: python@3.12; a cask: cask:NAME)", "tex": "none (TeX Live 2025)",
}


@dataclass(frozen=True)
class Offered:
    """A package the catalogue proposes, and the set(s) it comes from."""

    name: str
    sets: str  # labels of the package sets that hold it


def categories_for(catalog: Catalog, os_id: str) -> tuple[str, ...]:
    """Package categories the chosen OS can install."""
    entry = catalog.oses.get(os_id)
    return package_categories(entry.family) if entry else ()


def offered_packages(catalog: Catalog, category: str) -> list[Offered]:
    """Every package of the category's sets, once, in catalogue order."""
    found: dict[str, list[str]] = {}
    for package_set in catalog.sets_for(category):
        for name in package_set.packages:
            found.setdefault(name, []).append(package_set.label)
    return [Offered(name, ", ".join(labels)) for name, labels in found.items()]


def boxes_for(catalog: Catalog, os_id: str, provider: str) -> tuple[BoxRef, ...]:
    entry = catalog.oses.get(os_id)
    return entry.boxes.get(provider, ()) if entry else ()


def packer_reason(catalog: Catalog, os_id: str, provider: str) -> str | None:
    """None when a base box can be built with Packer, else why not."""
    entry, prov = catalog.oses.get(os_id), catalog.providers.get(provider)
    if entry is None or prov is None:
        return "choose an OS and a provider first"
    if entry.iso is None:
        return f"the catalogue has no installer ISO for {entry.label}"
    if prov.packer_builder is None:
        return f"Packer cannot build {prov.label} boxes"
    return None


def apps_for(catalog: Catalog, os_id: str) -> tuple[list[App], list[tuple[App, str]]]:
    """(apps that install on the OS, [(app, why not)] for the others)."""
    entry = catalog.oses.get(os_id)
    family = entry.family if entry else ""
    ok = [app for app in catalog.apps.values() if family in app.families]
    other = [(app, f"installs only on {', '.join(app.families)}-family systems")
             for app in catalog.apps.values() if family not in app.families]
    return ok, other


def proposed_host_port(guest: int) -> int:
    """A host port for a guest port: the same one, except privileged ports (under 1024,
    which hosts refuse to normal users): web ports go to the usual 8000/8443."""
    if guest >= 1024:
        return guest
    return {80: 8000, 443: 8443}.get(guest, 10000 + guest)


def apply_app_defaults(state: WizardState, catalog: Catalog) -> list[str]:
    """Propose memory and forwarded ports for the chosen apps; return what changed."""
    notes = []
    needed = required_memory_mb(catalog, state.apps)
    if state.memory_mb.strip().isdigit() and int(state.memory_mb) < needed:
        state.memory_mb = str(needed)
        notes.append(f"memory raised to {needed} MB for the chosen apps")
    forwarded = state.forwarded_ports
    guests = {item.split(":")[-1].split("/")[0].strip() for item in forwarded.replace(" ", ",").split(",") if ":" in item}
    for app_id in state.apps:
        for port in catalog.apps[app_id].ports if app_id in catalog.apps else ():
            if str(port.guest) not in guests:
                item = f"{proposed_host_port(port.guest)}:{port.guest}"
                forwarded = f"{forwarded}, {item}" if forwarded.strip() else item
                guests.add(str(port.guest))
                notes.append(f"{port.name} forwarded: localhost:{item.split(':')[0]}")
    state.forwarded_ports = forwarded
    return notes
