"""Rendering a spec's ``packer/`` and writing it where the real tools can read it."""

from __future__ import annotations

from pathlib import Path

from gaev_tui.catalog import load_catalog
from gaev_tui.envspec import Spec, parse_spec_text
from gaev_tui.render import render_project


def catalog():
    return load_catalog(include_user=False)


def buildable_pairs() -> list[tuple[str, str]]:
    """Every OS of the catalogue with an unattended installer x every provider Packer
    builds for."""
    cat = catalog()
    return [(os_id, pid) for os_id, entry in cat.oses.items()
            if entry.iso is not None and entry.iso.install != "manual"
            for pid, provider in cat.providers.items() if provider.packer_builder]


def one_os_per_install_kind() -> list[str]:
    """The first OS of each install kind (one per family, plus Ubuntu's and Debian's
    different installers)."""
    seen: dict[str, str] = {}
    for os_id, entry in catalog().oses.items():
        if entry.iso is not None and entry.iso.install != "manual":
            seen.setdefault(entry.iso.install, os_id)
    return list(seen.values())


def spec_text(os_id: str, provider: str, extra: str = "", name: str | None = None) -> str:
    name = name or f"pk-{os_id}-{provider}".replace("_", "-")
    return f"name: {name}\nos: {os_id}\nprovider: {provider}\nbase_box: {{build: packer}}\n{extra}"


def spec(os_id: str, provider: str, extra: str = "") -> Spec:
    return parse_spec_text(spec_text(os_id, provider, extra), catalog())


def packer_files(text: str) -> dict[str, bytes]:
    """The ``packer/...`` files of the project a spec text renders to."""
    cat = catalog()
    files = render_project(parse_spec_text(text, cat), cat)
    return {path: data for path, data in files.items() if path.startswith("packer/")}


def write(files: dict[str, bytes], root: Path) -> Path:
    """Write rendered files under ``root``; returns ``root / 'packer'``."""
    for path, data in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root / "packer"
