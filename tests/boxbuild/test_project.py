"""Reading a project for a build: the fields it needs, and one clear error otherwise."""

from __future__ import annotations

import pytest

from gaev_tui.boxbuild.project import load_project
from gaev_tui.errors import InputError
from tests.fakes.project import write_project


def test_reads_spec_and_lock(tmp_path):
    write_project(tmp_path / "p", extra="resources:\n  disk_gb: 20\nbase_box:\n  build: packer\n")
    project = load_project(tmp_path / "p")
    assert (project.name, project.provider, project.driver, project.disk_gb) == ("demo", "libvirt", "qemu", 20)
    assert project.base_box_build == "packer" and project.base_box_name == "gaev/test"
    assert project.family == "debian"
    assert project.box_path == tmp_path / "p" / "builds" / "demo-libvirt.box"
    assert project.checksum_path.name == "demo-libvirt.box.sha256"
    assert project.manifest_path.name == "demo-libvirt.manifest.json"


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ("name: Bad Name\nprovider: libvirt\n", "name"),
        ("name: demo\nos: ubuntu-22.04\nprovider: [libvirt]\n", "provider"),
        ("name: demo\nos: ubuntu-22.04\nprovider: libvirt\nresources:\n  disk_gb: lots\n", "resources.disk_gb"),
        ("name: demo\nos: ubuntu-22.04\nprovider: libvirt\nprovider_options: 3\n", "provider_options"),
    ],
)
def test_bad_fields_are_named(tmp_path, spec, field):
    write_project(tmp_path / "p")
    (tmp_path / "p" / "gaev.yaml").write_text(spec)
    with pytest.raises(InputError) as err:
        load_project(tmp_path / "p")
    assert err.value.location.field == field
    assert err.value.location.file.endswith("gaev.yaml")


def test_not_a_project(tmp_path):
    with pytest.raises(InputError, match="not a directory"):
        load_project(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="has no Vagrantfile"):
        load_project(tmp_path / "empty")


def test_broken_yaml_names_the_line(tmp_path):
    write_project(tmp_path / "p")
    (tmp_path / "p" / "gaev.yaml").write_text("name: demo\nprovider: [libvirt\n")
    with pytest.raises(InputError) as err:
        load_project(tmp_path / "p")
    assert err.value.location.line is not None


def test_broken_lock_is_bad_input(tmp_path):
    write_project(tmp_path / "p")
    (tmp_path / "p" / "gaev.lock.json").write_text("{not json")
    with pytest.raises(InputError, match=r"gaev\.lock\.json"):
        load_project(tmp_path / "p")
