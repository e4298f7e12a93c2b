"""What a build needs to know about a generated project directory.

``gaev.yaml`` is read by the one checked reader of specs (:mod:`gaev_tui.envspec`),
against the catalogue in use: a bad value gets the file, line and field, exactly as
``gaev generate`` and ``gaev validate`` say it. ``gaev.lock.json`` adds what was
resolved at generation (OS family, the exact base box).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from gaev_tui.catalog import Catalog
from gaev_tui.envspec import Spec, load_spec
from gaev_tui.errors import InputError, Location

SPEC_FILE = "gaev.yaml"
LOCK_FILE = "gaev.lock.json"


@dataclass(frozen=True)
class BuildProject:
    """A generated project, as far as building it goes."""

    dir: Path
    spec: Spec = field(compare=False, repr=False)  # gaev.yaml, checked (GAEV's box records keep it)
    name: str
    provider: str
    driver: str | None = None  # libvirt: "kvm" or "qemu" (software emulation)
    disk_gb: int | None = None
    base_box_build: str | None = None  # "packer": the base box is built first
    base_box_name: str | None = None
    base_box_version: str | None = None
    family: str | None = None  # OS family: "windows" guests have no ssh manifest fetch

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


def load_project(directory: Path, catalog: Catalog | None = None) -> BuildProject:
    """Read a project directory; :class:`InputError` names the file (line, field) at fault."""
    directory = Path(directory).absolute()
    if not directory.is_dir():
        raise InputError("is not a directory (run 'gaev generate' first)", Location(str(directory)))
    for needed in ("Vagrantfile", SPEC_FILE):
        if not (directory / needed).is_file():
            raise InputError(f"has no {needed}: not a generated project (run 'gaev generate')", Location(str(directory)))
    spec = load_spec(directory / SPEC_FILE, catalog)
    lock = _lock(directory / LOCK_FILE)
    lock_box = lock.get("base_box") if isinstance(lock.get("base_box"), dict) else {}
    family = (lock.get("os") or {}).get("family") if isinstance(lock.get("os"), dict) else None
    driver = spec.provider_options.get("driver")
    return BuildProject(
        dir=directory, name=spec.name, provider=spec.provider,
        driver=driver if isinstance(driver, str) else None, disk_gb=spec.resources.disk_gb,
        base_box_build=spec.base_box.build,
        base_box_name=lock_box.get("name") or spec.base_box.name,
        base_box_version=lock_box.get("version") or spec.base_box.version,
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
