"""The disk cap with the real tools: a GAEV-generated libvirt project grows the box's
8 GiB disk to the spec's size (vagrant-libvirt's machine_virtual_size)."""

from __future__ import annotations

import pytest

from gaev_tui.catalog import load_catalog
from gaev_tui.envspec import parse_spec_text
from gaev_tui.render import render_project, write_project

pytestmark = pytest.mark.vm

GIB = 1 << 30


def test_generated_libvirt_project_grows_the_disk_to_the_cap(vagrant_home, vagrant_project):
    catalog = load_catalog(include_user=False)
    spec = parse_spec_text(
        "name: disk-grow\nos: debian-12\nprovider: libvirt\nprovider_options: {driver: qemu}\n"
        f"base_box: {{name: {vagrant_home.box_name}, version: '{vagrant_home.box_version}'}}\n"
        "resources: {cpus: 1, memory_mb: 1024, disk_gb: 12}\n", catalog)
    files = render_project(spec, catalog)
    assert "vm.machine_virtual_size = 12" in files["Vagrantfile"].decode()
    write_project(files, vagrant_project.path, force=True)
    # Provisioning (Ansible in the guest) is not what this test is about.
    vagrant_project.vagrant("up", "--provider=libvirt", "--no-provision")
    size = vagrant_project.vagrant_output("ssh", "-c", "lsblk -bdno SIZE /dev/vda").split()[-1]
    assert int(size) == 12 * GIB  # the test box's own disk is 8 GiB
