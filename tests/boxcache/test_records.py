"""GAEV's records and pins: atomic, locked, and a corrupt file is rebuilt, not fatal."""

from __future__ import annotations

import json

from gaev_tui.boxcache import records
from gaev_tui.boxcache.model import Box


def b(name, version="1.0", provider="libvirt", arch=None):
    return Box(name, version, provider, arch, path=None)


def test_pins_narrow_by_the_given_fields():
    assert records.pin("gaev/sci", version="1.0")
    assert not records.pin("gaev/sci", version="1.0")  # already there
    records.pin("other")
    boxes = [b("gaev/sci", "1.0"), b("gaev/sci", "2.0"), b("other", "7", "virtualbox", "arm64")]
    data, warnings = records.load()
    records.apply(boxes, data)
    assert warnings == [] and [x.pinned for x in boxes] == [True, False, True]
    assert records.unpin("gaev/sci", version="2.0") == 0
    assert records.unpin("gaev/sci") == 1
    data, _ = records.load()
    assert [p["name"] for p in data["pins"]] == ["other"]


def test_record_built_replaces_the_same_box():
    records.record_built("gaev/sci", "1.0", "libvirt", checksum="aa", spec={"os": "debian12"},
                         tools={"packer": "1.6.6"})
    records.record_built("gaev/sci", "1.0", "libvirt", checksum="bb")
    data, _ = records.load()
    assert [e["checksum"] for e in data["built"]] == ["bb"]
    boxes = [b("gaev/sci"), b("gaev/sci", "2.0")]
    records.apply(boxes, data)
    assert [x.built_by_gaev for x in boxes] == [True, False]
    # Written atomically: no temporary files left beside it.
    assert sorted(p.name for p in records.records_path().parent.iterdir()) == ["boxes.json", "boxes.json.lock"]


def test_corrupt_file_is_moved_aside_and_rebuilt_from_scan():
    path = records.records_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    for bad in ('{"format": 1, "built": [', '{"format": 1, "built": {}, "pins": []}',
                '{"format": 1, "built": [], "pins": [{"version": "1"}]}'):
        path.write_text(bad)
        data, warnings = records.load([b("gaev/sci")])
        assert len(warnings) == 1 and "rebuilt from a scan" in str(warnings[0])
        assert [e["name"] for e in data["built"]] == ["gaev/sci"]
        assert json.loads(path.read_text()) == data
        asides = list(path.parent.glob("boxes.json.corrupt-*"))
        assert asides and bad in [a.read_text() for a in asides]
        for a in asides:
            a.unlink()
    boxes = [b("gaev/sci")]
    records.apply(boxes, data)
    assert boxes[0].built_by_gaev is False  # recovered entries are not proof GAEV built it


def test_pin_on_a_corrupt_file_still_works():
    path = records.records_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("garbage")
    assert records.pin("x")
    data, warnings = records.load()
    assert warnings == [] and data["pins"][0]["name"] == "x"
