"""Spec values checked against reality rather than a pattern: time zones against the
IANA database, locales against glibc's supported list, with the closest real name."""

from __future__ import annotations

import pytest

from gaev_tui import names, zones_locales
from gaev_tui.errors import InputError
from gaev_tui.envspec import parse_spec_text

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
