"""Checks on the shipped roles and the test helpers that need no external tool."""

from __future__ import annotations

import re

import pytest
import yaml

from . import chroot
from .project import ROLES_DIR, load_vars, parse_recap, shipped_roles

RECAP = """\
TASK [manifest : Write the manifest] *******************************************
ok: [target]

PLAY RECAP *********************************************************************
target                     : ok=22   changed=0    unreachable=0    failed=0    skipped=8    rescued=0    ignored=0
other.example              : ok=3    changed=2    unreachable=1    failed=1    skipped=0    rescued=0    ignored=0

"""


def test_recap_is_parsed_per_host():
    recaps = parse_recap(RECAP)
    assert recaps["target"].changed == 0 and recaps["target"].ok == 22 and recaps["target"].skipped == 8
    assert recaps["other.example"].changed == 2 and recaps["other.example"].failed == 1
    assert recaps["other.example"].unreachable == 1


@pytest.mark.parametrize("text", ["", "PLAY [x] ***\nfatal: [t]: FAILED!\n", "PLAY RECAP ***\n\n"])
def test_output_without_recap_is_an_error(text):
    with pytest.raises(ValueError):
        parse_recap(text)


def test_only_the_last_recap_counts():
    first = RECAP.replace("changed=0", "changed=5")
    assert parse_recap(first + RECAP)["target"].changed == 0


def test_host_mirror_reads_deb822_sources(tmp_path):
    (tmp_path / "sources.list.d").mkdir()
    (tmp_path / "sources.list.d" / "other.sources").write_text(
        "Types: deb\nURIs: https://deb.nodesource.com/node_20.x\nSuites: nodistro\nComponents: main\n")
    (tmp_path / "sources.list.d" / "debian.sources").write_text(
        "Types: deb-src\nURIs: http://src.example/debian\nSuites: bookworm\n\n"
        "Types: deb\n# a comment\nURIs: http://mirror.example.org/debian/\nSuites: bookworm bookworm-updates\n"
        "Components: main\n")
    assert chroot.host_mirror(tmp_path) == "http://mirror.example.org/debian"


def test_host_mirror_reads_one_line_sources(tmp_path):
    (tmp_path / "sources.list").write_text(
        "# deb http://commented.example/debian bookworm main\n"
        "deb [arch=amd64 signed-by=/usr/share/keyrings/x.gpg] http://ftp.fr.debian.org/debian bookworm main\n")
    assert chroot.host_mirror(tmp_path) == "http://ftp.fr.debian.org/debian"


def test_host_mirror_falls_back_to_debian_org(tmp_path):
    (tmp_path / "sources.list").write_text("deb http://archive.ubuntu.com/ubuntu jammy main\n")
    assert chroot.host_mirror(tmp_path) == chroot.DEFAULT_MIRROR


def test_generated_windows_project_ships_the_one_r_installer():
    from gaev_tui.catalog import load_catalog
    from gaev_tui.render import render_project
    from gaev_tui.envspec import parse_spec_text

    catalog = load_catalog()
    spec = parse_spec_text("name: w\nos: windows-11\nprovider: virtualbox\npackages: {r: [ggplot2]}\n", catalog)
    files = render_project(spec, catalog)
    linux = (ROLES_DIR / "r_packages" / "files" / "gaev_r_install.R").read_bytes()
    assert files["ansible/roles/windows_r_packages/files/gaev_r_install.R"] == linux


@pytest.mark.parametrize("role", shipped_roles())
def test_role_layout_and_no_hidden_failures(role):
    base = ROLES_DIR / role
    meta = yaml.safe_load((base / "meta" / "main.yml").read_text())
    assert meta["galaxy_info"]["role_name"] == role
    assert (base / "defaults" / "main.yml").is_file()
    for path in base.rglob("*.yml"):
        text = path.read_text()
        assert "ignore_errors" not in text, path
        assert "failed_when: false" not in text, path
        assert not re.search(r"\bexit 0\b|\|\|\s*true\b", text), path


def test_role_defaults_cover_the_list_variables():
    """Every list/mapping a role loops on defaults to empty, so the role is then a no-op."""
    for role in shipped_roles():
        defaults = load_vars((ROLES_DIR / role / "defaults" / "main.yml").read_text())
        tasks = "".join(path.read_text() for path in sorted((ROLES_DIR / role / "tasks").glob("*.yml")))
        for name in ("gaev_apt_packages", "gaev_python_packages", "gaev_r_packages", "gaev_bioconductor_packages",
                     "gaev_choco_packages", "gaev_docker_apps", "gaev_tljh", "gaev_rstudio"):
            if re.search(rf"\b{name}\b", tasks):
                assert name in defaults and not defaults[name], (role, name)
