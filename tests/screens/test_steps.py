"""Steps 1-4 one by one: defaults, refusals right under the input, Back keeps choices."""

from __future__ import annotations

from textual.widgets import Checkbox, RadioSet, SelectionList

from gaev_tui.screens import flow
from gaev_tui.widgets.field import Field
from gaev_tui.widgets.package_picker import PackagePicker
from gaev_tui.wizard_state import WizardState
from tests.pilot import at_step, choose, next_step, note, settle, tick_packages, type_in


async def test_os_step_defaults_and_provider_status(make):
    app = make()
    async with app.run_test() as pilot:
        await pilot.press("n")
        await settle(pilot)
        screen = app.screen
        assert screen.query_one("#f-name", Field).value == "my-vm"
        # libvirt, the one this host has (test_frictions), whose option is its driver
        assert (app.state.os, app.state.provider) == ("ubuntu-22.04", "libvirt")
        assert screen.query_one("#opt-driver-line").display and not screen.query_one("#opt-gui").display
        assert "installed" in str(screen.query_one("#os-notes").render())
        await choose(pilot, "provider-list", "virtualbox")
        assert screen.query_one("#opt-gui", Checkbox).display and not screen.query_one("#opt-driver-line").display
        notes = str(screen.query_one("#os-notes").render())
        assert "not installed: install VirtualBox" in notes
        await choose(pilot, "os-list", "macos-14")
        notes = str(screen.query_one("#os-notes").render())
        assert "Apple hardware" in notes and "cannot run on linux" in notes  # shown, not hidden
        assert app.state.provider == "parallels"


async def test_bad_name_is_refused_where_it_was_typed(make):
    app = make()
    async with app.run_test() as pilot:
        await pilot.press("n")
        await settle(pilot)
        await type_in(pilot, "f-name", "My VM", paste=False)
        assert "must be 1-63 lower-case letters" in note(app.screen, "f-name")  # while typing
        await next_step(pilot)
        assert type(app.screen).__name__ == "OsProviderScreen"
        assert "'My VM' must be 1-63 lower-case" in note(app.screen, "f-name")


async def test_base_box_default_alternatives_version_and_packer(make):
    app = make()
    async with app.run_test() as pilot:
        await at_step(pilot, 1)
        screen = app.screen
        radios = screen.query_one(RadioSet)
        assert radios.pressed_index == 0 and screen.query_one("#f-box-name", Field).value == "bento/ubuntu-22.04"
        await type_in(pilot, "f-box-version", "latest")
        await next_step(pilot)
        assert "'latest' is not a box version" in note(screen, "f-box-version")
        radios.focus()
        await pilot.press("down")  # ubuntu/jammy64 (moving is choosing)
        await pilot.pause()
        assert screen.query_one("#f-box-version", Field).value == ""  # it has no pinned version
        await type_in(pilot, "f-box-version", "20240101.0.0")
        await next_step(pilot)
        assert (app.state.box_name, app.state.box_version) == ("ubuntu/jammy64", "20240101.0.0")
        await pilot.press("escape")
        await settle(pilot)
        assert screen.query_one(RadioSet).pressed_index == 1  # Back kept it
        radios.focus()
        await pilot.press("down", "down")  # Packer: a version makes no sense there
        await pilot.pause()
        version = screen.query_one("#f-box-version", Field)
        assert version.value == "" and version.input.disabled
        await next_step(pilot)
        assert (app.state.box_build, app.state.box_version) == ("packer", "")


async def test_packer_is_offered_only_with_an_installer(make):
    app = make()
    async with app.run_test() as pilot:
        await at_step(pilot, 1, os="debian-12", provider="libvirt")
        buttons = list(app.screen.query("RadioButton"))
        assert buttons[-1].disabled
        assert "no installer ISO for Debian 12" in str(app.screen.query_one("#box-notes").render())


async def test_packages_filter_extras_pins_and_refusals(make):
    app = make()
    async with app.run_test() as pilot:
        await at_step(pilot, 2)
        screen = app.screen
        assert [pane.id for pane in screen.query("TabPane")] == ["tab-apt", "tab-python", "tab-r", "tab-bioconductor"]
        await tick_packages(pilot, "python", ["numpy"])
        picker = screen.query_one("#pick-python", PackagePicker)
        picker.query_one(".picker-filter").value = "pys"
        await pilot.pause()
        listing = picker.query_one(SelectionList)
        assert [listing.get_option_at_index(i).value for i in range(listing.option_count)] == ["pysam"]
        extras = picker.query_one(".picker-extras")
        extras.value = "pandas==2.2.2 numpy"
        await next_step(pilot)
        assert "'numpy' is listed twice" in str(picker.query_one(".picker-error").render())
        extras.value = "pandas==2.2.2"
        await tick_packages(pilot, "r", [])
        r_extras = screen.query_one("#pick-r .picker-extras")
        r_extras.value = "ggplot2 9lives"
        await pilot.pause()
        assert "'9lives' is not an R package name" in str(screen.query_one("#pick-r .picker-error").render())
        await next_step(pilot)
        assert type(app.screen).__name__ == "PackagesScreen"
        r_extras.value = "ggplot2@3.5.1"
        await next_step(pilot)
        assert type(app.screen).__name__ == "AppsScreen"
        assert app.state.packages["python"] == ["numpy", "pandas==2.2.2"]
        assert app.state.packages["r"] == ["ggplot2@3.5.1"]
        await pilot.press("escape")
        await settle(pilot)
        assert "Python: numpy pandas==2.2.2" in str(app.screen.query_one("#package-summary").render())


async def test_apps_propose_memory_and_ports(make):
    app = make()
    async with app.run_test() as pilot:
        await at_step(pilot, 3, memory_mb="1024")
        listing = app.screen.query_one(SelectionList)
        listing.focus()
        await pilot.press("home", "space", "down", "space")
        await pilot.pause()
        assert "3072 MB" in str(app.screen.query_one("#apps-memory").render())
        await next_step(pilot)
        assert type(app.screen).__name__ == "ResourcesScreen"
        assert app.screen.query_one("#f-memory", Field).value == "3072"
        assert app.screen.query_one("#f-ports", Field).value == "8000:80, 8787:8787"


async def test_apps_not_for_the_os_are_said_so(make):
    app = make()
    async with app.run_test() as pilot:
        await at_step(pilot, 3, os="macos-14", provider="parallels")
        assert app.screen.query_one(SelectionList).option_count == 0
        assert "installs only on debian" in str(app.screen.query_one("#apps-other").render())


def test_fresh_state_is_valid(catalog):
    assert flow.fresh_state(catalog).check(catalog).name == "my-vm"
    assert isinstance(flow.fresh_state(catalog), WizardState)
