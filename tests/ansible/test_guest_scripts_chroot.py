"""The project's guest scripts, run for real in a Debian 12 chroot: install-ansible.sh
installs exactly the pinned ansible-core (through Debian's own pip into a venv made
without pip, from PyPI via the host's CA), a second run keeps it, and cleanup.sh
removes it with its links again."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import gaev_tui

from .pinned import pinned_versions

pytestmark = pytest.mark.tools

SCRIPTS = Path(gaev_tui.__file__).parent / "templates" / "project" / "scripts"


def _run(root: Path, *argv: str) -> str:
    proc = subprocess.run(["chroot", str(root), *argv], capture_output=True, text=True, timeout=900,
                          env={"PATH": "/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"})
    assert proc.returncode == 0, (argv, proc.stdout[-3000:], proc.stderr[-3000:])
    return proc.stdout


def test_install_ansible_then_cleanup(debian_root):
    root, _ = debian_root
    version = pinned_versions()["debian-12"]
    _run(root, "apt-get", "update", "-qq")
    # What a Debian box has (the test box and Debian's cloud images: pip and venv).
    _run(root, "apt-get", "install", "-y", "-qq", "--no-install-recommends", "python3-pip", "python3-venv")
    for script in ("install-ansible.sh", "cleanup.sh"):
        shutil.copy(SCRIPTS / script, root / "tmp" / script)

    assert f"installed ansible-core {version} in /opt/gaev/ansible" in _run(root, "sh", "/tmp/install-ansible.sh", version, "3.11")
    assert f"ansible-playbook [core {version}]" in _run(root, "ansible-playbook", "--version")
    assert not (root / "opt/gaev/ansible/bin/pip").exists()  # made without pip, filled by Debian's
    assert "already installed" in _run(root, "sh", "/tmp/install-ansible.sh", version, "3.11")

    _run(root, "sh", "/tmp/cleanup.sh")
    assert not (root / "opt/gaev").exists()
    assert not [p for p in (root / "usr/local/bin").iterdir() if p.name.startswith("ansible")]
    assert not list((root / "var/lib/apt/lists").glob("*_Packages"))
