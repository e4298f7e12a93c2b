"""The exact ansible-core versions the catalogue pins for guests, for the tests.

A venv per version, holding ansible-core alone (no collection: the roles must run on
what the guest gets), built once under ``$GAEV_TEST_CACHE`` with a file lock and
renamed into place, like the chroot tree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from filelock import FileLock

from gaev_tui.catalog import load_catalog

from .chroot import cache_root


def pinned_versions() -> dict[str, str]:
    """OS id -> the ansible-core version the embedded catalogue installs in its guests."""
    catalog = load_catalog(include_user=False)
    return {oid: entry.provisioning.ansible_core for oid, entry in catalog.oses.items() if entry.provisioning.ansible_core}


def host_core_version() -> str | None:
    """The version of the ansible-core that ``ansible-playbook`` on PATH runs."""
    tool = shutil.which("ansible-playbook")
    if tool is None:
        return None
    out = subprocess.run([tool, "--version"], capture_output=True, text=True, timeout=120).stdout
    first = out.splitlines()[0] if out else ""
    return first.split("core ", 1)[1].rstrip("]").strip() if "core " in first else None


def core_venv(version: str) -> Path:
    """bin/ directory of a venv holding exactly ansible-core ``version`` (built on first use)."""
    cache = cache_root()
    cache.mkdir(parents=True, exist_ok=True)
    final = cache / f"ansible-core-{version}"
    if (final / "bin" / "ansible-doc").exists():
        return final / "bin"
    with FileLock(str(final) + ".lock", timeout=1800):
        if (final / "bin" / "ansible-doc").exists():
            return final / "bin"
        work = Path(tempfile.mkdtemp(prefix=f"ansible-core-{version}-", dir=cache))
        try:
            # Built at its final path: a venv's scripts name their interpreter by path.
            shutil.rmtree(final, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "venv", str(final)], check=True, timeout=300)
            subprocess.run([str(final / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check",
                            f"ansible-core=={version}"], check=True, timeout=900,
                           env={k: v for k, v in os.environ.items() if k != "PIP_REQUIRE_VIRTUALENV"})
        except BaseException:
            shutil.rmtree(final, ignore_errors=True)
            raise
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return final / "bin"
