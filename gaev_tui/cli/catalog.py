"""``gaev catalog [--json]``: show the catalogue in use (embedded + the user's).

Human output is a set of tables; ``--json`` prints every entry with all its fields, in
catalogue order, for scripts and for diffing a lab's catalogue against the embedded one.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the CLI imports heavy modules lazily (gaev --help stays instant)
    from rich.table import Table

    from gaev_tui.catalog import Catalog


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "catalog", help="show the catalogue in use (OSes, providers, package sets, apps)",
        description="Show the catalogue GAEV uses: the embedded one merged with your "
        "catalog.yaml in the configuration directory, if you have one.")
    parser.add_argument("--json", action="store_true", help="print the whole catalogue as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gaev_tui.catalog import load_catalog

    catalog = load_catalog()
    if args.json:
        import json

        print(json.dumps(catalog_json(catalog), indent=2, ensure_ascii=False))
    else:
        print_tables(catalog)
    return 0


def catalog_json(catalog: Catalog) -> dict[str, Any]:
    """The catalogue as plain JSON data: dataclass fields in declaration order and
    entries in catalogue order, so the same catalogue always prints the same text."""
    import dataclasses

    return dataclasses.asdict(catalog)


def print_tables(catalog: Catalog) -> None:
    """Print the catalogue as rich tables (plain text when not on a terminal)."""
    from rich.console import Console

    console = Console()
    for table in (_oses(catalog), _providers(catalog), _package_sets(catalog), _apps(catalog)):
        console.print(table)
    console.print(_text("Read from: " + ", ".join(catalog.sources)))


def _text(value: object) -> Any:
    # Catalogue text is data: a label like "[bold]" must print as typed, never as markup.
    from rich.text import Text

    return Text(str(value))


def _table(title: str, *columns: str) -> Table:
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for index, column in enumerate(columns):
        # Ids are what users type in a spec: never break them across lines.
        table.add_column(column, overflow="fold", no_wrap=index == 0)
    return table


def _oses(catalog: Catalog) -> Table:
    # One row per provider keeps the table readable at 80 columns; a rule separates OSes.
    table = _table("Operating systems and their default boxes", "OS", "provider", "default box", "base-box install")
    for entry in catalog.oses.values():
        install = entry.iso.install if entry.iso else "-"
        for index, provider in enumerate(entry.providers):
            box = entry.default_box(provider)
            shown = (box.name + (f" {box.version}" if box.version else "")) if box else "-"
            first = index == 0
            table.add_row(_text(f"{entry.id}\n{entry.label}" if first else ""), _text(provider),
                          _text(shown), _text(install if first else ""))
        table.add_section()
    return table


def _providers(catalog: Catalog) -> Table:
    table = _table("Providers", "id", "name", "runs on", "needs")
    for provider in catalog.providers.values():
        needs = [provider.tool or ""] + ([f"plugin {provider.vagrant_plugin}"] if provider.vagrant_plugin else [])
        table.add_row(_text(provider.id), _text(provider.label), _text(", ".join(provider.hosts)),
                      _text(", ".join(n for n in needs if n)))
    return table


def _package_sets(catalog: Catalog) -> Table:
    table = _table("Package sets", "id", "kind", "name", "packages")
    for item in catalog.package_sets.values():
        table.add_row(_text(item.id), _text(item.category), _text(item.label), _text(", ".join(item.packages)))
    return table


def _apps(catalog: Catalog) -> Table:
    table = _table("Applications", "id", "version", "ports", "min. memory", "installs on", "name")
    for app in catalog.apps.values():
        ports = ", ".join(str(port.guest) for port in app.ports) or "-"
        version = f"{app.image}:{app.version or 'latest'}" if app.image else (app.version or "-")
        table.add_row(_text(app.id), _text(version), _text(ports), _text(f"{app.min_memory_mb} MB"),
                      _text(", ".join(app.families)), _text(app.label))
    return table
