"""Fixtures and helpers shared by the real runs of the roles in a Debian 12 chroot."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.toolcheck import need, need_tool

from . import chroot
from .project import run_ansible


@pytest.fixture
def debian_root(tmp_path):
    """A private copy of the cached Debian 12 tree, and the build time if it was built now."""
    need_tool("debootstrap", "chroot", "ansible-playbook")
    if os.geteuid() != 0:
        need("running roles in a chroot needs root (chroot(2) and debootstrap)")
    timings: dict[str, float] = {}
    tree = chroot.cached_tree(timings)
    root = chroot.fresh_copy(tree, tmp_path / "root")
    yield root, timings
    shutil.rmtree(root, ignore_errors=True)


def chroot_inventory(project: Path, root: Path) -> Path:
    """Write ``inventory.ini`` in ``project``: one host, ``target``, reached by chroot."""
    path = project / "inventory.ini"
    path.write_text(f"target ansible_connection=community.general.chroot ansible_host={root}"
                    " ansible_python_interpreter=/usr/bin/python3\n")
    return path


def run_playbook(project: Path, *extra: str) -> tuple[subprocess.CompletedProcess, float]:
    """Run ``playbook.yml`` against ``inventory.ini``; the process and its duration (s)."""
    started = time.monotonic()
    proc = run_ansible(["ansible-playbook", "-i", "inventory.ini", *extra, "playbook.yml"], project)
    return proc, time.monotonic() - started


def in_chroot(root: Path, *argv: str) -> str:
    """Run a command inside the chroot and return its standard output."""
    return subprocess.run(["chroot", str(root), *argv], capture_output=True, text=True, check=True,
                          timeout=120, env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}).stdout
