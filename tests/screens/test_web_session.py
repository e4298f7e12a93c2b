"""A browser session (``gaev serve`` sets GAEV_PROJECTS_DIR): paths stay inside the
projects directory, and nothing that acts on the server is reachable."""

from __future__ import annotations

import os

import pytest
from textual.widgets import Input, OptionList, Static

from gaev_tui.confine import ENV, inside
from gaev_tui.errors import InputError


@pytest.mark.parametrize("typed", ["../x", "/etc", "~root", "a/../../x", "C:\\Users", "a\\b", "", "  "])
def test_typed_paths_outside_are_refused(tmp_path, typed):
    with pytest.raises(InputError):
        inside(tmp_path, typed)


def test_a_symlink_inside_cannot_lead_out(tmp_path):
    root = tmp_path / "projects"
    root.mkdir()
    os.symlink(tmp_path, root / "link")
    with pytest.raises(InputError, match="leads outside"):
        inside(root, "link/escape")
    assert inside(root, "lab/class-vm") == root / "lab" / "class-vm"


async def test_home_offers_only_the_wizard_and_open_stays_inside(make, tmp_path, monkeypatch):
    root = tmp_path / "projects"
    root.mkdir()
    monkeypatch.setenv(ENV, str(root))
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        menu = app.screen.query_one("#home-menu", OptionList)
        assert [menu.get_option_at_index(i).id for i in range(menu.option_count)] == ["new", "open", "quit"]
        for key in ("c", "b", "s", "l"):
            await pilot.press(key)
            await pilot.pause()
            assert type(app.screen).__name__ == "HomeScreen"
        app.open_box_cache()
        app.open_builds()
        app.build_now(root)
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        await pilot.press("o")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one(Input).value = "/etc"
        await pilot.press("enter")
        await pilot.pause()
        assert "must be a directory inside" in str(dialog.query_one("#open-error", Static).render())
