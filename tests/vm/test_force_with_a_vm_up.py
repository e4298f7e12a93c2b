"""`gaev generate --force` over a project whose VM is up (not building): the directory is
swapped, and the real Vagrant still reaches the same running VM from the same path
(its `.vagrant/` came along). Marker ``vm`` (minutes)."""

from __future__ import annotations

import os

import pytest

from gaev_tui.boxbuild.machine import provider_name
from tests.vmbox.fixtures import gaev

pytestmark = pytest.mark.vm

SPEC = """\
name: force-up
os: debian-12
provider: libvirt
provider_options: {{driver: qemu}}
base_box: {{name: {box}, version: "{version}"}}
resources: {{cpus: 1, memory_mb: 1024}}
"""


def machine_state(project) -> str:
    out = project.vagrant_output("status", "--machine-readable")
    return next(line.split(",")[3] for line in out.splitlines() if line.split(",")[2:3] == ["state"])


def test_force_over_a_running_vm_keeps_vagrant_on_it(vagrant_environ, vagrant_project):
    project = vagrant_project.path
    vagrant_project.vm_names.append(provider_name("force-up", project, "libvirt"))
    spec = project.parent / "gaev.yaml"
    spec.write_text(SPEC.format(box=vagrant_environ.box_name, version=vagrant_environ.box_version))
    assert gaev("generate", str(spec), "-o", str(project), "--force").returncode == 0
    vagrant_project.vagrant("up", "--provider=libvirt", "--no-provision")
    assert machine_state(vagrant_project) == "running"
    vagrant_project.vagrant_output("ssh", "-c", "echo before-the-swap > /home/vagrant/marker")
    old_inode = os.stat(project).st_ino

    spec.write_text(spec.read_text() + "hostname: swapped\n")
    done = gaev("generate", str(spec), "-o", str(project), "--force")
    assert done.returncode == 0, done.stderr
    assert "the VM made from this project (default (libvirt)) came along with .vagrant/" in done.stderr
    assert os.stat(project).st_ino != old_inode and "hostname: swapped" in (project / "gaev.yaml").read_text()

    # The same VM, from the new directory: status, ssh, then halt and destroy (teardown).
    assert machine_state(vagrant_project) == "running"
    out = vagrant_project.vagrant_output("ssh", "-c", "cat /home/vagrant/marker")
    assert "before-the-swap" in out
    vagrant_project.vagrant("halt")
    assert machine_state(vagrant_project) == "shutoff"
