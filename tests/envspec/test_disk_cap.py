"""The disk cap is true or said not to hold: Vagrant only grows a box's disk (bento's
are 64 GB), config.vm.disk needs VAGRANT_EXPERIMENTAL=disks on Vagrant 2.3, and a base
box built with Packer has the size asked. The README only says what will be true."""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from gaev_tui.boxbuild import stages
from gaev_tui.boxbuild.project import load_project
from gaev_tui.catalog import load_catalog
from gaev_tui.envspec import parse_spec_text
from gaev_tui.envspec.advice import disk_plan, spec_warnings
from gaev_tui.render import render_project, write_project
from tests.toolcheck import need_tool


def spec(provider="virtualbox", os_id="ubuntu-22.04", extra=""):
    return parse_spec_text(f"name: vm1\nos: {os_id}\nprovider: {provider}\n{extra}")


def files_of(s) -> tuple[str, str]:
    files = render_project(s, load_catalog())
    return files["Vagrantfile"].decode(), files["README.md"].decode()


def test_the_catalogue_knows_bentos_64_gb_disks():
    boxes = load_catalog().oses["ubuntu-22.04"].boxes
    assert boxes["virtualbox"][0].name == "bento/ubuntu-22.04" and boxes["virtualbox"][0].disk_gb == 64
    assert {b.name: b.disk_gb for b in boxes["parallels"]}["generic/ubuntu2204"] == 32


def test_a_cap_below_the_boxs_disk_is_said_not_to_hold():
    s = spec(extra="resources: {disk_gb: 20}\n")
    (warning,) = spec_warnings(s, load_catalog())
    assert warning.field == "resources.disk_gb"
    assert "bento/ubuntu-22.04 has a 64 GB disk" in warning.message and "cannot hold" in warning.message
    assert "base_box: {build: packer}" in warning.message
    vagrantfile, readme = files_of(s)
    assert "config.vm.disk" not in vagrantfile  # a line that would do nothing is not written
    assert "Vagrant cannot shrink it, so\n  # the spec's 20 GB cap cannot hold" in vagrantfile
    assert "the base box's 64 GB disk (Vagrant cannot shrink it: the 20 GB cap needs a base box built with Packer)" in readme
    assert "a 20 GB disk" not in readme


def test_a_cap_above_the_boxs_disk_grows_it_with_the_experimental_flag():
    s = spec(extra="resources: {disk_gb: 100}\n")
    assert spec_warnings(s, load_catalog()) == []
    vagrantfile, readme = files_of(s)
    assert "config.vm.disk :disk, size: '100GB', primary: true" in vagrantfile
    assert "VAGRANT_EXPERIMENTAL=disks" in vagrantfile
    assert "the base box's 64 GB disk grown to 100 GB at the first `vagrant up`" in readme
    assert "`gaev build` sets `VAGRANT_EXPERIMENTAL=disks`" in readme


def test_libvirt_grows_with_machine_virtual_size_only_when_it_can():
    grows = files_of(spec("libvirt", "debian-12", "resources: {disk_gb: 40}\n"))[0]
    assert "vm.machine_virtual_size = 40" in grows and "config.vm.disk" not in grows
    kept = spec("libvirt", "ubuntu-22.04", "base_box: {name: generic/ubuntu2204}\nresources: {disk_gb: 40}\n")
    assert disk_plan(kept, load_catalog()).kind == "kept"
    assert "machine_virtual_size" not in files_of(kept)[0]


def test_a_packer_base_box_is_built_at_the_cap():
    s = spec(extra="base_box: {build: packer}\nresources: {disk_gb: 20}\n")
    assert spec_warnings(s, load_catalog()) == []
    files = render_project(s, load_catalog())
    assert "a 20 GB disk (the base box is built with Packer at that size)" in files["README.md"].decode()
    assert re.search(r"variable \"disk_size\" \{\n  type += number\n  default += 20480\n", files["packer/variables.pkr.hcl"].decode())


def test_a_provider_that_cannot_resize_says_so():
    s = spec("parallels", extra="base_box: {name: mylab/box}\nresources: {disk_gb: 40}\n")
    (warning,) = spec_warnings(s, load_catalog())
    assert "cannot resize Parallels Desktop disks" in warning.message
    assert "Vagrant cannot resize it on this provider" in files_of(s)[1]


def test_gaev_build_runs_vagrant_up_with_the_disks_flag_only_when_needed(tmp_path):
    # GAEV_BUILD=1 is always there (the packaged box carries no private key).
    for cap, expected in ((100, {"GAEV_BUILD": "1", "VAGRANT_EXPERIMENTAL": "disks"}), (20, {"GAEV_BUILD": "1"})):
        out = tmp_path / str(cap)
        write_project(render_project(spec(extra=f"resources: {{disk_gb: {cap}}}\n"), load_catalog()), out)
        up = next(s for s in stages.plan(load_project(out)) if s.id == "up")
        assert up.env == expected, cap


@pytest.mark.tools
def test_real_vagrant_ignores_the_disk_without_the_flag_and_the_vagrantfile_says_so(tmp_path):
    vagrant = need_tool("vagrant")["vagrant"]
    out = tmp_path / "p"
    write_project(render_project(spec(extra="resources: {disk_gb: 100}\n"), load_catalog()), out)
    base = {**os.environ, "VAGRANT_CHECKPOINT_DISABLE": "1", "VAGRANT_LOG": "warn", "VAGRANT_HOME": str(tmp_path / "vh")}
    base.pop("VAGRANT_EXPERIMENTAL", None)
    without = subprocess.run([vagrant, "validate"], cwd=out, capture_output=True, text=True, env=base, timeout=300)
    assert without.returncode == 0, without.stderr
    assert "GAEV: the 100 GB disk needs VAGRANT_EXPERIMENTAL=disks" in without.stderr
    assert "experimental feature is not enabled" in without.stderr and "will be ignored" in without.stderr
    flagged = subprocess.run([vagrant, "validate"], cwd=out, capture_output=True, text=True, timeout=300,
                             env={**base, "VAGRANT_EXPERIMENTAL": "disks"})
    assert flagged.returncode == 0, flagged.stderr
    assert "GAEV:" not in flagged.stderr and "experimental feature is not enabled" not in flagged.stderr


# --- Windows host paths in shared folders (here for want of a better home) ---------------

def test_windows_host_folders_are_written_with_forward_slashes():
    s = spec(extra="shared_folders: [{host: C:\\Users\\me\\data, guest: /data}, {host: ./d, guest: /d}]\n")
    assert s.shared_folders[0].host == "C:\\Users\\me\\data"  # kept as typed in the spec
    vagrantfile, readme = files_of(s)
    assert "config.vm.synced_folder 'C:/Users/me/data', '/data', create: true" in vagrantfile
    assert "config.vm.synced_folder './d', '/d', create: true" in vagrantfile
    assert "`C:\\Users\\me\\data` on this machine" in readme
    (warning,) = spec_warnings(s, load_catalog())
    assert warning.field == "shared_folders[0].host" and "only on a Windows computer" in warning.message


@pytest.mark.tools
def test_ruby_reads_the_windows_folder_path_back(tmp_path):
    ruby = need_tool("ruby")["ruby"]
    s = spec(extra="shared_folders: [{host: 'C:\\Users\\me\\lab data', guest: /data}]\n")
    line = next(text for text in files_of(s)[0].splitlines() if "synced_folder 'C:" in text)
    literal = line.split("synced_folder ", 1)[1].split(", ", 1)[0]
    done = subprocess.run([ruby, "-e", f"print {literal}"], capture_output=True, text=True, timeout=60)
    assert done.stdout == "C:/Users/me/lab data"
