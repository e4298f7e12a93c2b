"""Home: tools found on the host (probed in the background), the menu, opening a spec."""

from __future__ import annotations

import threading

from textual.widgets import Input, Static

from gaev_tui.screens.help import HelpScreen
from gaev_tui.widgets.tool_list import ToolList
from tests.pilot import FACTS, settle, shown

SPEC = "name: lab\nos: debian-12\nprovider: libvirt\napps: [rstudio]\nresources: {memory_mb: 4096}\n"


def text_of(widget) -> str:
    return str(widget.render())


async def test_tools_found_and_missing_with_install_hint(make):
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        tools = pilot.app.screen.query_one(ToolList)
        lines = shown(tools)
        assert "Vagrant 2.3.4" in lines
        assert "missing: install VirtualBox from https://www.virtualbox.org" in lines


async def test_startup_does_not_wait_for_the_probe(make):
    release = threading.Event()

    def slow_probe():
        release.wait(10)
        return FACTS

    app = make(probe=slow_probe)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.host_facts is None
        await pilot.press("n")  # interactive while Vagrant & co. are still being run
        await pilot.pause()
        assert type(app.screen).__name__ == "OsProviderScreen"
        assert "checking this host" in text_of(app.screen.query_one("#os-notes"))
        release.set()
        await settle(pilot)
        await pilot.pause()
        assert app.host_facts is FACTS
        # the probe found libvirt only: the provider moved to it (test_frictions)
        assert "libvirt" in text_of(app.screen.query_one("#os-notes"))
        assert "installed" in text_of(app.screen.query_one("#os-notes"))


async def test_open_refuses_a_bad_path_then_opens_a_spec(make, tmp_path):
    (tmp_path / "lab.yaml").write_text(SPEC)
    (tmp_path / "bad.yaml").write_text(SPEC.replace("4096", "1024"))
    app = make()
    async with app.run_test() as pilot:
        await pilot.press("o")
        await pilot.pause()
        path = app.screen.query_one("#open-path", Input)
        for name, expected in (("nothere.yaml", "file not found"), ("bad.yaml", "resources.memory_mb: 1024 MB is less than")):
            path.value = str(tmp_path / name)
            await pilot.press("enter")
            await pilot.pause()
            assert expected in text_of(app.screen.query_one("#open-error", Static))
        path.value = str(tmp_path / "lab.yaml")
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "ReviewScreen"
        assert app.state.name == "lab" and app.state.apps == ["rstudio"] and app.state.memory_mb == "4096"


async def test_home_opens_the_screens_that_always_ship(make):
    """No "not available yet" fallback: the box cache and the builds are part of GAEV
    (a broken import there must fail loudly, not read as a missing feature)."""
    app = make()
    async with app.run_test() as pilot:
        await pilot.press("c")
        await pilot.pause()
        assert type(app.screen).__name__ == "BoxCacheScreen"
        app.pop_screen()
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()
        assert type(app.screen).__name__ == "BuildsScreen"
        assert not any("not available yet" in n.message for n in app._notifications)


async def test_help_and_palette_on_a_step(make):
    app = make()
    async with app.run_test() as pilot:
        await pilot.press("n")
        await pilot.pause()
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Next", "Back", "Help"} <= titles
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen) and "hypervisor" in app.screen.text
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "OsProviderScreen"


async def test_a_bad_user_catalogue_is_one_message_not_a_traceback(monkeypatch):
    import os
    from pathlib import Path

    from gaev_tui.app import make_app

    user = Path(os.environ["GAEV_CONFIG_DIR"]) / "catalog.yaml"
    user.write_text("oses:\n  ubuntu-22.04:\n    family: plan9\n")
    app = make_app(probe=lambda: FACTS)  # the installed catalogue, merged with the user's
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        messages = [n.message for n in app._notifications]
        assert any(str(user) in m and "family" in m for m in messages), messages
