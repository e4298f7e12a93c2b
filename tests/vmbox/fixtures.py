"""pytest fixtures for tests that boot real VMs (mark them ``@pytest.mark.vm``).

Use them from a conftest.py or test module with ``from tests.vmbox.fixtures import *``
(tests/vm/conftest.py does so for tests/vm/). Missing tools skip the test, or fail it
under GAEV_REQUIRE_TOOLS=1, through tests.toolcheck.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.toolcheck import need, need_tool

from . import box, libvirt
from .procs import wait_gone
from .vagrant_env import VAGRANT_ENV, VagrantProject, add_box, project_name, remove_stale_dirs, traversable_dir

__all__ = ["libvirt_ready", "debian_box_file", "vagrant_home", "vagrant_environ", "vagrant_project",
           "assert_no_leftovers", "VagrantHome"]


def _need_root(why: str) -> None:
    if os.geteuid() != 0:
        need(f"{why} needs root (these tests run as root on the CI machines)")


@pytest.fixture(scope="session")
def libvirt_ready() -> list[str]:
    """virtlogd, libvirtd, the default network and pool are up; returns what was started."""
    need_tool("virsh", "virtlogd", "libvirtd", "qemu-system-x86_64", "qemu-img")
    _need_root("starting libvirtd")
    try:
        return libvirt.ensure_libvirt()
    except libvirt.LibvirtUnavailable as exc:
        need(f"libvirt cannot be started: {exc}")
        raise  # unreachable: need() skips or fails


@pytest.fixture(scope="session")
def debian_box_file(tmp_path_factory) -> Path:
    """The cached Debian 12 libvirt test box (.box), built on first use (~3 min)."""
    need_tool("debootstrap", "chroot", "mkfs.ext4", "qemu-img", "findmnt")
    _need_root("debootstrap")
    try:
        box.vagrant_insecure_key()
    except FileNotFoundError as exc:
        need(str(exc))
    return box.cached_box(log_dir=tmp_path_factory.mktemp("box-build"))


@dataclass(frozen=True)
class VagrantHome:
    """A session's VAGRANT_HOME with the test box added as ``box_name`` ``box_version``."""

    path: Path
    box_name: str
    box_version: str

    @property
    def env(self) -> dict[str, str]:
        """Environment to run Vagrant (and GAEV's build) against this home."""
        return {**VAGRANT_ENV, "VAGRANT_HOME": str(self.path)}


@pytest.fixture(scope="session")
def vagrant_home(libvirt_ready, debian_box_file, tmp_path_factory):
    """A temporary VAGRANT_HOME holding the test box as ``gaev-test/debian12``."""
    need_tool("vagrant")
    remove_stale_dirs("gaev-vagrant-home-")
    path = traversable_dir("gaev-vagrant-home-")
    try:
        env = {**VAGRANT_ENV, "VAGRANT_HOME": str(path)}
        if libvirt.vagrant_libvirt_version(env) is None:
            need("vagrant does not load the vagrant-libvirt plugin (apt-get install vagrant-libvirt)")
        log = tmp_path_factory.mktemp("vagrant-home") / "box-add.log"
        version = add_box(path, debian_box_file, log)
        libvirt.remove_unused_volumes(box.pool_volume_name(""), keep=box.pool_volume_name(version))
        yield VagrantHome(path, box.BOX_NAME, version)
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def vagrant_environ(vagrant_home, monkeypatch) -> VagrantHome:
    """Point this test's process environment at the session's VAGRANT_HOME.

    For code under test that runs Vagrant itself (``gaev build``): VAGRANT_HOME, no
    update checks, libguestfs in software emulation for ``vagrant package``.
    """
    for key, value in vagrant_home.env.items():
        monkeypatch.setenv(key, value)
    return vagrant_home


@pytest.fixture
def vagrant_project(vagrant_home, tmp_path):
    """An empty Vagrant project dir, destroyed after the test; fails it if VMs leak.

    The directory's name is unique and is the libvirt prefix of its VMs, so the clean-up
    touches nothing that belongs to another test or session.
    """
    path = tmp_path / project_name()
    path.mkdir()
    project = VagrantProject(path=path, vagrant_home=vagrant_home.path, log=tmp_path / "vagrant.log")
    yield project
    problems = project.teardown()
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def assert_no_leftovers(*markers: str, timeout: float = 30.0) -> None:
    """Fail unless no qemu/vagrant/packer process tied to ``markers`` remains.

    Markers are a test's directories or VM name prefixes: whole-machine checks would
    blame this test for other sessions' VMs.
    """
    left = wait_gone(*markers, timeout=timeout)
    assert not left, f"processes left behind: {left}"


def gaev(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """``gaev ARGS`` as a user runs it, in its own process (no terminal, no input)."""
    return subprocess.run([sys.executable, "-m", "gaev_tui", *args], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)
