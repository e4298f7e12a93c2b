"""What a newcomer tripped on in the walk of issue 10: ticks that read without colour,
lists where moving is choosing, the host's own provider first, Escape that asks."""

from __future__ import annotations

import threading

from textual.widgets import RadioSet

from gaev_tui.screens.confirm_leave import ConfirmLeaveScreen
from gaev_tui.screens.home import HomeScreen
from gaev_tui.widgets.ticks import ChoiceButton, TickBox, TickList
from tests.pilot import FACTS, at_step, choose, next_step, settle, shown, type_in


async def test_ticks_read_as_text(make):
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await at_step(pilot, 0, provider="virtualbox")
        gui = app.screen.query_one("#opt-gui", TickBox)
        assert shown(gui).startswith("[ ] Show the VM's window")
        gui.focus()
        await pilot.press("space")
        assert shown(gui).startswith("[x] Show the VM's window") and app.state.provider_options == {"gui": True}
        await at_step(pilot, 3)
        listing = app.screen.query_one("#apps-list", TickList)
        listing.focus()
        await pilot.press("home", "space")
        lines = [listing.render_line(y).text for y in range(2)]
        assert lines[0].startswith("[x] JupyterHub") and lines[1].startswith("[ ] RStudio")
        await at_step(pilot, 1)
        first, second = list(app.screen.query(ChoiceButton))[:2]
        assert shown(first).startswith("(•) bento/ubuntu-22.04") and shown(second).startswith("( ) ubuntu/jammy64")


async def test_moving_in_the_base_box_list_is_choosing(make):
    app = make()
    async with app.run_test() as pilot:
        await at_step(pilot, 1)
        assert "↑↓ moves the choice" in shown(app.screen.query_one(".section-title"))
        app.screen.query_one(RadioSet).focus()
        await pilot.press("down")  # no Enter: the highlighted line is the choice
        await next_step(pilot)
        assert app.state.box_name == "ubuntu/jammy64"
        await pilot.press("escape")
        await settle(pilot)
        radios = app.screen.query_one(RadioSet)
        assert radios.pressed_index == 1 and radios._selected == 1  # the cursor is on the choice


async def test_the_default_provider_is_one_this_host_has(make):
    app = make()
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert app.state.provider == "libvirt"  # VirtualBox is not installed (FACTS)


async def test_the_provider_follows_a_late_probe_until_the_user_picks(make):
    release = threading.Event()

    def slow_probe():
        release.wait(10)
        return FACTS

    app = make(probe=slow_probe)
    async with app.run_test() as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert app.state.provider == "virtualbox"  # not probed yet: the catalogue's first
        release.set()
        await settle(pilot)
        assert app.state.provider == "libvirt"
        assert "installed" in shown(app.screen.query_one("#os-notes"))
        await choose(pilot, "provider-list", "virtualbox")  # the user's choice stays
        app.host_facts = None
        app.host_facts = FACTS
        await pilot.pause()
        assert app.state.provider == "virtualbox"


async def test_escape_on_the_first_step_asks_before_dropping_answers(make):
    app = make()
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("escape")  # nothing typed: nothing to lose, straight Home
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("n")
        await settle(pilot)
        await type_in(pilot, "f-name", "lab-vm")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmLeaveScreen)
        await pilot.press("n")
        await pilot.pause()
        assert type(app.screen).__name__ == "OsProviderScreen" and app.screen.query_one("#f-name").value == "lab-vm"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_a_step_shows_all_its_errors_at_once(make):
    app = make()
    async with app.run_test(size=(100, 40)) as pilot:
        await at_step(pilot, 4, apps=["jupyterhub"])
        await type_in(pilot, "f-cpus", "0")
        await type_in(pilot, "f-ports", "80:80")
        await type_in(pilot, "f-hostname", "-bad-")
        await next_step(pilot)
        assert type(app.screen).__name__ == "ResourcesScreen"
        notes = {ident: shown(app.screen.query_one(f"#{ident} .field-note")) for ident in ("f-cpus", "f-ports", "f-hostname")}
        assert all("-error" in app.screen.query_one(f"#{ident} .field-note").classes for ident in notes), notes
        assert app.screen.focused is app.screen.query_one("#f-cpus-input")  # the first one


async def test_toasts_do_not_cover_next_or_the_footer(make):
    app = make()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await at_step(pilot, 0)
        app.notify("A message long enough to take two or three lines in a toast", title="Note")
        await pilot.pause(0.3)
        toast = app.screen.query_one("Toast")
        nav = app.screen.query_one("#nav-next")
        assert toast.region.y < 6 and not toast.region.overlaps(nav.region)
        assert toast.region.right <= 80 and toast.region.width <= 44
