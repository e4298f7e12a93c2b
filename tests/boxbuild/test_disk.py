"""Free-space checks: per filesystem, never double-counting a shared disk."""

from __future__ import annotations

import shutil

from gaev_tui.boxbuild.disk import DiskFree, existing_ancestor, free_space, shortfalls, snapshot


def test_missing_dir_measures_its_parent(tmp_path):
    disk = free_space("project", tmp_path / "not" / "yet")
    assert existing_ancestor(tmp_path / "not" / "yet") == tmp_path
    assert disk.free is not None and 0 < disk.free <= shutil.disk_usage(tmp_path).total
    assert disk.device is not None and disk.total >= disk.free


def test_needs_on_one_filesystem_add_up():
    disks = [DiskFree("a", "/x", 1, 100, 1000), DiskFree("b", "/y", 1, 100, 1000), DiskFree("c", "/z", 2, 50, 1000)]
    (short,) = shortfalls(disks, {"a": 60, "b": 60, "c": 50})
    assert short.labels == ("a", "b") and short.needed == 120 and short.free == 100
    assert shortfalls(disks, {"a": 50, "b": 50, "c": 10}) == []


def test_unreadable_places_are_skipped():
    disks = [DiskFree("a", "/x", None, None, None)]
    assert shortfalls(disks, {"a": 10**15}) == []


def test_snapshot_labels(tmp_path):
    got = snapshot({"project": tmp_path, "home": tmp_path / "h"})
    assert [d.label for d in got] == ["project", "home"]
    assert got[0].device == got[1].device
