"""Every grammar matches the whole value: a trailing newline, a CR or a Unicode line
separator never slips into a project name (a directory), a host name (Packer's boot
command, the Vagrantfile), a package or a path."""

from __future__ import annotations

import json

import pytest

from gaev_tui import names
from gaev_tui.cli.main import main
from gaev_tui.envspec import parse_spec_text
from gaev_tui.errors import InputError
from tests.render.hostile import LINE_BREAKS

BASE = {"name": "vm1", "os": "ubuntu-22.04", "provider": "virtualbox"}
FIELDS = {
    "name": ("vm1", lambda v: {"name": v}),
    "hostname": ("box", lambda v: {"hostname": v}),
    "timezone": ("UTC", lambda v: {"timezone": v}),
    "locale": ("C.UTF-8", lambda v: {"locale": v}),
    "base_box.name": ("bento/ubuntu-22.04", lambda v: {"base_box": {"name": v}}),
    "base_box.version": ("202401.31.0", lambda v: {"base_box": {"name": "bento/ubuntu-22.04", "version": v}}),
    "packages.apt[0]": ("git", lambda v: {"packages": {"apt": [v]}}),
    "packages.python[0]": ("numpy", lambda v: {"packages": {"python": [v]}}),
    "packages.r[0]": ("ggplot2", lambda v: {"packages": {"r": [v]}}),
    "network.private_network": ("192.168.56.10", lambda v: {"network": {"private_network": v}}),
    "shared_folders[0].host": ("./data", lambda v: {"shared_folders": [{"host": v, "guest": "/data"}]}),
    "shared_folders[0].guest": ("/data", lambda v: {"shared_folders": [{"host": "./data", "guest": v}]}),
}
CASES = [(field, brk, where) for field, (good, _) in FIELDS.items() if good
         for brk in LINE_BREAKS for where in ("end", "middle")]


@pytest.mark.parametrize(("field", "brk", "where"), CASES)
def test_line_break_is_refused_in_one_line_fields(field, brk, where):
    good, make = FIELDS[field]
    value = good + brk if where == "end" else good[:2] + brk + good[2:]
    # JSON is YAML whose escapes carry every character exactly (a YAML dumper folds some).
    parse_spec_text(json.dumps({**BASE, **make(good)}))  # the value itself is fine
    with pytest.raises(InputError) as info:
        parse_spec_text(json.dumps({**BASE, **make(value)}), file="s.yaml")
    assert info.value.location.field == field


@pytest.mark.parametrize("check", [names.project_name, names.hostname, names.box_name, names.debian_package,
                                   names.r_package, names.choco_package, names.timezone, names.locale,
                                   names.python_requirement, names.brew_package, names.tex_package])
def test_grammars_match_the_whole_text(check):
    sample = {names.project_name: "vm1", names.hostname: "box", names.box_name: "org/box",
              names.debian_package: "git", names.r_package: "ggplot2", names.choco_package: "git",
              names.timezone: "UTC", names.locale: "C.UTF-8", names.python_requirement: "numpy",
              names.brew_package: "cask:firefox", names.tex_package: "latexmk"}[check]
    assert check(sample) is None
    for brk in LINE_BREAKS:
        assert check(sample + brk) is not None, repr(sample + brk)


def test_a_name_with_a_newline_creates_no_directory(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.yaml").write_text('name: "a\\n"\nos: ubuntu-22.04\nprovider: virtualbox\n')
    assert main(["generate", "s.yaml"]) == 2
    assert "s.yaml:1: name" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]
