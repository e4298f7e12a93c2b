"""The registry's index: ``index.json`` (every box with its versions, for scripts and
the index page) rebuilt from the boxes' metadata.json files, so it can never disagree
with what Vagrant reads."""

from __future__ import annotations

import json

from gaev_tui.registry import metadata
from gaev_tui.registry.stores import Conflict

INDEX_KEY = "index.json"
FORMAT = 1


def collect(store) -> list[dict]:
    """Every box of the registry: its metadata.json, checked."""
    boxes = []
    for key in store.keys("/metadata.json"):
        if key.count("/") != 2:
            continue
        got = store.read(key, metadata.MAX_BYTES)
        if got is not None:
            boxes.append(metadata.parse(got[0], f"{store}/{key}"))
    return sorted(boxes, key=lambda b: b["name"])


def build(boxes: list[dict], base_url: str, oses: dict[str, dict] | None = None) -> dict:
    """``oses``: box name -> the OS of its newest published version (``{"id", "label"}``
    from its lock), by which the wizard's base-box step offers a box for a project's OS."""
    oses = oses or {}
    return {"format": FORMAT, "url": base_url,
            "boxes": [{"name": b["name"], "description": b.get("description", ""),
                       **({"os": oses[b["name"]]} if oses.get(b["name"]) else {}),
                       "metadata_url": f"{base_url}/{b['name']}/metadata.json", "versions": b["versions"]}
                      for b in boxes]}


def refresh(store, base_url: str, retries: int = 20) -> dict:
    """Rebuild index.json and the static pages from the boxes' metadata.json files.

    The index token is read *before* the boxes are collected: a publisher whose
    metadata.json lands after our collection then either fails our compare-and-swap or
    writes its own index after ours, so the last index written always lists every box.
    """
    from gaev_tui.registry import page

    for _ in range(retries):
        current = store.read(INDEX_KEY, metadata.MAX_BYTES * 8)
        metas = collect(store)
        views = [page.box_view(store, base_url, meta) for meta in metas]
        index = build(metas, base_url, {view["name"]: {"id": view["os_id"], "label": view["os"]}
                                        for view in views if view["os_id"]})
        data = (json.dumps(index, indent=2, sort_keys=True) + "\n").encode()
        try:
            if current is None or current[0] != data:
                store.replace(INDEX_KEY, data, "application/json", current[1] if current else None)
        except Conflict:
            continue
        page.publish_pages(store, base_url, views)
        return index
    raise Conflict(f"{store}/{INDEX_KEY} kept changing; run 'gaev registry index {store}' to rebuild it")
