"""Reading a published registry the way its users reach it: by URL (``https://``,
``http://`` or ``file://``), with size limits and timeouts, never blocking on a special
file. Used by ``gaev get`` and ``gaev registry rebuild``."""

from __future__ import annotations

import urllib.parse

from gaev_tui.errors import GaevError, InputError
from gaev_tui.fsutil import read_regular
from gaev_tui.registry import metadata

TIMEOUT_S = 20
MAX_FILE = 8 * 1024 * 1024


class Unreachable(GaevError):
    """The registry did not answer, or has no such file."""


def fetch(url: str, limit: int = MAX_FILE) -> bytes:
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme == "file":
        try:
            data = read_regular(urllib.parse.unquote(parsed.path), limit)
        except FileNotFoundError as exc:
            raise Unreachable(f"{url}: {exc.strerror}") from None
        except (OSError, ValueError) as exc:  # a FIFO or device, too big, unreadable
            raise InputError(f"{url}: {exc}") from None
    elif parsed.scheme in ("http", "https"):
        from urllib.request import urlopen  # here: file:// registries (and gaev get from them) do without it

        try:
            with urlopen(url, timeout=TIMEOUT_S) as resp:  # noqa: S310 - scheme checked
                data = resp.read(limit + 1)
        except OSError as exc:  # URLError, HTTPError, timeouts
            raise Unreachable(f"{url}: {getattr(exc, 'reason', None) or exc}") from None
    else:
        raise InputError(f"{url}: a registry URL starts with https://, http:// or file://")
    if len(data) > limit:
        raise InputError(f"{url}: larger than {limit // (1024 * 1024)} MiB")
    return data


def metadata_url(ref: str, sources: list[str]) -> str:
    """``ORG/BOX`` is looked up in the user's registry sources; a URL is used as given
    (a registry's ``…/ORG/BOX/metadata.json`` or the box's directory)."""
    if "://" in ref:
        return ref if ref.endswith(".json") else ref.rstrip("/") + "/metadata.json"
    metadata.check_box_name(ref)
    for base in sources:
        url = f"{base.rstrip('/')}/{ref}/metadata.json"
        try:
            fetch(url, metadata.MAX_BYTES)
            return url
        except (Unreachable, InputError):
            continue
    where = ", ".join(sources) or "none yet"
    raise InputError(f"{ref}: not found in your registry sources ({where}); add one with "
                     "'gaev registry add-source URL' or give the metadata.json URL")


def read_metadata(url: str) -> dict:
    return metadata.parse(fetch(url, metadata.MAX_BYTES), url)


def choose(meta: dict, version: str | None, provider: str | None, architecture: str | None) -> tuple[dict, dict]:
    """The version entry and provider entry to use: the newest version that has a box of
    the provider and architecture asked (any, when not asked)."""
    from gaev_tui.boxcache import versions

    entries = sorted(meta["versions"], key=lambda v: versions.sort_key(v["version"]), reverse=True)
    candidates = [e for e in entries if not version or e["version"] == version]
    if not candidates:
        raise InputError(f"{meta['name']}: no published version {version} "
                         f"(versions: {', '.join(v['version'] for v in entries) or 'none'})")
    for entry in candidates:
        for prov in reversed(entry["providers"]):  # the default architecture is listed last
            if provider and prov["name"] != provider:
                continue
            if architecture and _architecture(prov) != architecture:
                continue
            return entry, prov
    offered = sorted({f"{p['name']} ({_architecture(p)})" for e in candidates for p in e["providers"]})
    wanted = " ".join(x for x in (provider, architecture) if x)
    missing = f"{meta['name']} {version} has no {wanted} box" if version else f"{meta['name']}: no version has a {wanted} box"
    raise InputError(f"{missing}; published: {', '.join(offered) or 'none'}" + (" (choose one with --provider)" if provider else ""))


def _architecture(prov: dict) -> str:
    return prov.get("architecture", metadata.DEFAULT_ARCHITECTURE)


def version_file_url(prov: dict, name: str) -> str:
    """A record published beside a box file (same directory)."""
    return prov["url"].rsplit("/", 1)[0] + "/" + urllib.parse.quote(name)
