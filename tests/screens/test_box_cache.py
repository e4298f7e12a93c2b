"""The Box cache screen, driven with Pilot, and SVG snapshots of it (frozen data)."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from gaev_tui.boxcache import BoxIndex, build_index
from gaev_tui.boxcache.model import Box, CacheWarning
from gaev_tui.boxcache.remove import Removal
from gaev_tui.screens.box_cache import BoxCacheScreen
from gaev_tui.screens.box_warnings import BoxWarningsScreen
from gaev_tui.screens.confirm_removal import ConfirmRemovalScreen
from tests.pilot import ScreenApp, settle
from tests.toolcheck import need_tool

GIB = 1024**3
NOON = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)  # a date that reads the same in any zone
USAGE = (500 * GIB, 210 * GIB, 290 * GIB)


def frozen_boxes() -> list[Box]:
    """A cache with every kind of box, with fixed sizes and dates."""
    def box(name, version, provider="libvirt", arch=None, size=GIB, month=1, **kw):
        return Box(name, version, provider, arch, Path(f"/cache/{name}/{version}"), size_bytes=size,
                   added=NOON.replace(month=month), **kw)

    return [
        box("gaev/sci", "1.0.0", size=3 * GIB, in_use=True, used_by=["default (/home/u/proj)"],
            outdated=True, latest_version="2.0.0"),
        box("gaev/sci", "1.1.0", size=3 * GIB, month=2, outdated=True, latest_version="2.0.0"),
        box("gaev/sci", "2.0.0", size=4 * GIB, month=3, outdated=False, latest_version="2.0.0"),
        box("debian/bookworm64", "12.1", "virtualbox", size=GIB // 2, in_use=None),
        box("debian/bookworm64", "12.5", "virtualbox", size=GIB // 2, month=2),
        box("gaev/arm", "1.0", arch="arm64", size=2 * GIB, pinned=True),
        box("local/file", "0", size=700 * 1024**2),
    ]


class BoxApp(ScreenApp):
    """ScreenApp under the name the snapshots show in their title bar."""


class FakeRemover:
    def __init__(self):
        self.calls = []

    def __call__(self, boxes, vagrant_home, progress=None):
        self.calls.append([b.key for b in boxes])
        for i, b in enumerate(boxes):
            progress(i, len(boxes), b)
        progress(len(boxes), len(boxes), None)
        return [Removal(b, True, "removed") for b in boxes]


def frozen_app(remover=None, loads=None, warnings=()):
    def loader():
        if loads is not None:
            loads.append(1)
        return BoxIndex(Path("/cache"), frozen_boxes(), list(warnings))

    kwargs = {"loader": loader, "usage": lambda: USAGE}
    if remover:
        kwargs["remover"] = remover
    return BoxApp(lambda: BoxCacheScreen(**kwargs))


def names(app):
    table = app.screen.query_one(DataTable)
    return [(table.get_row_at(i)[1], table.get_row_at(i)[2]) for i in range(table.row_count)]


async def test_rows_sort_and_filter():
    app = frozen_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert names(app)[0] == ("debian/bookworm64", "12.1")
        assert len(names(app)) == 7
        totals = str(app.screen.query_one("#totals", Static).render())
        assert "7 boxes, 13.7 GiB on disk" in totals
        for _ in range(3):  # name -> version -> provider -> size
            await pilot.press("s")
        await pilot.press("S")  # biggest first
        assert names(app)[0] == ("gaev/sci", "2.0.0")
        await pilot.press("slash", *"sci")
        assert sorted(v for _, v in names(app)) == ["1.0.0", "1.1.0", "2.0.0"]
        await pilot.press("enter")
        assert isinstance(app.screen.focused, DataTable)


async def test_marking_refuses_in_use_unknown_and_pinned():
    app = frozen_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("space")  # debian 12.1: unknown — kept
        assert app.screen.marked == set()
        assert any("unknown" in n.message for n in app._notifications)
        await pilot.press("space")  # the cursor did not move: still refused
        await pilot.press("down", "space")  # debian 12.5: free
        assert app.screen.marked == {("debian/bookworm64", "12.5", "virtualbox", None)}
        await pilot.press("u")
        assert app.screen.marked == set()


async def test_plan_confirm_and_remove_with_progress():
    remover, loads = FakeRemover(), []
    app = frozen_app(remover, loads)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        assert app.screen.marked == {("gaev/sci", "1.1.0", "libvirt", None)}
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmRemovalScreen)
        text = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "gaev/sci v1.1.0 (libvirt)" in text and "3.0 GiB" in text
        await pilot.press("n")  # cancel: nothing happens
        assert remover.calls == []
        await pilot.press("d", "y")
        await settle(pilot)
        assert remover.calls == [[("gaev/sci", "1.1.0", "libvirt", None)]]
        assert len(loads) == 2  # refreshed after removal
        assert app.screen.query_one("#removing").display is False


async def test_remove_with_nothing_marked_says_so():
    app = frozen_app(FakeRemover())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        assert not isinstance(app.screen, ConfirmRemovalScreen)
        assert any("Nothing marked" in n.message for n in app._notifications)


async def test_real_vagrant_removal_from_the_screen(tmp_path, monkeypatch):
    need_tool("vagrant", "bsdtar")
    src = tmp_path / "src"
    src.mkdir()
    (src / "metadata.json").write_text(json.dumps({"provider": "libvirt", "format": "qcow2", "virtual_size": 1}))
    (src / "box.img").write_bytes(os.urandom(4096))
    subprocess.run(["tar", "-czf", str(tmp_path / "t.box"), "-C", str(src), "."], check=True)
    home = tmp_path / "vagrant.d"
    env = {**os.environ, "VAGRANT_HOME": str(home)}
    for name in ("screen/a", "screen/b"):
        subprocess.run(["vagrant", "box", "add", "--name", name, str(tmp_path / "t.box")], env=env,
                       check=True, capture_output=True, stdin=subprocess.DEVNULL)
    app = ScreenApp(lambda: BoxCacheScreen(home))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert [n for n, _ in names(app)] == ["screen/a", "screen/b"]
        await pilot.press("space", "d", "y")
        await settle(pilot)
        await settle(pilot)  # the refresh scan after removal
        assert [n for n, _ in names(app)] == ["screen/b"]
    listed = subprocess.run(["vagrant", "box", "list"], env=env, capture_output=True, text=True).stdout
    assert "screen/a" not in listed and "screen/b" in listed
    assert [b.name for b in build_index(home).boxes] == ["screen/b"]


async def _loaded(pilot):
    await settle(pilot)


@pytest.mark.parametrize("size", [(80, 24), (130, 36)])
def test_snapshot_screen(snap_compare, size):
    assert snap_compare(frozen_app(), terminal_size=size, run_before=_loaded)


def test_snapshot_confirmation(snap_compare):
    async def plan_and_ask(pilot):
        await settle(pilot)
        await pilot.press("p", "d")
        await pilot.pause()

    assert snap_compare(frozen_app(FakeRemover()), terminal_size=(80, 24), run_before=plan_and_ask)


async def test_a_failing_scan_becomes_a_message():
    from gaev_tui.errors import ToolMissing

    def broken():
        raise ToolMissing("vagrant", "install Vagrant")

    app = ScreenApp(lambda: BoxCacheScreen(loader=broken, usage=lambda: USAGE))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert any("vagrant not found" in n.message for n in app._notifications)
        assert isinstance(app.screen, BoxCacheScreen)


async def test_at_80_columns_every_shown_column_fits_and_the_rest_is_described():
    app = frozen_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert sum(c.get_render_width(table) for c in table.columns.values()) <= table.size.width
        titles = [str(c.label) for c in table.columns.values()]
        assert titles[:3] == ["✓", "Name", "Version"] and "Newer" in titles and "Size" in titles
        detail = str(app.screen.query_one("#box-detail").render())
        # debian/bookworm64 12.1, the first row: what the dropped columns said, in words
        assert "virtualbox" in detail and "added 2024-01-01" in detail and "use unknown (kept)" in detail
    app = frozen_app()
    async with app.run_test(size=(130, 36)) as pilot:
        await settle(pilot)
        assert "Added" in [str(c.label) for c in app.screen.query_one(DataTable).columns.values()]


async def test_an_older_version_is_flagged_when_a_newer_one_is_in_the_cache():
    app = frozen_app()
    async with app.run_test(size=(130, 36)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        newer = list(table.columns).index("newer")
        rows = {(table.get_row_at(i)[1], table.get_row_at(i)[2]): table.get_row_at(i)[newer] for i in range(table.row_count)}
        assert rows[("debian/bookworm64", "12.1")] == "12.5"  # no catalogue, but 12.5 is here
        assert rows[("debian/bookworm64", "12.5")] == "?"
        assert rows[("gaev/sci", "1.0.0")] == "2.0.0" and rows[("gaev/sci", "2.0.0")] == "no"
        assert "version 12.5 is in this cache" in str(app.screen.query_one("#box-detail").render())


async def test_warnings_are_read_inside_the_app():
    warning = CacheWarning(Path("/cache/boxes/half"), "no metadata.json: a half-written box?")
    app = frozen_app(warnings=[warning])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "1 warnings (w shows them)" in str(app.screen.query_one("#title").render())
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, BoxWarningsScreen)
        text = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "/cache/boxes/half: no metadata.json: a half-written box?" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BoxCacheScreen)
    app = frozen_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("w")  # none: the key does nothing (and the footer does not offer it)
        assert isinstance(app.screen, BoxCacheScreen)
