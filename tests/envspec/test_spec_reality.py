"""Spec values checked against reality rather than a pattern: time zones against the
IANA database, locales against glibc's supported list, with the closest real name."""

from __future__ import annotations

import pytest

from gaev_tui import names, zones_locales
from gaev_tui.envspec import parse_spec_text
from gaev_tui.errors import InputError

BASE = "name: vm1\nos: ubuntu-22.04\nprovider: virtualbox\n"


def error_of(text: str) -> InputError:
    with pytest.raises(InputError) as info:
        parse_spec_text(text, file="spec.yaml")
    return info.value


@pytest.mark.parametrize("zone", ["MET", "CET", "Etc/GMT+1", "UTC", "Europe/Paris", "America/Argentina/Buenos_Aires"])
def test_real_time_zones_are_accepted(zone):
    assert parse_spec_text(BASE + f"timezone: {zone}\n").timezone == zone


@pytest.mark.parametrize(("zone", "meant"), [("Europe/Pariss", "Europe/Paris"), ("Europe/Pars", "Europe/Paris"),
                                             ("europe/paris", "Europe/Paris")])
def test_misspelt_time_zones_are_refused_with_the_real_name(zone, meant):
    error = error_of(BASE + f"timezone: {zone}\n")
    assert error.location.field == "timezone" and error.location.line == 4
    assert "IANA" in error.message and f"did you mean '{meant}'?" in error.message


def test_a_zone_nowhere_near_a_real_one_gets_no_guess():
    assert names.timezone("Nowhere/Atlantis") == "is not a time zone of the IANA database (like 'Europe/Paris', 'UTC')"


@pytest.mark.parametrize("locale", ["fr_FR.UTF-8", "C.UTF-8", "en_US.UTF-8", "de_DE@euro", "sr_RS@latin"])
def test_supported_locales_are_accepted(locale):
    assert parse_spec_text(BASE + f"locale: {locale}\n").locale == locale


@pytest.mark.parametrize(("locale", "meant"), [("fr_FR.utf8", "fr_FR.UTF-8"), ("fr_FF.UTF-8", "fr_FR.UTF-8"),
                                               ("en_US.UTF8", "en_US.UTF-8")])
def test_unsupported_locales_are_refused_with_the_real_name(locale, meant):
    error = error_of(BASE + f"locale: {locale}\n")
    assert error.location.field == "locale" and f"did you mean '{meant}'?" in error.message


def test_c_and_posix_say_they_need_no_setting():
    assert "leave it blank" in error_of(BASE + "locale: C\n").message


def test_the_locale_list_is_glibcs_and_says_where_it_came_from():
    from importlib import resources

    text = resources.files("gaev_tui").joinpath("data/glibc_supported_locales.txt").read_text()
    assert "/usr/share/i18n/SUPPORTED" in text.splitlines()[0] and "2.36" in text
    assert len(zones_locales.locales()) > 400 and "fr_FR.UTF-8" in zones_locales.locales()


# --- networks: what VirtualBox and libvirt really allow ---------------------------------

@pytest.mark.parametrize("provider", ["virtualbox", "libvirt"])
def test_the_hosts_own_dot_one_address_is_refused(provider):
    os_id = "debian-12"
    error = error_of(f"name: vm1\nos: {os_id}\nprovider: {provider}\nnetwork: {{private_network: 192.168.99.1}}\n")
    assert error.location.field == "network.private_network"
    assert "gives this computer" in error.message and "192.168.99.10" in error.message


@pytest.mark.parametrize(("address", "word"), [("192.168.56.0", "network"), ("10.1.2.255", "broadcast")])
def test_network_and_broadcast_addresses_are_refused(address, word):
    assert f"the {word} address" in error_of(BASE + f"network: {{private_network: {address}}}\n").message


def test_virtualbox_host_only_range_is_a_warning_with_the_networks_conf_hint():
    from gaev_tui.catalog import load_catalog
    from gaev_tui.envspec.advice import spec_warnings

    catalog = load_catalog()
    outside = parse_spec_text(BASE + "network: {private_network: 192.168.99.10}\n", catalog)
    (warning,) = spec_warnings(outside, catalog)
    assert warning.field == "network.private_network"
    assert "192.168.56.0/21" in warning.message and "/etc/vbox/networks.conf" in warning.message
    assert "'* 192.168.99.0/24'" in warning.message
    for address in ("192.168.56.10", "192.168.63.254"):  # inside the /21: nothing to say
        assert spec_warnings(parse_spec_text(BASE + f"network: {{private_network: {address}}}\n", catalog), catalog) == []
    libvirt = parse_spec_text("name: vm1\nos: debian-12\nprovider: libvirt\nnetwork: {private_network: 192.168.99.10}\n", catalog)
    assert spec_warnings(libvirt, catalog) == []  # only VirtualBox has that limit


def test_generate_and_validate_show_the_warning(tmp_path, capsys):
    from gaev_tui.cli.main import main

    spec = tmp_path / "gaev.yaml"
    spec.write_text(BASE + "network: {private_network: 192.168.99.10}\n")
    assert main(["generate", str(spec), "-o", str(tmp_path / "p")]) == 0
    err = capsys.readouterr().err
    assert f"gaev: warning: {spec}: network.private_network: VirtualBox 6.1.28" in err
    main(["validate", str(tmp_path / "p")])
    out = capsys.readouterr().out
    assert "warning gaev.yaml: network.private_network" in out and "/etc/vbox/networks.conf" in out


# --- messages in plain words -----------------------------------------------------------

@pytest.mark.parametrize(("value", "words"), [
    ("pandas===", "like 'pandas', 'pandas==2.2.2' or 'pandas>=2'"),
    ("pandas==", "like 'pandas', 'pandas==2.2.2' or 'pandas>=2'"),
    ("pandas=2.2", "write 'pandas==2.2'"),
    ("pandas@2.2", "pins a version with '==', not '@': write 'pandas==2.2'"),
    ("git+https://x.org/a.git", "not a URL"),
])
def test_python_requirements_say_what_to_write(value, words):
    message = names.python_requirement(value)
    assert words in message and "Expected" not in message


@pytest.mark.parametrize(("check", "value", "words"), [
    (names.debian_package, "Git", "write 'git'"),
    (names.debian_package, "git==1:2.39", "write 'git=1:2.39'"),
    (names.r_package, "ggplot2==3.5.1", "write 'ggplot2@3.5.1'"),
    (names.choco_package, "git=2.44.0", "write 'git@2.44.0'"),
])
def test_pins_in_another_languages_syntax_get_the_right_one(check, value, words):
    assert words in check(value)


def test_a_low_host_port_says_it_is_the_host_port():
    error = error_of(BASE + "network:\n  forwarded_ports: [{guest: 80, host: 80}]\n")
    assert error.location.field == "network.forwarded_ports[0].host"
    assert error.message.startswith("this computer's port (host port) must be between 1024 and 65535, got 80")
    assert "8080" in error.message
    guest = error_of(BASE + "network:\n  forwarded_ports: [{guest: 70000, host: 8000}]\n")
    assert guest.message == "the VM's port must be between 1 and 65535, got 70000"


# --- every error at once ---------------------------------------------------------------

MANY = """name: Bad Name
os: ubuntu-22.04
provider: virtualbox
resources: {cpus: 0, memory_mb: 100}
network:
  private_network: 8.8.8.8
  forwarded_ports: [{guest: 80, host: 80}, {guest: 81, host: 8001}, {guest: 70000, host: 8002}]
packages:
  python: ['pandas===', numpy, 'x>>']
timezone: Europe/Pariss
"""


def test_spec_errors_lists_every_problem_in_spec_order():
    from gaev_tui.envspec import spec_errors_text

    errors = spec_errors_text(MANY, file="spec.yaml")
    assert [e.location.field for e in errors] == [
        "name", "resources.cpus", "resources.memory_mb", "network.private_network",
        "network.forwarded_ports[0].host", "network.forwarded_ports[2].guest",
        "packages.python[0]", "packages.python[2]", "timezone",
    ]
    assert all(e.location.file == "spec.yaml" and e.location.line for e in errors)
    # The first of them is what parse_spec raises: one rule set, two ways to report.
    assert str(errors[0]) == str(error_of(MANY))
    assert spec_errors_text(BASE) == []


def test_a_part_that_depends_on_a_wrong_one_waits_for_it():
    from gaev_tui.envspec import spec_errors_text

    errors = spec_errors_text("name: a\nos: nope\nprovider: virtualbox\npackages: {python: ['x==']}\n")
    assert [e.location.field for e in errors] == ["os"]  # packages depend on the OS family
    assert len(spec_errors_text("name: [oops\n")) == 1  # not YAML: one error


def test_the_wizard_gets_every_error_of_its_answers():
    from gaev_tui.catalog import load_catalog
    from gaev_tui.wizard_state import WizardState

    state = WizardState(name="vm1", os="ubuntu-22.04", provider="virtualbox", cpus="0", memory_mb="100",
                        timezone="Europe/Pars", forwarded_ports="80:80")
    fields = [e.location.field for e in state.errors(load_catalog(), upto="resources")]
    assert fields == ["resources.cpus", "resources.memory_mb", "network.forwarded_ports[0].host", "timezone"]
    state.forwarded_ports = "8000"  # the wizard's own syntax: its error alone
    (error,) = state.errors(load_catalog(), upto="resources")
    assert "is not THIS-MACHINE:VM" in error.message


@pytest.mark.parametrize(("check", "value", "fixed"), [
    (names.project_name, "My VM", "my-vm"), (names.project_name, "Été 2024", "ete-2024"),
    (names.hostname, "bad_host!", "bad-host"), (names.hostname, "jupyter hub.lab", "jupyter-hub.lab"),
])
def test_bad_names_come_with_a_usable_one(check, value, fixed):
    message = check(value)
    assert message.endswith(f", like '{fixed}'")
    assert check(fixed) is None
