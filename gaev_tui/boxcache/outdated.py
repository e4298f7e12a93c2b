"""Is a box outdated? Ask its catalogue (the ``metadata_url`` Vagrant saved beside it).

Catalogues are fetched with a short timeout and cached under ``paths.cache_dir()``;
being offline is a normal state: the answer is then ``None`` ("unknown"), not an error.
"""

from __future__ import annotations

import hashlib
import json
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from gaev_tui import paths
from gaev_tui.boxcache import versions
from gaev_tui.boxcache.model import Box, CacheWarning
from gaev_tui.fsutil import atomic_write, read_regular

TIMEOUT_S = 3.0
FRESH_S = 3600  # a catalogue fetched less than an hour ago is not fetched again
MAX_BYTES = 16 * 1024 * 1024  # a catalogue is small JSON; refuse anything huge


def _cache_file(url: str) -> Path:
    return paths.cache_dir() / "box-catalogs" / (hashlib.sha256(url.encode()).hexdigest() + ".json")


def _local_path(url: str) -> Path | None:
    """The file a ``file://`` URL (or a plain path, as Vagrant also stores) names."""
    if url.startswith("/"):
        return Path(url)
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme == "file" and parsed.netloc in ("", "localhost"):
        return Path(urllib.parse.unquote(parsed.path))
    return None


def _fetch(url: str) -> bytes:
    local = _local_path(url)
    if local is not None:
        # Read local catalogues directly: urllib would cost more than the read itself.
        # The path comes from the cache (a user's file): a FIFO or device is refused.
        return read_regular(local, MAX_BYTES)
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"unsupported catalogue URL scheme: {url}")
    import urllib.request  # only when a remote catalogue exists: it is slow to import

    with urllib.request.urlopen(url, timeout=TIMEOUT_S) as resp:  # noqa: S310 (scheme checked)
        data = resp.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValueError("catalogue larger than 16 MiB")
    return data


def _cached(cache: Path, max_age: float | None) -> dict | None:
    try:
        if max_age is not None and time.time() - cache.stat().st_mtime >= max_age:
            return None
        data = json.loads(read_regular(cache, MAX_BYTES))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def load_catalogue(url: str, offline: bool = False) -> tuple[dict | None, str | None]:
    """The catalogue at ``url`` as a dict, or None and why. ``offline`` skips the network.

    Remote catalogues come from the cache when fetched less than an hour ago; when the
    network cannot answer, an older cached copy is better than nothing.
    """
    cache = _cache_file(url)
    remote = _local_path(url) is None
    if remote:
        fresh = _cached(cache, None if offline else FRESH_S)
        if fresh is not None:
            return fresh, None
        if offline:
            return None, "offline and not cached"
    try:
        data = json.loads(_fetch(url))
    except (OSError, ValueError) as exc:  # URLError is an OSError
        stale = _cached(cache, None) if remote else None
        if stale is not None:
            return stale, None
        return None, f"catalogue not reachable ({getattr(exc, 'reason', exc)})"
    if not isinstance(data, dict):
        return None, "catalogue is not a JSON object"
    if remote:
        atomic_write(cache, json.dumps(data))
    return data, None


def latest_version(catalogue: dict, provider: str, architecture: str | None) -> str | None:
    """Newest version of the catalogue offering ``provider`` (and ``architecture`` if set)."""
    best: str | None = None
    for entry in catalogue.get("versions") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("version"), str):
            continue
        if entry.get("status", "active") not in ("active", None):
            continue
        for prov in entry.get("providers") or []:
            if not isinstance(prov, dict) or prov.get("name") != provider:
                continue
            arch = prov.get("architecture")
            if architecture and arch and arch != architecture:
                continue
            if best is None or versions.newer(entry["version"], best):
                best = entry["version"]
    return best


def mark_outdated(boxes: list[Box], offline: bool = False) -> list[CacheWarning]:
    """Set ``outdated``/``latest_version`` on each box that has a catalogue."""
    urls = sorted({b.metadata_url for b in boxes if b.metadata_url})
    if not urls:
        return []
    remote = [u for u in urls if _local_path(u) is None]
    results = {u: load_catalogue(u, offline) for u in urls if _local_path(u) is not None}
    if remote:  # network waits overlap; local files are faster read in line
        with ThreadPoolExecutor(max_workers=min(8, len(remote))) as pool:
            results.update(zip(remote, pool.map(lambda u: load_catalogue(u, offline), remote), strict=True))
    warnings = []
    for url, (_, problem) in results.items():
        if problem:
            warnings.append(CacheWarning(None, f"{url}: {problem}; 'outdated' unknown"))
    for box in boxes:
        catalogue = results.get(box.metadata_url, (None, None))[0] if box.metadata_url else None
        if catalogue is None:
            box.outdated, box.latest_version = None, None
            continue
        box.latest_version = latest_version(catalogue, box.provider, box.architecture)
        box.outdated = (
            versions.newer(box.latest_version, box.version) if box.latest_version else None
        )
    return warnings
