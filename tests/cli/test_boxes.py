"""`gaev boxes` on hand-made caches (no Vagrant needed): JSON fields, plan, refusals."""

from __future__ import annotations

import json

import pytest

from gaev_tui.cli.main import main
from tests.boxcache.helpers import catalogue, machine, make_box, write_index


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = tmp_path / "vagrant.d"
    url = catalogue(tmp_path / "cat.json", "gaev/sci", ["1.0", "2.0", "3.0"])
    for v in ("1.0", "2.0"):
        make_box(home, "gaev/sci", v, url=url, sparse=1024**3)
    make_box(home, "arm", "1", arch="arm64")
    (home / "boxes" / "junk").mkdir()
    (home / "boxes" / "junk" / "file").write_text("x")
    write_index(home, {"m": machine("arm", "1", project=tmp_path)})
    monkeypatch.setenv("VAGRANT_HOME", str(home))
    return home


def test_list_json_fields(home, capsys):
    assert main(["boxes", "list", "--json"]) == 0
    out, err = capsys.readouterr()
    boxes = json.loads(out)
    assert [(b["name"], b["version"], b["architecture"], b["in_use"], b["outdated"]) for b in boxes] == [
        ("arm", "1", "arm64", True, None), ("gaev/sci", "1.0", None, False, True),
        ("gaev/sci", "2.0", None, False, True)]
    assert all(0 < b["size_bytes"] < 1024**2 for b in boxes)
    assert "junk/file" in err and "warning" in err


def test_list_text_and_default_action(home, capsys):
    assert main(["boxes"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["NAME", "VERSION", "PROVIDER", "ARCH", "SIZE", "IN", "USE",
                                           "OUTDATED", "ADDED"]
    assert "yes (3.0)" in out and "3 boxes" in out


def test_prune_dry_run_json_and_refusal(home, capsys):
    assert main(["boxes", "prune", "--dry-run", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert [(b["name"], b["version"]) for b in plan["remove"]] == [("gaev/sci", "1.0")]
    assert plan["reclaim_bytes"] == plan["remove"][0]["size_bytes"]
    assert main(["boxes", "prune"]) == 2  # stdin is not a terminal under pytest
    assert "--yes" in capsys.readouterr().err
    assert (home / "boxes/gaev-VAGRANTSLASH-sci/1.0/libvirt").is_dir()


@pytest.mark.parametrize("argv", [["boxes", "prune", "--keep", "-1"], ["boxes", "prune", "--keep", "x"],
                                  ["boxes", "prune", "--older-than", "soon"], ["boxes", "frobnicate"]])
def test_bad_arguments_exit_2(home, argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_pin_unknown_box_is_an_input_error(home, capsys):
    assert main(["boxes", "pin", "nope"]) == 2
    assert "no installed box matches 'nope'" in capsys.readouterr().err
    assert main(["boxes", "pin", "gaev/sci", "--version", "1.0"]) == 0
    assert main(["boxes", "prune", "--dry-run", "--json"]) == 0
    assert json.loads(capsys.readouterr().out.split("\n", 1)[1])["remove"] == []
