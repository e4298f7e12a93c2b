"""Publishing a project or box file to a registry in one call: what ``gaev publish``
and the Share screen both do (open the store, read the source, choose name and
version, publish, refresh the index)."""

from __future__ import annotations

from pathlib import Path

from gaev_tui.registry import config, index, invenio, metadata
from gaev_tui.registry.open_store import open_store
from gaev_tui.registry.publish import BoxToPublish, Published, publish, read_metadata
from gaev_tui.registry.source import find_source, next_version
from gaev_tui.registry.stores import Progress


def share(source_path: Path, where: str, name: str | None = None, version: str | None = None,
          provider: str | None = None, architecture: str | None = None, description: str = "",
          creators: tuple[str, ...] = (), progress: Progress | None = None, on_step=None,
          on_size=None, doi: bool = False) -> Published:
    """Publish; ``on_size(total_bytes)`` is called once the box is known (for a progress bar);
    ``doi``: mint a DOI on the InvenioRDM service the environment names (invenio.py)."""
    minter = invenio.from_environment() if doi else None  # no token: fail before anything
    store = open_store(where)
    cfg = config.load(store)
    source = find_source(Path(source_path))
    if on_size:
        on_size(source.box.stat().st_size)
    name = metadata.check_box_name(name or f"{cfg.org}/{source.stem}")
    if version is None:
        meta, _ = read_metadata(store, f"{name}/metadata.json")
        version = next_version(meta)
    request = BoxToPublish(box=source.box, name=name, version=version, provider=provider or source.provider,
                           architecture=architecture or source.architecture, description=description,
                           inputs=source.inputs, creators=creators, tools=source.tools)
    done = publish(store, request, progress=progress, on_step=on_step, doi=minter)
    index.refresh(store, cfg.url)
    return done
