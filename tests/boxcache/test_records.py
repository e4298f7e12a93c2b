"""GAEV's records and pins: atomic, locked, and a corrupt file is rebuilt, not fatal."""

from __future__ import annotations

import json
import os

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
    for bad in ('{"format": 1, "built": [', '{"format": 1, "built": {}, "pins": []}', "[]", '{"format": 2}'):
        path.write_text(bad)
        data, warnings = records.load([b("gaev/sci")])
        assert len(warnings) == 1 and "rebuilt from a scan" in str(warnings[0])
        assert [e["name"] for e in data["built"]] == ["gaev/sci"]
        assert json.loads(path.read_text()) == data
        asides = list(path.parent.glob("boxes.json.corrupt-*"))
        assert asides and bad in [a.read_text() for a in asides]
        assert asides[0].name in str(warnings[0])
        for a in asides:
            a.unlink()
    boxes = [b("gaev/sci")]
    records.apply(boxes, data)
    assert boxes[0].built_by_gaev is False  # recovered entries are not proof GAEV built it


def test_a_bad_entry_affects_only_its_own_box():
    path = records.records_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"format": 1, "built": [{"name": "ok", "version": "1"}, {"name": 7}],
                       "pins": [{"name": "keep-me", "version": None}, {"version": "1"}, "junk"]})
    path.write_text(text)
    data, warnings = records.load([b("gaev/sci")])
    assert [p["name"] for p in data["pins"]] == ["keep-me"] and [e["name"] for e in data["built"]] == ["ok"]
    (warning,) = warnings
    assert "built[1]: no name" in str(warning) and "pins[1]: no name" in str(warning)
    assert "kept 1 pin(s) and 1 record(s)" in str(warning)
    (aside,) = path.parent.glob("boxes.json.corrupt-*")
    assert aside.read_text() == text  # the user's copy, byte for byte


def test_two_corruptions_in_one_second_keep_two_copies():
    path = records.records_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    for bad in ("first garbage", "second garbage"):
        path.write_text(bad)
        records.load()
    copies = sorted(a.read_text() for a in path.parent.glob("boxes.json.corrupt-*"))
    assert copies == ["first garbage", "second garbage"]


def test_pin_on_a_corrupt_file_reports_and_keeps_it():
    path = records.records_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"format": 1, "built": [], "pins": [{"name": "old"}, 42]}')
    warnings = []
    assert records.pin("x", warnings=warnings)
    assert len(warnings) == 1 and "moved to boxes.json.corrupt-" in str(warnings[0])
    data, more = records.load()
    assert more == [] and [p["name"] for p in data["pins"]] == ["old", "x"]  # the old pin survived
    assert len(list(path.parent.glob("boxes.json.corrupt-*"))) == 1


def test_records_that_are_a_fifo_are_refused_not_waited_on():
    path = records.records_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    data, warnings = records.load()
    assert data["pins"] == [] and "a FIFO" in str(warnings[0])
