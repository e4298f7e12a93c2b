"""Rendering macOS projects: the roles a spec needs, the pinned installers it gets, the
Vagrantfile's SSH + host-side Ansible + rsync, the README's notes."""

from __future__ import annotations

import json

import pytest

from gaev_tui.catalog import load_catalog
from gaev_tui.catalog.load import embedded_catalog_text, parse_catalog
from gaev_tui.envspec import parse_spec_text
from gaev_tui.errors import GaevError, InputError
from gaev_tui.render import render_project
from gaev_tui.render.ansible import roles_for, vars_for
from gaev_tui.yamlsrc import loads

MAC = "name: m\nos: macos\nprovider: {provider}\n"


def spec_of(extra: str = "", provider: str = "virtualbox"):
    catalog = load_catalog(include_user=False)
    return parse_spec_text(MAC.format(provider=provider) + extra, catalog), catalog


@pytest.mark.parametrize(("packages", "roles", "pkgs"), [
    ("", ["macos_base", "macos_manifest"], []),
    ("packages: {brew: [wget]}\n", ["macos_base", "macos_packages", "macos_manifest"], []),
    ("packages: {r: [ggplot2]}\n", ["macos_base", "macos_packages", "r_packages", "macos_manifest"], ["R", "XQuartz"]),
    ("packages: {bioconductor: [limma], tex: [latexmk]}\n",
     ["macos_base", "macos_packages", "r_packages", "macos_manifest"], ["R", "XQuartz", "BasicTeX"]),
    ("packages: {python: [six]}\n", ["macos_base", "python_packages", "macos_manifest"], []),
])
def test_roles_and_installers_follow_the_spec(packages, roles, pkgs):
    spec, catalog = spec_of(packages)
    assert roles_for(spec, catalog) == roles
    data = vars_for(spec, catalog)
    assert [item["name"] for item in data["gaev_macos_pkgs"]] == pkgs
    assert ("gaev_homebrew_installer" in data) == bool(spec.packages.brew)


def test_casks_and_formulae_are_split_and_names_stay_data():
    spec, catalog = spec_of("packages: {brew: [wget, 'cask:rstudio', 'user/tap/tool']}\n")
    data = vars_for(spec, catalog)
    assert data["gaev_brew_formulae"] == ["wget", "user/tap/tool"] and data["gaev_brew_casks"] == ["rstudio"]
    assert all(type(name).__name__ == "Unsafe" for name in data["gaev_brew_formulae"])


@pytest.mark.parametrize("provider", ["virtualbox", "parallels"])
def test_vagrantfile_uses_ssh_host_ansible_and_rsync(provider):
    spec, catalog = spec_of("packages: {r: [ggplot2]}\nshared_folders: [{host: ./d, guest: /Users/vagrant/d}]\n", provider)
    files = render_project(spec, catalog)
    vagrantfile = files["Vagrantfile"].decode()
    assert "config.vm.communicator = 'ssh'" in vagrantfile and "ansible_local" not in vagrantfile
    assert "path: 'scripts/macos-python.sh'" in vagrantfile
    assert vagrantfile.index("gaev-python") < vagrantfile.index("gaev-ansible") < vagrantfile.index("gaev-cleanup")
    assert "ansible_python_interpreter: '/usr/bin/python3'" in vagrantfile
    assert "'/Users/vagrant/d', create: true, type: 'rsync'" in vagrantfile
    assert "args: ['zero']" not in vagrantfile
    assert b"softwareupdate" in files["scripts/macos-python.sh"]
    assert b"APFS" in files["scripts/cleanup.sh"] and b"apt-get" not in files["scripts/cleanup.sh"]
    lock = json.loads(files["gaev.lock.json"])
    assert lock["ansible"]["runs_on"] == "host" and lock["os"]["family"] == "macos"
    readme = files["README.md"].decode()
    assert "R 4.2.3 (`https://cloud.r-project.org/bin/macosx/base/R-4.2.3.pkg`, sha256 checked)" in readme
    assert "Ansible runs from this machine over SSH" in readme
    assert render_project(spec, catalog) == files  # byte-identical


def test_a_catalogue_without_the_installer_says_which():
    user = loads("oses:\n  macos:\n    provisioning:\n      installers: {}\n", "lab.yaml")
    catalog = parse_catalog(loads(embedded_catalog_text(), "embedded"), user)
    spec = parse_spec_text("name: m\nos: macos\nprovider: virtualbox\npackages: {tex: [latexmk]}\n", catalog)
    with pytest.raises(GaevError, match=r"provisioning\.installers\.tex"):
        render_project(spec, catalog)


def test_catalogue_installers_are_checked():
    bad = loads("oses:\n  macos:\n    provisioning:\n      installers:\n        r: {version: '4.5.2', "
                "url: 'http://x.org/R.pkg', sha256: 'abc'}\n", "lab.yaml")
    with pytest.raises(InputError, match="https://"):
        parse_catalog(loads(embedded_catalog_text(), "embedded"), bad)
    short = loads("oses:\n  macos:\n    provisioning:\n      installers:\n        r: {version: '4.5.2', "
                  "url: 'https://x.org/R.pkg', sha256: 'abc'}\n", "lab.yaml")
    with pytest.raises(InputError, match="64 hexadecimal"):
        parse_catalog(loads(embedded_catalog_text(), "embedded"), short)
