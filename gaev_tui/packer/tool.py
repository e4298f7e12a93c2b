"""Running the installed Packer on a generated ``packer/`` directory, whatever its age.

Packer older than 1.7 (Debian ships 1.6.6) predates the ``packer {}`` block and
``required_plugins``: it rejects ``plugins.pkr.hcl`` outright, but bundles every builder
GAEV uses (virtualbox-iso, qemu, vmware-iso, hyperv-iso, parallels-iso). For those
versions the other ``*.pkr.hcl`` files are copied into a temporary directory and Packer
is pointed at it, still running in ``packer/`` so the relative paths (``http/``,
``scripts/``, ``output/``) resolve. Newer Packer gets the directory itself.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from packaging.version import InvalidVersion, Version

from gaev_tui import tools

PLUGINS_FILE = "plugins.pkr.hcl"
FIRST_WITH_PLUGINS_BLOCK = Version("1.7.0")


def packer_version() -> Version | None:
    """The installed Packer's version ("Packer v1.6.6" -> 1.6.6), or None."""
    text = tools.version("packer", "version")
    match = re.search(r"v?(\d+\.\d+(?:\.\d+)?)", text or "")
    if not match:
        return None
    try:
        return Version(match.group(1))
    except InvalidVersion:
        return None


def knows_plugins_block(version: Version | None) -> bool:
    """Whether this Packer reads ``packer { required_plugins {...} }`` (>= 1.7)."""
    return version is None or version >= FIRST_WITH_PLUGINS_BLOCK


@contextlib.contextmanager
def template_for(packer_dir: Path, version: Version | None) -> Iterator[str]:
    """The template argument for ``packer validate``/``build`` run in ``packer_dir``:
    ``.`` for a Packer that reads the plugins file, else a temporary copy without it."""
    if knows_plugins_block(version):
        yield "."
        return
    staging = Path(tempfile.mkdtemp(prefix="gaev-packer-"))
    try:
        for path in sorted(Path(packer_dir).glob("*.pkr.hcl")):
            if path.name != PLUGINS_FILE:
                shutil.copyfile(path, staging / path.name)
        yield str(staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
