"""A project whose spec names a box of a lab registry (``base_box.url``): the real
``vagrant up`` on a machine that never saw the box fetches it from that registry's
metadata.json, checksum verified, through the generated Vagrantfile's box_url.

Vagrant reads ``config.vm.box_url`` only in a provider's ``up`` (its HandleBox step),
so that is the command run. To stop right after the box is added, without creating
anything in libvirt, the box's metadata.json gives a disk format vagrant-libvirt
refuses at its next step (HandleBoxImage checks it before it uploads a volume).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.registry.helpers import boxes_in, gaev, make_box
from tests.registry.servers import static_server
from tests.toolcheck import need_tool
from tests.vmbox.fixtures import libvirt_ready  # noqa: F401  (a fixture, used by name)

pytestmark = pytest.mark.tools
NOT_A_DISK = "gaev-test-not-a-disk"


@contextlib.contextmanager
def registry_with_tiny_box(tmp_path: Path, over: str = "file") -> Iterator[tuple[Path, str]]:
    """A registry holding ``lab/tiny`` 1.0.0, served from a directory (file://) or by a
    static web server on 127.0.0.1 (http://); yields it and the box's metadata URL."""
    registry = tmp_path / "registry"
    registry.mkdir()
    with contextlib.ExitStack() as stack:
        base = registry.as_uri() if over == "file" else stack.enter_context(static_server(registry))
        gaev("registry", "init", str(registry), "--org", "lab", "--url", base)
        gaev("publish", str(make_box(tmp_path / "tiny.box", disk_format=NOT_A_DISK)), "--to", str(registry),
             "--name", "lab/tiny", "--version", "1.0.0")
        yield registry, f"{base}/lab/tiny/metadata.json"


def generated_project(tmp_path: Path, url: str, name: str = "tiny-vm") -> Path:
    spec = tmp_path / f"{name}.yaml"
    spec.write_text(f"name: {name}\nos: debian-12\nprovider: libvirt\nprovider_options: {{driver: qemu}}\n"
                    f"base_box: {{name: lab/tiny, version: '1.0.0', url: '{url}'}}\n")
    project = tmp_path / name
    gaev("generate", str(spec), "-o", str(project))
    return project


def vagrant_up(project: Path, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "VAGRANT_HOME": str(home), "VAGRANT_CHECKPOINT_DISABLE": "1"}
    return subprocess.run(["vagrant", "up", "--provider=libvirt", "--no-provision"], cwd=project, env=env,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300)


@pytest.mark.parametrize("over", ["file", "http"])
def test_vagrant_up_fetches_the_box_from_the_registry(tmp_path, libvirt_ready, over):  # noqa: F811
    need_tool("vagrant")
    with registry_with_tiny_box(tmp_path, over) as (_, url):
        project = generated_project(tmp_path, url)
        assert f"config.vm.box_url = '{url}'" in (project / "Vagrantfile").read_text()
        home = tmp_path / "vagrant.d"  # a machine that never saw the box
        done = vagrant_up(project, home)
    out = done.stdout + done.stderr
    assert f"Loading metadata for box '{url}'" in out, out
    assert "Adding box 'lab/tiny' (v1.0.0) for provider: libvirt" in out, out
    assert "Calculating and comparing box checksum" in out, out
    assert boxes_in(home) == {("lab/tiny", "1.0.0", "libvirt")}
    # ... and up stopped at the next step, as planned, with nothing made in libvirt.
    assert done.returncode != 0 and "format" in out.lower(), out
    domains = subprocess.run(["virsh", "-c", "qemu:///system", "list", "--all", "--name"], capture_output=True,
                             text=True, check=True).stdout
    assert "tiny-vm" not in domains


def test_a_box_changed_in_the_registry_is_refused_by_vagrant_up(tmp_path, libvirt_ready):  # noqa: F811
    need_tool("vagrant")
    with registry_with_tiny_box(tmp_path) as (registry, url):
        (box_file,) = (registry / "lab/tiny/1.0.0/libvirt/amd64").glob("*.box")
        box_file.write_bytes(make_box(tmp_path / "other.box", disk_format=NOT_A_DISK).read_bytes())
        home = tmp_path / "vagrant.d"
        done = vagrant_up(generated_project(tmp_path, url), home)
    out = done.stdout + done.stderr
    assert done.returncode != 0 and "checksum of the downloaded box did not match" in out, out
    assert boxes_in(home) == set()
