"""In-use flags from Vagrant's machine index; anything doubtful keeps its box."""

from __future__ import annotations

from gaev_tui.boxcache.machines import load_machines, mark_in_use
from gaev_tui.boxcache.scan import scan
from tests.boxcache.helpers import machine, make_box, write_index


def flags(home):
    boxes, _ = scan(home)
    uses, warnings = load_machines(home)
    mark_in_use(boxes, uses)
    return {(b.name, b.version, b.architecture): b.in_use for b in boxes}, boxes, warnings


def test_in_use_project_gone_and_unknown_state(tmp_path):
    for v in ("1.0", "2.0", "3.0", "4.0"):
        make_box(tmp_path, "gaev/sci", v)
    project = tmp_path / "project"
    project.mkdir()
    write_index(tmp_path, {
        "a1": machine("gaev/sci", "1.0", project=project),
        "b2": machine("gaev/sci", "2.0", project=tmp_path / "deleted-project"),
        "c3": machine("gaev/sci", "3.0", project=project, state="", name="web"),
        "d4": machine("gaev/sci", "9.9", project=project),  # box no longer installed
    })
    got, boxes, warnings = flags(tmp_path)
    assert warnings == []
    assert got == {("gaev/sci", "1.0", None): True, ("gaev/sci", "2.0", None): None,
                   ("gaev/sci", "3.0", None): None, ("gaev/sci", "4.0", None): False}
    assert boxes[0].used_by == [f"default ({project})"]
    assert boxes[1].used_by == [f"default ({tmp_path / 'deleted-project'})"]


def test_provider_and_architecture_must_match(tmp_path):
    make_box(tmp_path, "multi", "1.0", arch="amd64")
    make_box(tmp_path, "multi", "1.0", arch="arm64")
    make_box(tmp_path, "multi", "1.0", provider="virtualbox")
    write_index(tmp_path, {"x": machine("multi", "1.0", project=tmp_path, arch="arm64")})
    got, boxes, _ = flags(tmp_path)
    assert got == {("multi", "1.0", "amd64"): False, ("multi", "1.0", "arm64"): True,
                   ("multi", "1.0", None): False}  # the virtualbox one
    # Vagrant <= 2.3 records no architecture: the machine could use either, keep both.
    write_index(tmp_path, {"x": machine("multi", "1.0", project=tmp_path)})
    got, _, _ = flags(tmp_path)
    assert got[("multi", "1.0", "amd64")] is True and got[("multi", "1.0", "arm64")] is True


def test_bad_index_makes_every_box_unknown(tmp_path):
    make_box(tmp_path, "a", "1")
    for text in ('{"version": 1, "machines": {', '{"version": 1, "machines": []}', "[1, 2]"):
        write_index(tmp_path, text)
        got, _, warnings = flags(tmp_path)
        assert got == {("a", "1", None): None}
        assert len(warnings) == 1 and "maybe in use" in str(warnings[0])


def test_no_index_and_odd_entries(tmp_path):
    make_box(tmp_path, "a", "1")
    got, _, warnings = flags(tmp_path)
    assert got == {("a", "1", None): False} and warnings == []
    write_index(tmp_path, {"bad": "not an object", "nobox": {"name": "docker", "extra_data": {}},
                           "half": {"extra_data": {"box": {"name": "a"}}},
                           "ok": machine("a", "1", project=tmp_path)})
    got, _, warnings = flags(tmp_path)
    assert got == {("a", "1", None): True}
    assert sorted(str(w).split("machine ")[1].split(":")[0] for w in warnings) == ["bad", "half"]
