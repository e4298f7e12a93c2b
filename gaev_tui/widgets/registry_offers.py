"""The base-box step's view of the user's box registries: a choice line per box they
offer, and one note per source that could not be read (or a hint to add one).

Everything shown comes from a registry's index, so it is plain text, never markup.
"""

from __future__ import annotations

import urllib.parse

from textual.content import Content
from textual.widgets import Static

from gaev_tui.registry.offers import Listing, RegistryBox
from gaev_tui.widgets.ticks import ChoiceButton

ADD_HINT = "Your lab's own boxes are listed here once you add its registry: gaev registry add-source URL"


def where(source: str) -> str:
    """A registry source, short: its host (and port), or its directory for file://.
    The whole URL shows in the Registry URL field once the box is chosen."""
    parts = urllib.parse.urlsplit(source)
    return urllib.parse.unquote(parts.path) if parts.scheme == "file" else parts.netloc


def offer_button(box: RegistryBox) -> ChoiceButton:
    what = " · ".join(x for x in (box.os, box.description) if x)
    label = f"{box.name} version {box.version}, registry {where(box.source)}" + (f" — {what}" if what else "")
    return ChoiceButton(Content(label))


class RegistryNotes(Static):
    """Under the choices: looking, the hint, and what could not be read, one line each."""

    DEFAULT_CSS = "RegistryNotes { height: auto; color: $text-muted; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(Content("Looking for boxes in your box registries…"), **kwargs)

    def show_listings(self, listings: list[Listing], provider: str) -> None:
        if not listings:
            self.update(Content(ADD_HINT))
            return
        lines = []
        for listing in listings:
            left_out = ", ".join(x for x in (
                f"{listing.other_os} built on another OS" if listing.other_os else "",
                f"{listing.skipped} unusable entries" if listing.skipped else "") if x)
            left_out = f" ({left_out} left out)" if left_out else ""
            if listing.error:
                lines.append(f"Registry not read: {listing.error}")
            elif not listing.boxes:
                lines.append(f"Registry {listing.source}: no {provider} boxes for this OS{left_out}")
            elif left_out:
                lines.append(f"Registry {listing.source}:{left_out}")
        self.update(Content("\n".join(lines)))
        self.display = bool(lines)

    def show_failure(self, message: str) -> None:
        self.update(Content(f"Your box registries could not be listed: {message}"))
