"""``gaev registry rebuild``: anyone re-creates the project of a published version from
the ``gaev.yaml`` and ``gaev.lock.json`` published beside its box. The lock lists every
generated file with what was chosen; the same spec and catalogue give a byte-identical
project, which is checked by comparing the new lock with the published one."""

from __future__ import annotations

from pathlib import Path

from gaev_tui.errors import InputError
from gaev_tui.registry import remote


def rebuild(ref: str, sources: list[str], version: str | None, provider: str | None,
            output: Path | None) -> tuple[Path, bool]:
    from gaev_tui.catalog import load_catalog
    from gaev_tui.envspec import parse_spec_text
    from gaev_tui.render import render_project, write_project

    url = remote.metadata_url(ref, sources)
    meta = remote.read_metadata(url)
    _, prov = remote.choose(meta, version, provider, None)
    try:
        spec_text = remote.fetch(remote.version_file_url(prov, "gaev.yaml"), 1 << 20).decode("utf-8")
        lock = remote.fetch(remote.version_file_url(prov, "gaev.lock.json"), 1 << 22)
    except (remote.Unreachable, UnicodeDecodeError) as exc:
        raise InputError(f"{meta['name']}: this version was published without its gaev.yaml and gaev.lock.json "
                         f"(a bare box file?), so it cannot be rebuilt: {exc}") from None
    catalog = load_catalog()
    spec = parse_spec_text(spec_text, catalog, file=remote.version_file_url(prov, "gaev.yaml"))
    files = render_project(spec, catalog)
    dest = output or Path(spec.name)
    write_project(files, dest)
    return dest, files.get("gaev.lock.json") == lock
