"""The fixture of the real runs of the roles in a Debian 12 chroot (helpers: chroot.py)."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.toolcheck import need, need_tool

from . import chroot


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

