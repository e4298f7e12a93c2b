"""The wizard's state <-> spec conversion (no UI)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gaev_tui.catalog import load_catalog
from gaev_tui.envspec import parse_spec_text, spec_to_dict
from gaev_tui.errors import InputError
from gaev_tui.hostfacts import HostFacts, provider_status
from gaev_tui.wizard_facts import (
    apply_app_defaults,
    categories_for,
    offered_packages,
    packer_reason,
    proposed_host_port,
)
from gaev_tui.wizard_state import WizardState, parse_folders, parse_ports, step_of

SEED = """
name: jupyterhub-vm
description: JupyterHub for a class.
os: ubuntu-22.04
provider: virtualbox
base_box: {name: ubuntu/jammy64, version: "20240101.0.0"}
hostname: jupyterhub
resources: {cpus: 2, memory_mb: 2048, disk_gb: 18}
network:
  private_network: dhcp
  forwarded_ports: [{guest: 80, host: 8000}, {guest: 53, host: 5353, protocol: udp}]
shared_folders: [{host: ./data, guest: /media/sf_DATA}, {host: /srv/x, guest: /x}]
packages: {apt: [git], python: [numpy, "pandas==2.2.2"], r: [ggplot2], bioconductor: [DESeq2]}
apps: [jupyterhub]
timezone: Europe/Paris
locale: fr_FR.UTF-8
"""


def test_round_trip_is_lossless(catalog):
    spec = parse_spec_text(SEED, catalog)
    state = WizardState.from_spec(spec)
    assert state.to_spec_dict() == spec_to_dict(spec)
    assert state.check(catalog) == spec


def test_round_trip_of_packer_and_options(catalog):
    text = "name: b\nos: ubuntu-22.04\nprovider: libvirt\nprovider_options: {driver: qemu}\nbase_box: {build: packer}\n"
    spec = parse_spec_text(text, catalog)
    assert WizardState.from_spec(spec).check(catalog) == spec


def test_every_example_round_trips():
    catalog = load_catalog(include_user=False)
    examples = sorted(Path(__file__).parents[1].joinpath("examples").glob("*.yaml"))
    assert len(examples) >= 3
    for path in examples:
        spec = parse_spec_text(path.read_text(), catalog)
        assert WizardState.from_spec(spec).check(catalog) == spec, path


def test_typed_text_reaches_the_parser_as_is(catalog):
    state = WizardState(name="x", os="ubuntu-22.04", provider="virtualbox", cpus="two")
    with pytest.raises(InputError) as err:
        state.check(catalog)
    assert err.value.location.field == "resources.cpus"
    assert step_of(err.value) == "resources"


def test_check_upto_a_step_ignores_later_steps(catalog):
    state = WizardState(name="x", os="ubuntu-22.04", provider="virtualbox", memory_mb="100", hostname="-bad-")
    state.packages["python"] = ["numpy"]
    spec = state.check(catalog, upto="packages")
    assert spec.packages.python == ("numpy",) and spec.hostname is None
    with pytest.raises(InputError) as err:
        state.check(catalog)
    assert err.value.location.field == "hostname"


def test_bad_package_names_point_at_the_item(catalog):
    state = WizardState(name="x", os="ubuntu-22.04", provider="virtualbox")
    state.packages["r"] = ["ggplot2", "9lives"]
    with pytest.raises(InputError) as err:
        state.check(catalog, upto="packages")
    assert err.value.location.field == "packages.r[1]" and step_of(err.value) == "packages"


def test_port_and_folder_syntax():
    assert parse_ports("8000:80, 5353:53/udp") == [{"guest": 80, "host": 8000}, {"guest": 53, "host": 5353, "protocol": "udp"}]
    assert parse_ports("8000:80 8787:8787") == [{"guest": 80, "host": 8000}, {"guest": 8787, "host": 8787}]
    with pytest.raises(InputError) as err:
        parse_ports("8000:80, 8000")
    assert err.value.location.field == "network.forwarded_ports[1]"
    assert parse_folders("./data -> /srv/data; C:\\x -> /x") == [
        {"host": "./data", "guest": "/srv/data"}, {"host": "C:\\x", "guest": "/x"}]
    with pytest.raises(InputError) as err:
        parse_folders("./data /srv")
    assert err.value.location.field == "shared_folders[0]"


def test_app_defaults_raise_memory_and_forward_ports(catalog):
    state = WizardState(memory_mb="1024", apps=["jupyterhub", "rstudio"])
    notes = apply_app_defaults(state, catalog)
    assert state.memory_mb == "3072" and state.forwarded_ports == "8000:80, 8787:8787"
    assert len(notes) == 3
    assert apply_app_defaults(state, catalog) == []  # nothing proposed twice
    assert proposed_host_port(443) == 8443 and proposed_host_port(22) == 10022


def test_facts_from_the_catalogue(catalog):
    assert categories_for(catalog, "ubuntu-22.04") == ("apt", "python", "r", "bioconductor")
    assert categories_for(catalog, "macos-14") == ("brew", "python", "r", "bioconductor", "tex")
    names = [o.name for o in offered_packages(catalog, "python")]
    assert names == ["numpy", "pandas", "matplotlib", "scikit-learn", "biopython", "pysam"]
    assert packer_reason(catalog, "ubuntu-22.04", "virtualbox") is None
    assert "no installer ISO" in packer_reason(catalog, "debian-12", "libvirt")


def test_provider_status(catalog):
    facts = HostFacts("linux", {"VBoxManage": None, "virsh": "9.0.0"}, ())
    assert provider_status(catalog.providers["virtualbox"], facts)[0] is False
    ok, why = provider_status(catalog.providers["libvirt"], facts)
    assert ok is False and "vagrant plugin install vagrant-libvirt" in why
    assert "cannot run on linux" in provider_status(catalog.providers["parallels"], facts)[1]
    assert provider_status(catalog.providers["libvirt"], None)[0] is None
