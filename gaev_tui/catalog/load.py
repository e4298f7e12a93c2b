"""Reading, merging and checking catalogues.

The user's catalogue is merged over the embedded one entry by entry: for an id present
in both, the user's keys replace the embedded keys of that entry (so a lab can change
one OS's boxes without copying the rest), and new ids are added. Every problem is
reported with the file and line it came from.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from gaev_tui import paths, yamlsrc
from gaev_tui.catalog import parse
from gaev_tui.catalog.model import Catalog
from gaev_tui.errors import InputError, Location
from gaev_tui.yamlsrc import Document, PathKey

SECTIONS = ("providers", "oses", "package_sets", "apps", "r_libraries")


class _Merged(Document):
    """Merged data whose positions are looked up in the document each key came from."""

    def __init__(self) -> None:
        super().__init__({section: {} for section in SECTIONS}, "catalogue")
        self.origins: dict[PathKey, Document] = {}

    def add(self, doc: Document) -> None:
        data = doc.data
        if data is None:
            return
        if not isinstance(data, dict):
            raise InputError("a catalogue must be a mapping with sections " + ", ".join(SECTIONS), Location(doc.file, 1))
        for section, entries in data.items():
            if section == "schema":
                continue
            if section not in SECTIONS:
                raise doc.error((section,), f"unknown section '{section}'; known: schema, {', '.join(SECTIONS)}")
            if not isinstance(entries, dict):
                raise doc.error((section,), "must be a mapping of id: entry")
            for entry_id, entry in entries.items():
                if not isinstance(entry, dict):
                    raise doc.error((section, entry_id), "must be a mapping of key: value")
                target = self.data[section].setdefault(entry_id, {})
                self.origins.setdefault((section, entry_id), doc)
                for key, value in entry.items():
                    target[key] = value
                    self.origins[(section, entry_id, key)] = doc

    def where(self, path: PathKey) -> Location:
        doc = self.origins.get(tuple(path[:3])) or self.origins.get(tuple(path[:2]))
        return doc.where(path) if doc else super().where(path)


def parse_catalog(*docs: Document) -> Catalog:
    """Merge catalogue documents in order (later ones win) and check the result."""
    merged = _Merged()
    for doc in docs:
        merged.add(doc)
    return parse.build(merged, tuple(doc.file or "<input>" for doc in docs))


def embedded_catalog_text() -> str:
    return resources.files("gaev_tui").joinpath("catalog.yaml").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _embedded_document() -> Document:
    return yamlsrc.loads(embedded_catalog_text(), "gaev_tui/catalog.yaml (embedded)")


def load_catalog(user_file: Path | None = None, *, include_user: bool = True) -> Catalog:
    """The catalogue in use: embedded, merged with the user's when it exists."""
    docs: list[Any] = [_embedded_document()]
    if include_user:
        path = user_file or paths.user_catalog_file()
        if path.exists():
            docs.append(yamlsrc.load(path))
    return parse_catalog(*docs)
