"""The catalogue: OSes, providers, base boxes, package sets and apps GAEV offers.

The embedded ``gaev_tui/catalog.yaml`` is merged with the user's catalogue (same format,
in the config dir) by id, so a lab can add its own boxes and package sets.
"""

from gaev_tui.catalog.load import load_catalog, parse_catalog
from gaev_tui.catalog.model import App, BoxRef, Catalog, Iso, OsEntry, PackageSet, PackerPlugin, Port, Provider

__all__ = [
    "App", "BoxRef", "Catalog", "Iso", "OsEntry", "PackageSet", "PackerPlugin", "Port",
    "Provider", "load_catalog", "parse_catalog",
]
