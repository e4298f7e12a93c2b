"""Scanning hand-made caches: both layouts, real allocated sizes, and every kind of mess."""

from __future__ import annotations

import json
import os

from gaev_tui.boxcache.scan import allocated_size, scan
from tests.boxcache.helpers import make_box


def keys(boxes):
    return [(b.name, b.version, b.provider, b.architecture) for b in boxes]


def test_both_layouts_slash_names_url_and_version_zero(tmp_path):
    make_box(tmp_path, "gaev/sci", "1.0.0", url="file:///cat.json")
    make_box(tmp_path, "gaev/sci", "1.10.0", url="file:///cat.json")
    make_box(tmp_path, "gaev/sci", "1.9.0")
    make_box(tmp_path, "local", "0", provider="virtualbox")
    make_box(tmp_path, "arm/box", "2.0", arch="arm64")
    make_box(tmp_path, "arm/box", "2.0", arch="amd64")
    boxes, warnings = scan(tmp_path)
    assert warnings == []
    assert keys(boxes) == [
        ("arm/box", "2.0", "libvirt", "amd64"),
        ("arm/box", "2.0", "libvirt", "arm64"),
        ("gaev/sci", "1.0.0", "libvirt", None),
        ("gaev/sci", "1.9.0", "libvirt", None),
        ("gaev/sci", "1.10.0", "libvirt", None),
        ("local", "0", "virtualbox", None),
    ]
    sci = [b for b in boxes if b.name == "gaev/sci"]
    assert {b.metadata_url for b in sci} == {"file:///cat.json"}
    assert sci[0].path == tmp_path / "boxes/gaev-VAGRANTSLASH-sci/1.0.0/libvirt"
    assert boxes[0].path == tmp_path / "boxes/arm-VAGRANTSLASH-box/2.0/amd64/libvirt"


def test_size_is_allocated_bytes_not_apparent(tmp_path):
    pdir = make_box(tmp_path, "big", "1", data=b"y" * 300_000, sparse=8 * 1024**3)
    (box,), _ = scan(tmp_path)
    apparent = sum(p.stat().st_size for p in pdir.iterdir())
    blocks = sum(p.stat().st_blocks * 512 for p in pdir.iterdir())
    assert apparent > 8 * 1024**3
    assert box.size_bytes == blocks
    assert 300_000 <= box.size_bytes < 1024**2


def test_hard_links_count_once(tmp_path):
    pdir = make_box(tmp_path, "linked", "1", data=b"z" * 200_000)
    before = allocated_size(pdir)
    os.link(pdir / "disk.bin", pdir / "disk-again.bin")
    assert allocated_size(pdir) == before


def test_missing_cache_is_empty(tmp_path):
    assert scan(tmp_path / "nowhere") == ([], [])


def test_stray_and_half_written_entries_are_warnings(tmp_path):
    make_box(tmp_path, "good", "1.0")
    root = tmp_path / "boxes"
    (root / ".DS_Store").write_text("junk")
    (root / "good" / "notes.txt").write_text("stray file in a box dir")
    (root / "good" / "1.0" / "README").write_text("stray file in a version dir")
    (root / "good" / "not-a-version").mkdir()
    (root / "good" / ".tmp-add").mkdir()  # Vagrant ignores dot dirs: so do we, silently
    (root / "half" / "1.0" / "libvirt").mkdir(parents=True)  # extraction interrupted
    (root / "half" / "1.0" / "libvirt" / "box.img").write_bytes(b"partial")
    corrupt = make_box(tmp_path, "corrupt", "1.0")
    (corrupt / "metadata.json").write_text('{"provider": "libv')
    boxes, warnings = scan(tmp_path)
    assert keys(boxes) == [("good", "1.0", "libvirt", None)]
    text = "\n".join(str(w) for w in warnings)
    for needle in (".DS_Store", "notes.txt", "README", "not-a-version", "half/1.0/libvirt",
                   "corrupt/1.0/libvirt: skipped: metadata.json is not valid JSON"):
        assert needle in text, needle
    assert ".tmp-add" not in text
    assert len(warnings) == 6


def test_arch_dir_with_a_half_written_provider(tmp_path):
    make_box(tmp_path, "multi", "3.0", arch="amd64")
    (tmp_path / "boxes/multi/3.0/amd64/virtualbox").mkdir()
    boxes, warnings = scan(tmp_path)
    assert keys(boxes) == [("multi", "3.0", "libvirt", "amd64")]
    assert [w.path.name for w in warnings] == ["virtualbox"]


def test_metadata_not_an_object_and_provider_mismatch(tmp_path):
    odd = make_box(tmp_path, "odd", "1")
    (odd / "metadata.json").write_text(json.dumps(["libvirt"]))
    other = make_box(tmp_path, "other", "1")
    (other / "metadata.json").write_text(json.dumps({"provider": "virtualbox"}))
    boxes, warnings = scan(tmp_path)
    assert keys(boxes) == [("other", "1", "libvirt", None)]
    assert any("not a JSON object" in str(w) for w in warnings)
    assert any("says provider 'virtualbox'" in str(w) for w in warnings)


def test_unreadable_directory_is_a_warning(tmp_path, monkeypatch):
    # Root ignores permission bits, so simulate what EACCES looks like to the scanner.
    make_box(tmp_path, "ok", "1")
    locked_dir = make_box(tmp_path, "locked", "1").parent
    real_iterdir = type(tmp_path).iterdir

    def iterdir(self):
        if self == locked_dir:
            raise PermissionError(13, "Permission denied")
        return real_iterdir(self)

    monkeypatch.setattr(type(tmp_path), "iterdir", iterdir)
    boxes, warnings = scan(tmp_path)
    assert keys(boxes) == [("ok", "1", "libvirt", None)]
    assert [str(w) for w in warnings] == [f"{locked_dir}: cannot read directory (Permission denied)"]
