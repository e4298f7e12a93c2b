"""Each spec rule refuses bad input with one message naming file, line and field."""

from __future__ import annotations

import pytest

from gaev_tui.envspec import dump_spec, parse_spec_text
from gaev_tui.errors import InputError

BASE = "name: vm1\nos: ubuntu-22.04\nprovider: virtualbox\n"


def error_of(text: str) -> InputError:
    with pytest.raises(InputError) as info:
        parse_spec_text(text, file="spec.yaml")
    return info.value


@pytest.mark.parametrize(
    ("extra", "line", "field", "words"),
    [
        ("nmae: x\n", 4, "nmae", "did you mean 'name'"),
        ("resources: {cpus: 0}\n", 4, "resources.cpus", "between 1 and 64"),
        ("resources: {cpus: 2, memory_mb: 100}\n", 4, "resources.memory_mb", "between 256"),
        ("resources: {memroy_mb: 1024}\n", 4, "resources.memroy_mb", "did you mean 'memory_mb'"),
        ("resources: {cpus: two}\n", 4, "resources.cpus", "whole number"),
        ("hostname: bad_host!\n", 4, "hostname", "letters, digits and hyphens"),
        ("hostname: no\n", 4, "hostname", "boolean"),
        ("packages:\n  python: [numpy, 'pandas>>2']\n", 5, "packages.python[1]", "PEP 508"),
        ("packages:\n  python: ['git+https://x.org/a.git']\n", 5, "packages.python[0]", "PEP 508"),
        ("packages:\n  r: [ggplot2, 2bad]\n", 5, "packages.r[1]", "R package name"),
        ("packages:\n  apt: [Git]\n", 5, "packages.apt[0]", "Debian package name"),
        ("packages:\n  apt: [git, git]\n", 5, "packages.apt[1]", "listed twice"),
        ("packages:\n  pip: [numpy]\n", 5, "packages.pip", "unknown key"),
        ("packages:\n  choco: [git]\n", 5, "packages.choco", "cannot be installed on"),
        ("network:\n  forwarded_ports: [{guest: 80, host: 80}]\n", 5, "network.forwarded_ports[0].host", "between 1024"),
        ("network:\n  forwarded_ports: [{guest: 70000, host: 8000}]\n", 5, "network.forwarded_ports[0].guest", "between 1"),
        ("network:\n  forwarded_ports:\n  - {guest: 80, host: 8000}\n  - {guest: 81, host: 8000}\n", 7, "network.forwarded_ports[1].host", "twice"),
        ("network:\n  private_network: 8.8.8.8\n", 5, "network.private_network", "not a private address"),
        ("network:\n  private_network: 10.0.0.300\n", 5, "network.private_network", "IPv4"),
        ("shared_folders: [{host: ./d, guest: data}]\n", 4, "shared_folders[0].guest", "absolute path"),
        ("shared_folders: [{host: ./d, guest: /}]\n", 4, "shared_folders[0].guest", "hide the VM"),
        ("shared_folders: [{host: \"a\\nb\", guest: /d}]\n", 4, "shared_folders[0].host", "control character"),
        ("apps: [jupyterhbu]\n", 4, "apps[0]", "did you mean 'jupyterhub'"),
        ("apps: [jupyterhub]\nresources: {memory_mb: 512}\n", 5, "resources.memory_mb", "need"),
        ("timezone: Paris time\n", 4, "timezone", "time zone"),
        ("locale: french\n", 4, "locale", "locale glibc supports"),
        ("provider_options: {driver: qemu}\n", 4, "provider_options.driver", "unknown key"),
        ("base_box: {version: latest}\n", 4, "base_box.version", "box version"),
        ("base_box: {build: docker}\n", 4, "base_box.build", "only way"),
        ("base_box: {name: 'bad box'}\n", 4, "base_box.name", "box name"),
    ],
)
def test_rule(extra, line, field, words):
    error = error_of(BASE + extra)
    assert error.location.file == "spec.yaml"
    assert error.location.field == field
    assert error.location.line == line
    assert words in error.message


def test_name_grammar_and_required_keys():
    assert error_of("name: My VM\nos: ubuntu-22.04\nprovider: virtualbox\n").location.field == "name"
    missing = error_of("name: vm1\nprovider: virtualbox\n")
    assert missing.location.field == "os" and "required" in missing.message


def test_unknown_os_and_provider_hint():
    assert "did you mean 'ubuntu-22.04'" in error_of("name: v\nos: ubuntu-2204\nprovider: virtualbox\n").message
    assert "did you mean 'libvirt'" in error_of("name: v\nos: ubuntu-22.04\nprovider: libvirtt\n").message


def test_provider_without_box_for_os_says_why():
    error = error_of("name: v\nos: windows-11\nprovider: libvirt\n")
    assert error.location.field == "provider" and "no libvirt" in error.message.lower()


def test_duplicate_key_and_bad_yaml_name_the_line():
    assert error_of(BASE + "name: again\n").location.line == 4
    assert error_of(BASE + "resources: {cpus: 2\n").location.line is not None
    assert "empty" in error_of("").message


def test_libvirt_driver_values():
    good = parse_spec_text("name: v\nos: debian-12\nprovider: libvirt\nprovider_options: {driver: qemu}\n")
    assert good.provider_options == {"driver": "qemu"}
    bad = error_of("name: v\nos: debian-12\nprovider: libvirt\nprovider_options: {driver: xen}\n")
    assert bad.location.field == "provider_options.driver"


def test_normalised_dump_round_trips(examples):
    for path in examples:
        spec = parse_spec_text(path.read_text(), file=str(path))
        assert parse_spec_text(dump_spec(spec)) == spec
