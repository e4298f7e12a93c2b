"""Hand-made Vagrant box caches, laid out exactly as Vagrant lays them out."""

from __future__ import annotations

import json
import os
from pathlib import Path


def make_box(home: Path, name: str, version: str, provider: str = "libvirt",
             arch: str | None = None, data: bytes = b"x" * 10000, sparse: int = 0,
             url: str | None = None, mtime: float | None = None) -> Path:
    """Create ``boxes/NAME/VERSION[/ARCH]/PROVIDER`` with metadata.json and a disk file.

    ``sparse``: apparent size of an extra sparse ``box.img`` (a hole, nearly no blocks).
    """
    box_dir = home / "boxes" / name.replace("/", "-VAGRANTSLASH-")
    pdir = box_dir / version / arch / provider if arch else box_dir / version / provider
    pdir.mkdir(parents=True, exist_ok=True)
    meta = {"provider": provider}
    if provider == "libvirt":
        meta.update(format="qcow2", virtual_size=1)
    (pdir / "metadata.json").write_text(json.dumps(meta))
    (pdir / "Vagrantfile").write_text("Vagrant.configure('2') do |c| end\n")
    (pdir / "disk.bin").write_bytes(data)
    if sparse:
        with open(pdir / "box.img", "wb") as fh:
            fh.truncate(sparse)
    if url:
        (box_dir / "metadata_url").write_text(url)
    if mtime is not None:
        os.utime(pdir, (mtime, mtime))
    return pdir


def machine(box: str, version: str, provider: str = "libvirt", project: Path | str | None = None,
            state: str = "running", arch: str | None = None, name: str = "default") -> dict:
    """One entry of Vagrant's machine index."""
    box_data = {"name": box, "provider": provider, "version": version}
    if arch:
        box_data["architecture"] = arch
    return {"local_data_path": f"{project}/.vagrant" if project else "", "name": name,
            "provider": provider, "state": state, "vagrantfile_name": None,
            "vagrantfile_path": str(project) if project else "", "updated_at": None,
            "extra_data": {"box": box_data}}


def write_index(home: Path, machines: dict | str) -> Path:
    """Write ``data/machine-index/index`` (a dict of id -> entry, or raw text)."""
    path = home / "data" / "machine-index" / "index"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = machines if isinstance(machines, str) else json.dumps({"version": 1, "machines": machines})
    path.write_text(text)
    return path


def catalogue(path: Path, name: str, versions: list[str], provider: str = "libvirt",
              box_url: str = "file:///nonexistent.box", arch: str | None = None) -> str:
    """Write a Vagrant catalogue (metadata.json) offering ``versions``; its file:// URL."""
    providers = [{"name": provider, "url": box_url}]
    if arch:
        providers[0]["architecture"] = arch
    data = {"name": name, "versions": [{"version": v, "providers": providers} for v in versions]}
    path.write_text(json.dumps(data))
    return path.as_uri()
