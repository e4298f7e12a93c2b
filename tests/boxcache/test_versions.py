"""Box versions sort as Vagrant (Gem::Version) sorts them."""

from __future__ import annotations

from gaev_tui.boxcache.versions import is_valid, newer, sort_key


def test_order_matches_rubygems():
    given = ["2.0", "1.10", "1.0.0", "1.9", "0", "1.0.0-rc1", "1.0.0.beta", "1.0.1"]
    assert sorted(given, key=sort_key) == [
        "0", "1.0.0.beta", "1.0.0-rc1", "1.0.0", "1.0.1", "1.9", "1.10", "2.0"]


def test_trailing_zeros_are_equal_and_validity():
    assert not newer("1.0", "1.0.0") and not newer("1.0.0", "1.0")
    assert newer("1.0.1", "1.0")
    assert is_valid("2024.01.15") and is_valid("1.0-1")
    assert not is_valid("v1.0") and not is_valid("latest") and not is_valid("")
