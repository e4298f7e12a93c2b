"""After a successful build: remember the box in GAEV's records (checksum, spec, tool
versions), so the box cache knows which boxes GAEV made and from what."""

from __future__ import annotations

from pathlib import Path

from gaev_tui import tools
from gaev_tui.boxbuild.project import BuildProject
from gaev_tui.boxcache import records
from gaev_tui.envspec import spec_to_dict

# A box packaged to a file has no published version; Vagrant calls such boxes version 0.
FILE_BOX_VERSION = "0"


def record_build(project: BuildProject, sha256: str) -> None:
    used = {"vagrant": tools.version("vagrant")}
    if project.base_box_build == "packer":
        used["packer"] = tools.version("packer", "version")
    records.record_built(
        project.name, FILE_BOX_VERSION, project.provider, checksum=sha256, spec=spec_to_dict(project.spec),
        tools={name: value for name, value in used.items() if value}, box_file=str(Path(project.box_path).resolve()),
    )
