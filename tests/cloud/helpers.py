"""Shared test data for the cloud tests: a cloud-ready project and a throwaway SSH key."""

from __future__ import annotations

import subprocess
from pathlib import Path

from gaev_tui.catalog import load_catalog
from gaev_tui.envspec import parse_spec_text
from gaev_tui.render.project import render_project

SPEC = (
    "name: cloudy\nos: debian-12\nprovider: libvirt\napps: [jupyterhub]\n"
    "resources: {cpus: 1, memory_mb: 1024, disk_gb: 10}\ntargets: [vagrant, openstack]\n"
)


def cloud_project(dest: Path, spec_text: str = SPEC) -> Path:
    """Write a generated cloud-ready project into ``dest``."""
    spec = parse_spec_text(spec_text)
    for rel, data in render_project(spec, load_catalog()).items():
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return dest


def ssh_key(dest: Path, name: str = "id_ed25519") -> Path:
    """A fresh ed25519 key pair (private key at the returned path, .pub beside it)."""
    path = dest / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "gaev-test", "-f", str(path)], check=True)
    return path
