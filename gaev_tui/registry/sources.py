"""The registries a user reads from (``gaev registry add-source URL``): where ``gaev get
ORG/BOX`` and the wizard's base-box step look. One small JSON file in GAEV's config
directory, validated on load; written atomically under a lock."""

from __future__ import annotations

import json

from gaev_tui import paths
from gaev_tui.errors import GaevError
from gaev_tui.fsutil import atomic_write, locked
from gaev_tui.registry.config import check_url

MAX_SOURCES = 100


def sources_path():
    return paths.config_dir() / "registries.json"


def load() -> list[str]:
    path = sources_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8")[:1 << 20])
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        raise GaevError(f"{path}: unreadable ({exc}); fix or delete it") from None
    urls = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
        raise GaevError(f"{path}: 'sources' must be a list of URLs; fix or delete it")
    return urls[:MAX_SOURCES]


def add(url: str) -> bool:
    """Add a registry's base URL; False when it was there already."""
    url = check_url(url)
    path = sources_path()
    with locked(path):
        urls = load()
        if url in urls:
            return False
        atomic_write(path, json.dumps({"sources": [*urls, url]}, indent=2) + "\n")
        return True
