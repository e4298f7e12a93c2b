"""What ``gaev cloud up`` created, per server name: ids only, never credentials.

Kept in GAEV's state directory (``cloud/NAME.json``), written atomically after each
creation, so that ``gaev cloud down`` (or the clean-up of a failed launch) deletes
exactly those resources and nothing else.
"""

from __future__ import annotations

import json
from pathlib import Path

from gaev_tui import names, paths
from gaev_tui.errors import InputError
from gaev_tui.fsutil import atomic_write

MAX_BYTES = 64 << 10
KEYS = ("cloud", "image_id", "keypair", "security_group_id", "server_id", "floating_ip_id", "url", "done")


def _dir() -> Path:
    return paths.state_dir() / "cloud"


def _path(name: str) -> Path:
    if reason := names.project_name(name):
        raise InputError(f"server name '{name}' {reason}")
    return _dir() / f"{name}.json"


def save(name: str, created: dict[str, str]) -> None:
    path = _path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {key: str(created[key]) for key in KEYS if key in created}
    atomic_write(path, json.dumps(data, indent=2, sort_keys=True) + "\n")


def load(name: str) -> dict[str, str] | None:
    path = _path(name)
    if not path.is_file():
        return None
    if path.stat().st_size > MAX_BYTES:
        raise InputError(f"{path}: larger than {MAX_BYTES} bytes; not a GAEV record")
    try:
        data = json.loads(path.read_text())
    except ValueError as error:
        raise InputError(f"{path}: not JSON ({error})") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: not a GAEV record")
    return {key: str(data[key]) for key in KEYS if key in data}


def drop(name: str) -> None:
    _path(name).unlink(missing_ok=True)


def all_records() -> dict[str, dict[str, str]]:
    out = {}
    if _dir().is_dir():
        for path in sorted(_dir().glob("*.json")):
            record = load(path.stem)
            if record is not None:
                out[path.stem] = record
    return out
