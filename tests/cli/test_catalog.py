"""``gaev catalog [--json]`` through the real CLI entry point."""

from __future__ import annotations

import json

import pytest

from gaev_tui import paths
from gaev_tui.catalog import load_catalog
from gaev_tui.cli.main import main


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    # rich wraps to 80 columns when not on a terminal; a wide one keeps each cell on one
    # line so that the tests can look for whole names.
    monkeypatch.setenv("COLUMNS", "250")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["catalog", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def write_user_catalog(text: str):
    path = paths.user_catalog_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_json_is_the_whole_catalogue_in_catalogue_order(capsys):
    code, out, err = run(capsys, "--json")
    assert code == 0 and err == ""
    data = json.loads(out)
    catalog = load_catalog()
    assert list(data) == ["providers", "oses", "package_sets", "apps", "r_libraries", "sources"]
    assert list(data["oses"]) == list(catalog.oses)
    ubuntu = data["oses"]["ubuntu-22.04"]
    assert ubuntu["boxes"]["virtualbox"][0] == {"name": catalog.oses["ubuntu-22.04"].default_box("virtualbox").name,
                                                "version": catalog.oses["ubuntu-22.04"].default_box("virtualbox").version,
                                                "description": catalog.oses["ubuntu-22.04"].default_box("virtualbox").description,
                                                "disk_gb": 64}
    assert ubuntu["iso"]["checksum"].startswith("sha256:")
    assert data["apps"]["rstudio_server"]["ports"] == [{"guest": 8787, "name": "RStudio Server web"}]
    assert data["providers"]["libvirt"]["packer_plugin"]["source"] == "github.com/hashicorp/qemu"


def test_json_output_is_stable(capsys):
    first = run(capsys, "--json")[1]
    assert run(capsys, "--json")[1] == first


def test_tables_show_oses_boxes_providers_sets_and_apps(capsys):
    code, out, err = run(capsys)
    assert code == 0 and err == ""
    catalog = load_catalog()
    for title in ("Operating systems", "Providers", "Package sets", "Applications"):
        assert title in out
    for entry in catalog.oses.values():
        assert entry.id in out
        for provider in entry.providers:
            assert entry.default_box(provider).name.split("/")[0] in out
    for app in catalog.apps.values():
        assert app.id in out and f"{app.min_memory_mb} MB" in out
    assert "8787" in out and "windows" in out
    assert "(embedded)" in out


def test_user_catalogue_shows_up_and_its_text_is_not_markup(capsys):
    path = write_user_catalog("package_sets:\n  lab:\n    category: python\n    label: '[bold red]Lab[/] tools'\n"
                              "    packages: [numpy]\n")
    code, out, _ = run(capsys)
    assert code == 0
    assert "[bold red]Lab[/] tools" in out  # printed as typed, not interpreted by rich
    assert str(path.name) in out
    data = json.loads(run(capsys, "--json")[1])
    assert data["package_sets"]["lab"]["label"] == "[bold red]Lab[/] tools"
    assert data["sources"][-1] == str(path)


def test_bad_user_catalogue_is_one_line_and_exit_code_2(capsys):
    path = write_user_catalog("apps:\n  jupyterhub:\n    min_memory_mb: lots\n")
    code, out, err = run(capsys, "--json")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"gaev: {path}:3: apps.jupyterhub.min_memory_mb:")
