"""A throw-away VAGRANT_HOME holding the test box, and a sandbox per test project.

The box is added through a one-entry local catalogue (metadata JSON) rather than as a
bare file, so that it carries a version derived from the recipe hash (see
``box.box_version``).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import stat
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import libvirt
from .box import BOX_NAME, box_version, recipe_hash
from .procs import run, run_output, wait_gone

# Environment for every Vagrant run in tests: no update checks, and libguestfs (used by
# `vagrant package` through virt-sysprep/virt-sparsify) in software emulation.
VAGRANT_ENV = {
    "VAGRANT_CHECKPOINT_DISABLE": "1",
    "VAGRANT_DEFAULT_PROVIDER": "libvirt",
    "LIBGUESTFS_BACKEND": "direct",
    "LIBGUESTFS_BACKEND_SETTINGS": "force_tcg",
}


def remove_stale_dirs(prefix: str, max_age: float = 12 * 3600) -> list[Path]:
    """Delete ``prefix*`` dirs left by killed sessions (each holds a 600 MB box copy)."""
    base = Path(os.environ.get("GAEV_TEST_TMP", "/var/tmp"))
    removed = []
    for old in base.glob(f"{prefix}*"):
        if old.is_dir() and time.time() - old.stat().st_mtime > max_age:
            shutil.rmtree(old, ignore_errors=True)
            removed.append(old)
    return removed


def traversable_dir(prefix: str) -> Path:
    """A new directory that libvirt's qemu user can reach.

    qemu runs as ``libvirt-qemu`` and must open the box's kernel and initrd inside
    VAGRANT_HOME, so neither the directory nor its parents may be private (pytest's
    tmp dirs and /root are 0700).
    """
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=os.environ.get("GAEV_TEST_TMP", "/var/tmp")))
    path.chmod(0o755)
    for parent in path.parents:
        if not parent.stat().st_mode & stat.S_IXOTH:
            path.rmdir()
            raise PermissionError(f"{parent} is not world-traversable: libvirt-qemu cannot reach {path}")
    return path


def add_box(vagrant_home: Path, box_file: Path, log: Path) -> str:
    """Add ``box_file`` to ``vagrant_home`` as BOX_NAME at its recipe version; return it."""
    version = box_version(recipe_hash())
    catalog = vagrant_home / "gaev-test-box.json"
    catalog.write_text(json.dumps({
        "name": BOX_NAME,
        "versions": [{"version": version, "providers": [
            {"name": "libvirt", "url": box_file.resolve().as_uri()}]}],
    }))
    env = {**VAGRANT_ENV, "VAGRANT_HOME": str(vagrant_home)}
    run(["vagrant", "box", "add", "--provider", "libvirt", str(catalog)], log, env=env, timeout=600)
    return version


def project_name() -> str:
    """A fresh project directory name; also the libvirt name prefix of its VMs."""
    return f"gaevt{secrets.token_hex(4)}"


@dataclass
class VagrantProject:
    """A test's Vagrant project directory, named so its libvirt objects are findable.

    vagrant-libvirt names a domain ``<project dir basename>_<machine>`` (unless the
    Vagrantfile sets ``default_prefix``) and its disks after the domain; a unique
    directory name (``project_name()``) lets clean-up find exactly this test's objects.
    """

    path: Path
    vagrant_home: Path
    log: Path
    # Names GAEV's generated Vagrantfiles give their VMs (boxbuild.machine.provider_name):
    # cleaned and checked like the directory prefix.
    vm_names: list[str] = field(default_factory=list)

    @property
    def prefix(self) -> str:
        """Name prefix of this project's libvirt domains and volumes."""
        return self.path.name + "_"

    @property
    def env(self) -> dict[str, str]:
        """Environment for running Vagrant in this project."""
        return {**VAGRANT_ENV, "VAGRANT_HOME": str(self.vagrant_home)}

    def vagrant(self, *args: str, timeout: float = 1800, check: bool = True) -> int:
        """Run ``vagrant ARGS`` in the project, output appended to ``self.log``."""
        return run(["vagrant", *args], self.log, cwd=self.path, env=self.env,
                   timeout=timeout, check=check)

    def vagrant_output(self, *args: str, timeout: float = 600, check: bool = True) -> str:
        """Run ``vagrant ARGS`` and return its output (failing unless ``check`` is False)."""
        return run_output(["vagrant", *args], self.log, cwd=self.path, env=self.env,
                          timeout=timeout, check=check)

    def teardown(self) -> list[str]:
        """Destroy whatever this project left; return complaints (empty when clean)."""
        problems = []
        # Vagrant keeps a machine's provider id until the machine is destroyed.
        if any(self.path.glob(".vagrant/machines/*/*/id")):
            self.vagrant("destroy", "-f", timeout=600, check=False)
        leaked = [obj for prefix in (self.prefix, *self.vm_names) for obj in libvirt.remove_prefixed(prefix)]
        if leaked:
            problems.append(f"libvirt objects left after the test: {leaked}")
        left = wait_gone(str(self.path), self.prefix, *self.vm_names)
        if left:
            problems.append(f"processes left after the test: {left}")
        return problems
