"""Which boxes Vagrant machines use, from Vagrant's machine index.

``VAGRANT_HOME/data/machine-index/index`` is JSON:
``{"version": 1, "machines": {ID: {"name", "provider", "state", "vagrantfile_path",
"extra_data": {"box": {"name", "provider", "version"[, "architecture"]}}}}}``.

GAEV is stricter than Vagrant: a machine whose project directory is gone, or whose
state cannot be known, still keeps its box (``in_use = None``, shown "unknown — kept"),
because a moved project or an unmounted disk is not proof the VM is dead. If the
index itself cannot be read, every box is unknown.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from gaev_tui.boxcache.model import Box, CacheWarning
from gaev_tui.fsutil import read_regular_text

INDEX_MAX = 64 << 20  # thousands of machines fit in a few MB
# States Vagrant writes when it could not learn the real one.
_UNKNOWN_STATES = {"", "unknown", "not_created_or_unknown"}


@dataclass(frozen=True)
class MachineUse:
    """One machine of the index and the box it was created from."""

    machine: str
    project: str | None
    box_name: str
    box_provider: str
    box_version: str
    box_architecture: str | None
    known: bool  # False: project gone or state unknown, so the use cannot be ruled out

    def matches(self, box: Box) -> bool:
        """True when this machine was made from ``box`` (architecture only if both say one)."""
        if (self.box_name, self.box_provider, self.box_version) != (box.name, box.provider, box.version):
            return False
        return not (self.box_architecture and box.architecture and self.box_architecture != box.architecture)

    @property
    def label(self) -> str:
        return f"{self.machine} ({self.project or 'no project path'})"


def index_path(vagrant_home: Path) -> Path:
    """Where Vagrant keeps its machine index."""
    return Path(vagrant_home) / "data" / "machine-index" / "index"


def load_machines(vagrant_home: Path) -> tuple[list[MachineUse] | None, list[CacheWarning]]:
    """Machines of the index; ``None`` when the index exists but cannot be read."""
    path = index_path(vagrant_home)
    try:
        text = read_regular_text(path, INDEX_MAX)
    except FileNotFoundError:
        return [], []
    except (OSError, ValueError) as exc:
        return None, [CacheWarning(path, f"machine index unreadable ({exc}); every box counts as maybe in use")]
    try:
        data = json.loads(text) if text.strip() else {}
    except ValueError as exc:
        return None, [CacheWarning(path, f"machine index is not valid JSON ({exc}); every box counts as maybe in use")]
    machines = data.get("machines", {}) if isinstance(data, dict) else None
    if not isinstance(machines, dict):
        return None, [CacheWarning(path, "machine index has no 'machines' object; every box counts as maybe in use")]
    uses: list[MachineUse] = []
    warnings: list[CacheWarning] = []
    for ident, raw in machines.items():
        use = _entry(ident, raw)
        if isinstance(use, str):
            warnings.append(CacheWarning(path, f"machine {ident}: {use}"))
        elif use is not None:
            uses.append(use)
    return uses, warnings


def _entry(ident: str, raw: object) -> MachineUse | str | None:
    if not isinstance(raw, dict):
        return "entry is not an object; skipped"
    extra = raw.get("extra_data") or {}
    box = extra.get("box") if isinstance(extra, dict) else None
    if not box:
        return None  # a machine without a box (e.g. a docker image) uses none of ours
    if not isinstance(box, dict) or not all(isinstance(box.get(k), str) for k in ("name", "provider")):
        return "box entry lacks name/provider; skipped"
    project = raw.get("vagrantfile_path") or None
    state = raw.get("state")
    known = (
        isinstance(project, str)
        and Path(project).is_dir()
        and isinstance(state, str)
        and state not in _UNKNOWN_STATES
    )
    arch = box.get("architecture")
    return MachineUse(
        machine=str(raw.get("name") or ident),
        project=project if isinstance(project, str) else None,
        box_name=box["name"],
        box_provider=box["provider"],
        box_version=str(box.get("version") or "0"),
        box_architecture=arch if isinstance(arch, str) and arch else None,
        known=known,
    )


def mark_in_use(boxes: list[Box], uses: list[MachineUse] | None) -> None:
    """Set ``in_use``/``used_by`` on each box: True, False, or None (unknown — kept)."""
    for box in boxes:
        if uses is None:
            box.in_use, box.used_by = None, []
            continue
        users = [u for u in uses if u.matches(box)]
        box.used_by = [u.label for u in users]
        if any(u.known for u in users):
            box.in_use = True
        elif users:
            box.in_use = None
        else:
            box.in_use = False
