"""``gaev-registry.json`` at a registry's root: what makes a directory or bucket a GAEV
box registry, and the public base URL its files are served from (box URLs in
metadata.json must be absolute). Holds no credentials, ever."""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass

from gaev_tui.errors import GaevError, InputError

CONFIG_KEY = "gaev-registry.json"
FORMAT = 1


class NotARegistry(GaevError):
    """The place given holds no gaev-registry.json (bad input: exit 2)."""

    exit_code = 2


@dataclass(frozen=True)
class RegistryConfig:
    url: str  # public base URL, no trailing slash
    org: str = "gaev"  # the ORG of box names published without one

    def url_of(self, key: str) -> str:
        return f"{self.url}/{urllib.parse.quote(key)}"


def check_url(url: str) -> str:
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https", "file") or (parsed.scheme != "file" and not parsed.netloc):
        raise InputError(f"--url must be the registry's public base URL (https://..., http://... or file://...), got {url!r}")
    if parsed.query or parsed.fragment:
        raise InputError(f"--url must not carry a query or fragment (no presigned URLs: Vagrant's HEAD breaks them): {url}")
    return url.rstrip("/")


def dumps(config: RegistryConfig) -> bytes:
    return (json.dumps({"format": FORMAT, "url": config.url, "org": config.org}, indent=2) + "\n").encode()


def load(store) -> RegistryConfig:
    got = store.read(CONFIG_KEY, 64 * 1024)
    if got is None:
        raise NotARegistry(f"{store} is not a GAEV box registry (no {CONFIG_KEY}); "
                           f"create one with: gaev registry init {store} --url PUBLIC_BASE_URL")
    try:
        data = json.loads(got[0])
        if data.get("format") != FORMAT:
            raise ValueError(f"format {data.get('format')!r}, expected {FORMAT}")
        return RegistryConfig(check_url(str(data["url"])), str(data.get("org", "gaev")))
    except (ValueError, KeyError, TypeError, AttributeError, InputError) as exc:
        raise GaevError(f"{store}/{CONFIG_KEY}: unreadable ({exc})") from None
