"""macOS guests take Homebrew (brew), TeX Live (tex), Python, R and Bioconductor packages;
Linux guests refuse brew and macOS guests apt, each with one message saying what to write."""

from __future__ import annotations

import pytest

from gaev_tui import names
from gaev_tui.envspec import dump_spec, parse_spec_text
from gaev_tui.errors import InputError

MAC = "name: m\nos: macos\nprovider: virtualbox\n"
LINUX = "name: l\nos: ubuntu-22.04\nprovider: virtualbox\n"


def error_of(text: str) -> InputError:
    with pytest.raises(InputError) as info:
        parse_spec_text(text, file="spec.yaml")
    return info.value


def test_macos_accepts_every_kind_it_provisions():
    spec = parse_spec_text(MAC + "packages:\n  brew: [wget, gcc@13, gcc@12, 'cask:rstudio', homebrew/cask-fonts/font-fira-code]\n"
                           "  tex: [latexmk, IEEEtran]\n  r: [ggplot2]\n  bioconductor: [limma]\n  python: [numpy]\n")
    assert spec.packages.brew == ("wget", "gcc@13", "gcc@12", "cask:rstudio", "homebrew/cask-fonts/font-fira-code")
    assert spec.packages.tex == ("latexmk", "IEEEtran")
    again = parse_spec_text(dump_spec(spec))  # the normal form keeps them
    assert again.packages == spec.packages


def test_linux_refuses_brew_and_says_what_to_use():
    error = error_of(LINUX + "packages:\n  brew: [wget]\n")
    assert (error.location.line, error.location.field) == (5, "packages.brew")
    assert "brew packages cannot be installed on Ubuntu 22.04" in error.message
    assert "possible: apt, python, r, bioconductor" in error.message
    assert "Homebrew is for macOS guests: list system packages under apt" in error.message
    assert "for macOS guests" in error_of(LINUX + "packages:\n  tex: [latexmk]\n").message


def test_macos_refuses_apt_and_choco():
    error = error_of(MAC + "packages:\n  apt: [git]\n")
    assert error.location.field == "packages.apt"
    assert "possible: brew, python, r, bioconductor, tex" in error.message
    assert "list them under brew" in error.message
    assert error_of(MAC + "packages:\n  choco: [git]\n").location.field == "packages.choco"


def test_windows_refuses_brew():
    error = error_of("name: w\nos: windows-11\nprovider: virtualbox\npackages:\n  brew: [wget]\n")
    assert error.location.field == "packages.brew" and "possible: choco, r, bioconductor" in error.message


@pytest.mark.parametrize(("value", "words"), [
    ("Wget", "write 'wget'"),
    ("wget==1.21", "Homebrew cannot"),
    ("cask:", None),
    ("user/wget", None),
    ("a/b/c/d", None),
    ("-rf", None),
    ("wget; rm", None),
    ("cask:Firefox", "write 'cask:firefox'"),
])
def test_brew_grammar(value, words):
    reason = names.brew_package(value)
    assert reason is not None
    if words:
        assert words in reason
    error = error_of(MAC + f"packages:\n  brew: ['{value}']\n")
    assert error.location.field == "packages.brew[0]"


def test_brew_duplicates_compare_whole_names():
    assert "lower case" in error_of(MAC + "packages:\n  brew: [wget, WGET]\n").message
    assert "listed twice" in error_of(MAC + "packages:\n  brew: [gcc@13, gcc@13]\n").message


@pytest.mark.parametrize("value", ["la tex", "-latexmk", "x;y", ""])
def test_tex_grammar(value):
    assert names.tex_package(value) is not None


def test_macos_shared_folders_stay_off_the_read_only_system_volume():
    error = error_of(MAC + "shared_folders: [{host: ./d, guest: /data}]\n")
    assert error.location.field == "shared_folders[0].guest" and "read-only system volume" in error.message
    assert "/Users/vagrant/" in error.message
    spec = parse_spec_text(MAC + "shared_folders: [{host: ./d, guest: /Users/vagrant/data}]\n")
    assert spec.shared_folders[0].guest == "/Users/vagrant/data"
    # Linux guests keep their freedom.
    assert parse_spec_text(LINUX + "shared_folders: [{host: ./d, guest: /data}]\n").shared_folders
