"""What a build needs to know about a generated project directory.

Read from ``gaev.yaml`` (name, provider, options) and ``gaev.lock.json`` (what was
resolved at generation: OS family, base box). Only the keys the build uses are read
and checked here, so a project still builds after the catalogue it came from changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from gaev_tui import names
from gaev_tui.errors import InputError, Location

SPEC_FILE = "gaev.yaml"
LOCK_FILE = "gaev.lock.json"


@dataclass(frozen=True)
class BuildProject:
    """A generated project, as far as building it goes."""

    dir: Path
    name: str
    provider: str
    driver: str | None = None  # libvirt: "kvm" or "qemu" (software emulation)
    disk_gb: int | None = None
    base_box_build: str | None = None  # "packer": the base box is built first
    base_box_name: str | None = None
    base_box_version: str | None = None
    family: str | None = None  # OS family: "windows" guests have no ssh manifest fetch
    spec: dict = field(default_factory=dict, compare=False, repr=False)  # gaev.yaml as read

    @property
    def builds_dir(self) -> Path:
        return self.dir / "builds"

    @property
    def stem(self) -> str:
        return f"{self.name}-{self.provider}"

    @property
    def box_path(self) -> Path:
        """Where ``vagrant package`` writes the final box."""
        return self.builds_dir / f"{self.stem}.box"

    @property
    def checksum_path(self) -> Path:
        return self.builds_dir / f"{self.stem}.box.sha256"

    @property
    def manifest_path(self) -> Path:
        """The guest's manifest of installed packages, copied out before packaging."""
        return self.builds_dir / f"{self.stem}.manifest.json"


def _field(value: object, field: str, file: Path, kind: type = str) -> object:
    if not isinstance(value, kind) or isinstance(value, bool):
        raise InputError(f"must be a {kind.__name__}", Location(str(file), None, field))
    return value


def load_project(directory: Path) -> BuildProject:
    """Read a project directory; :class:`InputError` names the file and field at fault."""
    directory = Path(directory).absolute()
    spec_path = directory / SPEC_FILE
    if not directory.is_dir():
        raise InputError("is not a directory (run 'gaev generate' first)", Location(str(directory)))
    for needed in ("Vagrantfile", SPEC_FILE):
        if not (directory / needed).is_file():
            raise InputError(f"has no {needed}: not a generated project (run 'gaev generate')", Location(str(directory)))
    try:
        spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise InputError(f"cannot be read: {str(exc).splitlines()[0]}", Location(str(spec_path), line + 1 if line is not None else None)) from None
    if not isinstance(spec, dict):
        raise InputError("must be a mapping with name, os and provider", Location(str(spec_path)))
    name = _field(spec.get("name"), "name", spec_path)
    if reason := names.project_name(name):
        raise InputError(reason, Location(str(spec_path), None, "name"))
    provider = _field(spec.get("provider"), "provider", spec_path)
    options = spec.get("provider_options") or {}
    _field(options, "provider_options", spec_path, dict)
    driver = options.get("driver")
    if driver is not None:
        _field(driver, "provider_options.driver", spec_path)
    resources = spec.get("resources") or {}
    _field(resources, "resources", spec_path, dict)
    disk = resources.get("disk_gb")
    if disk is not None:
        _field(disk, "resources.disk_gb", spec_path, int)
    base = spec.get("base_box") or {}
    _field(base, "base_box", spec_path, dict)
    lock = _lock(directory / LOCK_FILE)
    lock_box = lock.get("base_box") if isinstance(lock.get("base_box"), dict) else {}
    family = (lock.get("os") or {}).get("family") if isinstance(lock.get("os"), dict) else None
    return BuildProject(
        dir=directory, name=name, provider=provider, driver=driver, disk_gb=disk,
        base_box_build=base.get("build") if isinstance(base.get("build"), str) else None,
        base_box_name=lock_box.get("name") or base.get("name"),
        base_box_version=lock_box.get("version") or base.get("version"),
        family=family if isinstance(family, str) else None,
        spec=spec,
    )


def _lock(path: Path) -> dict:
    """The lock file, or {} when absent (older projects); bad JSON is bad input."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot be read: {exc}", Location(str(path))) from None
    return data if isinstance(data, dict) else {}
