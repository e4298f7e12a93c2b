"""The boxes a user's registry sources (``gaev registry add-source URL``) offer for a
provider, read from each registry's root ``index.json``: what the wizard's base-box step
lists, so a lab builds on its own published boxes.

Every source is read on its own (in parallel: one slow server does not hold the others
up); a source that is unreachable or broken gives one line naming it, and the others
still list. Whatever an index holds is data: names, versions and URLs are checked with
the spec's own grammars before they are offered, and texts are cut to one short line.
"""

from __future__ import annotations

import json
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from gaev_tui import names
from gaev_tui.boxcache import versions
from gaev_tui.errors import GaevError
from gaev_tui.registry import metadata, remote, sources
from gaev_tui.registry.index import FORMAT, INDEX_KEY

MAX_INDEX = 8 * metadata.MAX_BYTES
MAX_TEXT = 120  # characters of a description or OS shown on one line
PARALLEL = 8
MAX_BOXES = 1000  # of one registry; more are not offered


@dataclass(frozen=True)
class RegistryBox:
    name: str  # ORG/BOX, as config.vm.box
    version: str  # the newest version offering the provider
    description: str
    os: str  # its label; "" when the index does not say (a bare box file was published)
    os_id: str  # the catalogue's OS id, or ""
    metadata_url: str  # config.vm.box_url
    source: str  # the registry source it was listed by


@dataclass(frozen=True)
class Listing:
    """One source's boxes for the provider, or why it could not be read."""

    source: str
    boxes: tuple[RegistryBox, ...] = ()
    error: str = ""
    skipped: int = 0  # index entries that were not usable boxes
    other_os: int = 0  # boxes for the provider built on another OS than the one asked for


def offered(provider: str, os_id: str = "") -> list[Listing]:
    """The boxes of every registry source for ``provider`` (and ``os_id``, when given:
    a box whose index names another OS is counted, not offered; one that names none is
    offered); [] with no sources. A broken sources file raises GaevError (its message
    names the file)."""
    urls = sources.load()
    if not urls:
        return []
    with ThreadPoolExecutor(max_workers=min(PARALLEL, len(urls))) as pool:
        return list(pool.map(lambda url: read_source(url, provider, os_id), urls))


def read_source(source: str, provider: str, os_id: str = "") -> Listing:
    parts = urllib.parse.urlsplit(source)
    if parts.username or parts.password:  # shown in the wizard, maybe to browser users: never the secret
        hidden = urllib.parse.urlunsplit(parts._replace(netloc=f"***@{parts.hostname or ''}"))
        return Listing(hidden, error=f"{hidden}: a registry source holds no user name or password (a "
                                     "registry is public to Vagrant); add its public URL instead")
    url = f"{source.rstrip('/')}/{INDEX_KEY}"
    try:
        data = json.loads(remote.fetch(url, MAX_INDEX).decode("utf-8"))
    except (GaevError, UnicodeDecodeError, ValueError) as exc:
        reason = str(exc) if isinstance(exc, GaevError) else f"{url}: not valid JSON ({exc})"
        return Listing(source, error=reason)
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("boxes"), list):
        return Listing(source, error=f"{url}: not a GAEV registry index (format {FORMAT} with a 'boxes' list); "
                                     f"rebuild it with 'gaev registry index'")
    found, skipped, other_os = [], 0, 0
    for entry in data["boxes"][:MAX_BOXES]:
        box = _box(entry, provider, source)
        if box is False:
            skipped += 1
        elif box is not None and os_id and box.os_id not in ("", os_id):
            other_os += 1
        elif box is not None:
            found.append(box)
    return Listing(source, tuple(sorted(found, key=lambda b: b.name)), skipped=skipped, other_os=other_os)


def _box(entry: object, provider: str, source: str) -> RegistryBox | None | bool:
    """The entry as an offer; None when it has no version for ``provider``; False when
    it is not a usable box entry."""
    if not isinstance(entry, dict) or not isinstance(entry.get("versions"), list):
        return False
    name, url = entry.get("name"), entry.get("metadata_url")
    if not isinstance(name, str) or not isinstance(url, str) or names.box_url(url):
        return False
    try:
        metadata.check_box_name(name)  # ORG/BOX: stricter than the spec's box names
    except GaevError:
        return False
    offering = [v["version"] for v in entry["versions"]
                if isinstance(v, dict) and isinstance(v.get("version"), str) and _numeric(v["version"])
                and any(isinstance(p, dict) and p.get("name") == provider for p in v.get("providers") or ())]
    if not offering:
        return None
    newest = max(offering, key=versions.sort_key)
    os = entry.get("os") if isinstance(entry.get("os"), dict) else {}
    os_id = os.get("id") if isinstance(os.get("id"), str) else ""  # compared, never shown
    return RegistryBox(name, newest, _line(entry.get("description")), _line(os.get("label")), os_id, url, source)


def _numeric(version: str) -> bool:
    try:
        metadata.check_version(version)
    except GaevError:
        return False
    return True


def _line(value: object) -> str:
    """Text from an index as one short printable line."""
    if not isinstance(value, str):
        return ""
    text = " ".join("".join(c if c.isprintable() else " " for c in value).split())
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"
