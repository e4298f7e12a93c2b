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
    from gaev_tui.envspec import parse_spec_text
    from gaev_tui.render import render_project

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


def test_the_seed_jupyterhub_example_generates_what_a_class_needs():
    """examples/jupyterhub-vm.yaml: a current R from CRAN's repository, CRAN and
    Bioconductor packages in one pass, the R kernel, the hub's port, the shared folder."""
    from pathlib import Path

    from gaev_tui.catalog import load_catalog
    from gaev_tui.envspec import parse_spec_text
    from gaev_tui.render import render_project

    from .project import load_vars

    catalog = load_catalog(include_user=False)
    text = (Path(__file__).parents[2] / "examples" / "jupyterhub-vm.yaml").read_text()
    files = {k: v.decode() for k, v in render_project(parse_spec_text(text, catalog), catalog).items()}
    data = load_vars(files["ansible/vars/all.yml"])
    assert data["gaev_r_apt"]["url"] == "https://cloud.r-project.org/bin/linux/ubuntu"
    assert data["gaev_r_apt"]["suite"] == "jammy-cran40/"
    assert "gaev-cran.list" in files["ansible/roles/repositories/tasks/main.yml"]
    assert {"ggplot2", "data.table", "IRkernel"} <= set(data["gaev_r_packages"])
    assert data["gaev_bioconductor_packages"] == ["limma"]
    install = files["ansible/roles/r_packages/tasks/install.yml"]
    assert install.count("ansible.builtin.command:") == 1 and "['--bioc'] + gaev_bioconductor_packages" in install
    assert "BiocManager::install(plain" in files["ansible/roles/r_packages/files/gaev_r_install.R"]
    assert "zlib1g-dev" in data["gaev_r_system_libraries"] and "libzmq3-dev" in data["gaev_r_system_libraries"]
    assert "IRkernel::installspec" in files["ansible/roles/jupyterhub/tasks/r_kernel.yml"]
    assert "guest: 80, host: 8080" in files["Vagrantfile"] and "http://localhost:8080/" in files["README.md"]
    assert data["gaev_shared_folders"] == ["/media/sf_DATA"]
    assert "/etc/skel/" in files["ansible/roles/jupyterhub/tasks/shared_folders.yml"]
    assert data["gaev_tljh"]["version"] == "2.0.0"
    assert data["gaev_tljh"]["config"]["services"]["cull"] == {"enabled": True, "timeout": 3600}


def test_default_app_forwards_avoid_clashes_and_yield_to_the_spec():
    from gaev_tui.catalog import load_catalog
    from gaev_tui.envspec import parse_spec_text
    from gaev_tui.render.project import forwards

    catalog = load_catalog(include_user=False)
    base = "name: f\nos: debian-12\nprovider: libvirt\nresources: {memory_mb: 8192}\n"
    spec = parse_spec_text(base + "apps: [jupyterhub, nmrprocflow, rstudio_server]\n", catalog)
    assert [(f.guest, f.host, f.default) for f in forwards(spec, catalog)] == [(80, 8080, True), (8080, 8081, True), (8787, 8787, True)]
    spec = parse_spec_text(base + "apps: [jupyterhub]\nnetwork: {forwarded_ports: [{guest: 80, host: 9000}]}\n", catalog)
    assert [(f.guest, f.host, f.default) for f in forwards(spec, catalog)] == [(80, 9000, False)]


@pytest.mark.parametrize(("options", "message"), [
    ("{jupyterhub: {idle_timout_minutes: 5}}", "unknown key 'idle_timout_minutes'; did you mean 'idle_timeout_minutes'?"),
    ("{jupyterhub: {memory_limit_mb: -1}}", "must be between 0 and 1048576"),
    ("{rstudio_server: {cpu_limit: 1}}", "'rstudio_server' is not among this spec's apps (jupyterhub)"),
])
def test_app_options_are_checked(options, message):
    from gaev_tui.catalog import load_catalog
    from gaev_tui.envspec import parse_spec_text
    from gaev_tui.errors import InputError

    text = f"name: h\nos: ubuntu-22.04\nprovider: virtualbox\napps: [jupyterhub]\napp_options: {options}\n"
    with pytest.raises(InputError) as error:
        parse_spec_text(text, load_catalog(include_user=False))
    assert message in str(error.value) and ":5:" in str(error.value)


def test_app_options_round_trip_through_the_normalised_spec():
    from gaev_tui.catalog import load_catalog
    from gaev_tui.envspec import dump_spec, parse_spec_text

    catalog = load_catalog(include_user=False)
    text = "name: h\nos: ubuntu-22.04\nprovider: virtualbox\napps: [jupyterhub]\napp_options: {jupyterhub: {idle_timeout_minutes: 0}}\n"
    spec = parse_spec_text(text, catalog)
    assert parse_spec_text(dump_spec(spec), catalog) == spec
    from gaev_tui.render.ansible import tljh_config
    assert tljh_config(spec, catalog, catalog.apps["jupyterhub"])["services"]["cull"]["enabled"] is False
