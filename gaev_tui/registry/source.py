"""What to publish: a project directory (its built box, manifest, spec and lock) or a
bare ``.box`` file; name, provider and architecture come from them when not given."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from gaev_tui.boxcache import versions
from gaev_tui.errors import InputError
from gaev_tui.registry import metadata
from gaev_tui.registry.boxfile import box_metadata

# Files of a project that travel with the box: anyone can re-create it from them.
PROJECT_RECORDS = ("gaev.yaml", "gaev.lock.json")


@dataclass(frozen=True)
class Source:
    box: Path
    stem: str  # the project's (or box file's) name: the BOX of ORG/BOX by default
    provider: str
    architecture: str
    inputs: dict[str, bytes] = field(default_factory=dict)
    tools: dict[str, str] = field(default_factory=dict)


def find_source(path: Path) -> Source:
    path = Path(path)
    if path.is_dir():
        from gaev_tui.boxbuild.project import load_project

        project = load_project(path)
        box = Path(project.box_path)
        if not box.is_file():
            raise InputError(f"{path}: no built box at {box}; build it first: gaev build {path}")
        inputs = {name: (path / name).read_bytes() for name in PROJECT_RECORDS if (path / name).is_file()}
        manifest = Path(project.manifest_path)
        if manifest.is_file():
            inputs["manifest.json"] = manifest.read_bytes()
        meta = box_metadata(box)
        return Source(box, project.name, meta["provider"], _arch(meta), inputs, _build_tools(box))
    if path.is_file():
        meta = box_metadata(path)
        return Source(path, path.name.removesuffix(".box").split("-")[0] or "box", meta["provider"], _arch(meta))
    raise InputError(f"{path}: no such project directory or box file")


def _arch(meta: dict) -> str:
    return metadata.check_architecture(str(meta.get("architecture") or metadata.DEFAULT_ARCHITECTURE))


def next_version(meta: dict | None) -> str:
    """The version after the newest published one (1.0.0 for a new box)."""
    published = [v["version"] for v in (meta or {}).get("versions", [])]
    if not published:
        return "1.0.0"
    latest = max(published, key=versions.sort_key)
    parts = (latest.split(".") + ["0", "0"])[:3]
    if not all(p.isdigit() for p in parts):
        raise InputError(f"the newest published version {latest!r} is not numeric; give --version")
    return f"{parts[0]}.{parts[1]}.{int(parts[2]) + 1}"


def _build_tools(box: Path) -> dict[str, str]:
    """The tool versions GAEV recorded when it built this box file (empty if unknown)."""
    from gaev_tui.boxcache import records

    data, _ = records.load()
    for entry in reversed(data.get("built", [])):
        if entry.get("box_file") == str(box.resolve()) and isinstance(entry.get("tools"), dict):
            return {str(k): str(v) for k, v in entry["tools"].items()}
    return {}
