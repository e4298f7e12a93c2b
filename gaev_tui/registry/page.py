"""The registry's static pages: ``index.html`` at the root (every box, searchable by
name, OS, provider, application and installed package) and ``ORG/BOX/index.html`` per
box (versions, sizes, checksums, identifiers, installed packages, citation, the command
to use it). No server code, no external fonts or scripts: they work from ``file://``,
any static web server, and offline. Every value is HTML-escaped by Jinja2's
autoescape; the search data sits in a JSON script block with ``<`` escaped."""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass
from functools import lru_cache

import jinja2

from gaev_tui.registry import remote

MANIFEST_LIMIT = 4 * 1024 * 1024


@dataclass
class VersionView:
    version: str
    provider: str
    architecture: str
    url: str
    sha256: str
    size: int | None
    records_url: str  # the version's directory
    packages: list[str]
    citation: str
    doi: str = ""


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("gaev_tui", "templates/registry"),
                             autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["json_script"] = lambda value: jinja2.utils.markupsafe.Markup(
        json.dumps(value, sort_keys=True).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
    return env


def _key_of(url: str, base: str) -> str | None:
    return urllib.parse.unquote(url[len(base) + 1:]) if url.startswith(base + "/") else None


def _read_json(store, key: str | None) -> dict:
    if key is None:
        return {}
    got = store.read(key, MANIFEST_LIMIT)
    try:
        data = json.loads(got[0]) if got else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _read_text(store, key: str | None) -> str:
    got = store.read(key, 64 * 1024) if key else None
    return got[0].decode("utf-8", "replace") if got else ""


def _packages(manifest: dict) -> list[str]:
    names = [f"{p.get('name')} {p.get('version', '')}".strip() for p in manifest.get("system_packages") or []
             if isinstance(p, dict)]
    names += [str(x) for x in (manifest.get("python") or {}).get("freeze") or []]
    names += [f"R {k} {v}" for k, v in sorted((manifest.get("r_packages") or {}).items())]
    return names[:5000]


def box_view(store, base_url: str, meta: dict) -> dict:
    versions, newest_lock = [], None
    for entry in reversed(meta["versions"]):  # newest first
        for prov in entry["providers"]:
            box_key = _key_of(prov["url"], base_url)
            directory = box_key.rsplit("/", 1)[0] if box_key else None

            def record(name: str, directory=directory) -> str | None:
                return f"{directory}/{name}" if directory else None

            if newest_lock is None:
                newest_lock = _read_json(store, record("gaev.lock.json"))
            versions.append(VersionView(
                entry["version"], prov["name"], prov.get("architecture", "amd64"), prov["url"],
                str(prov.get("checksum", "")), store.size(box_key) if box_key else None,
                remote.version_file_url(prov, ""), _packages(_read_json(store, record("manifest.json"))),
                _read_text(store, record("CITATION.txt")), str(prov.get("doi") or "")))
    lock = newest_lock or {}
    return {"name": meta["name"], "description": meta.get("description", ""), "versions": versions,
            "os": (lock.get("os") or {}).get("label", ""), "os_id": (lock.get("os") or {}).get("id", ""),
            "apps": sorted(lock.get("apps") or {}),
            "providers": sorted({v.provider for v in versions}),
            "metadata_url": f"{base_url}/{meta['name']}/metadata.json", "page": f"{meta['name']}/index.html"}


def render_index(boxes: list[dict], base_url: str) -> str:
    search = [{"name": b["name"], "page": b["page"], "description": b["description"], "os": b["os"],
               "providers": b["providers"], "apps": b["apps"],
               "versions": [v.version for v in b["versions"]],
               "packages": sorted({p.split(" ")[0] for v in b["versions"][:1] for p in v.packages})}
              for b in boxes]
    return _env().get_template("index.html.j2").render(boxes=boxes, search=search, base_url=base_url)


def render_box(box: dict) -> str:
    return _env().get_template("box.html.j2").render(box=box)


def publish_pages(store, base_url: str, boxes: list[dict]) -> None:
    """Write index.html and every box page (``box_view`` of each box; plain overwrites:
    pages are derived data)."""
    for box in boxes:
        _put(store, box["page"], render_box(box))
    _put(store, "index.html", render_index(boxes, base_url))


def _put(store, key: str, text: str) -> None:
    data = text.encode("utf-8")
    current = store.read(key, 64 * 1024 * 1024)
    if current is not None and current[0] == data:
        return
    from gaev_tui.registry.stores import Conflict

    try:
        store.replace(key, data, "text/html; charset=utf-8", current[1] if current else None)
    except Conflict:
        pass  # a concurrent publisher is writing the same derived page, from newer data
