"""``targets:`` in the spec: checked, normalised, and what it adds to the project."""

from __future__ import annotations

import pytest

from gaev_tui.catalog import load_catalog
from gaev_tui.envspec import dump_spec, parse_spec_text
from gaev_tui.errors import InputError
from gaev_tui.render.ansible import roles_for
from gaev_tui.render.project import render_project

BASE = "name: cloudy\nos: debian-12\nprovider: libvirt\napps: [jupyterhub]\n"


def test_default_is_vagrant_only_and_adds_nothing():
    spec = parse_spec_text(BASE)
    assert spec.targets == ("vagrant",) and not spec.cloud
    files = render_project(spec, load_catalog())
    assert "cloud/user-data" not in files
    assert "cloud_ready" not in roles_for(spec, load_catalog())
    assert "targets" not in dump_spec(spec)


def test_openstack_adds_the_role_the_hook_data_and_the_user_data():
    catalog = load_catalog()
    spec = parse_spec_text(BASE + "targets: [openstack, vagrant]\n")
    assert spec.targets == ("vagrant", "openstack")  # canonical order
    assert parse_spec_text(dump_spec(spec)) == spec
    roles = roles_for(spec, catalog)
    assert roles.index("jupyterhub") < roles.index("cloud_ready") < roles.index("manifest")
    files = render_project(spec, catalog)
    assert files["cloud/user-data"].startswith(b"#cloud-config\n")
    assert "ansible/roles/cloud_ready/files/gaev-base-url" in files
    assert b"c.JupyterHub.public_url" in files["ansible/vars/all.yml"]


@pytest.mark.parametrize(
    ("extra", "line", "field", "words"),
    [
        ("targets: [aws]\n", 5, "targets[0]", "unknown target 'aws'"),
        ("targets: [vagrant, opnestack]\n", 5, "targets[1]", "did you mean 'openstack'"),
        ("targets: [openstack]\n", 5, "targets", "must include 'vagrant'"),
        ("targets: [vagrant, vagrant]\n", 5, "targets[1]", "listed twice"),
        ("targets: openstack\n", 5, "targets", "a list"),
    ],
)
def test_bad_targets_name_the_line_and_field(extra, line, field, words):
    with pytest.raises(InputError) as info:
        parse_spec_text(BASE + extra, file="spec.yaml")
    message = str(info.value)
    assert f"spec.yaml:{line}" in message and field in message and words in message


def test_windows_cannot_target_openstack():
    text = "name: w\nos: windows-11\nprovider: virtualbox\ntargets: [vagrant, openstack]\n"
    with pytest.raises(InputError, match="Linux guests only"):
        parse_spec_text(text, file="spec.yaml")
