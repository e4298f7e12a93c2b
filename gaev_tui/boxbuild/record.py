"""After a successful build: remember the boxes GAEV made in its records (checksum, spec,
tool versions), so the box cache knows which boxes GAEV made and from what: the project's
final box, and the base box Packer built for it (``base_box: {build: packer}``)."""

from __future__ import annotations

from pathlib import Path

from gaev_tui import tools
from gaev_tui.boxbuild.project import BuildProject, load_project
from gaev_tui.boxcache import records
from gaev_tui.envspec import spec_to_dict
from gaev_tui.errors import GaevError

# A box packaged to a file has no published version; Vagrant calls such boxes version 0.
FILE_BOX_VERSION = "0"


def _tools(*names: str) -> dict[str, str]:
    args = {"packer": ("version",)}
    used = {name: tools.version(name, *args.get(name, ())) for name in names}
    return {name: value for name, value in used.items() if value}


def record_build(project: BuildProject, sha256: str) -> list[str]:
    """Record the box; the warnings met (GAEV's records repaired on the way)."""
    names = ("vagrant", "packer") if project.base_box_build == "packer" else ("vagrant",)
    warnings: list = []
    records.record_built(
        project.name, FILE_BOX_VERSION, project.provider, checksum=sha256, spec=spec_to_dict(project.spec),
        tools=_tools(*names), box_file=str(Path(project.box_path).resolve()), role="final", warnings=warnings,
    )
    return [str(w) for w in warnings]


def record_base_box(name: str, version: str, provider: str, sha256: str, box: Path, project_dir: Path) -> None:
    """A base box Packer built and Vagrant just added as ``name`` ``version``. Its spec is
    the project's, when ``project_dir`` is one (the stage runs in its ``packer/``)."""
    try:
        spec = spec_to_dict(load_project(project_dir).spec)
    except GaevError:
        spec = {}
    records.record_built(name, version, provider, checksum=sha256, spec=spec, tools=_tools("packer", "vagrant"),
                         box_file=str(box.resolve()), role="base")
