"""The base-box step lists the boxes of the user's registry sources (a registry made by
``gaev publish``), with one line for a source it cannot read; choosing one sets the
box's name, version and registry URL, through to the Vagrantfile."""

from __future__ import annotations

from textual.widgets import RadioSet

from gaev_tui.registry import sources
from gaev_tui.render import render_project
from gaev_tui.widgets.field import Field
from gaev_tui.widgets.registry_offers import ADD_HINT, RegistryNotes
from tests.pilot import at_step, choose, next_step, settle, shown, type_in
from tests.registry.helpers import lab_registry
from tests.registry.servers import free_port

LIBVIRT = dict(os="debian-12", provider="libvirt")


def labels(screen) -> list[str]:
    return [str(button.label) for button in screen.query("ChoiceButton")]


async def test_registry_boxes_are_listed_and_chosen(make, tmp_path):
    registry = lab_registry(tmp_path / "lab")
    dead = f"http://127.0.0.1:{free_port()}"
    sources.add(dead)
    sources.add(registry.as_uri())
    app = make()
    async with app.run_test(size=(140, 40)) as pilot:
        await at_step(pilot, 1, **LIBVIRT)
        screen = app.screen
        offered = [label for label in labels(screen) if ", registry " in label]
        assert offered == [f"lab/debian12 version 1.0.1, registry {registry} — Debian 12 (Bookworm) · "
                           "Debian 12 with the lab's tools"]  # lab/vbox-only is a VirtualBox box
        assert labels(screen)[-2:] == ["Another box: type its name below", "Build my own base box with Packer"]
        notes = shown(screen.query_one(RegistryNotes))
        assert f"Registry not read: {dead}/index.json" in notes and "lab/debian12" not in notes
        radios = screen.query_one(RadioSet)
        assert radios.pressed_index == 0  # the catalogue's default stays the choice
        radios.focus()
        while ", registry " not in str(radios.pressed_button.label):
            await pilot.press("down")  # moving is choosing
        await pilot.pause()
        url = f"{registry.as_uri()}/lab/debian12/metadata.json"
        fields = {f.id: f for f in screen.query(Field)}
        assert (fields["f-box-name"].value, fields["f-box-version"].value, fields["f-box-url"].value) == (
            "lab/debian12", "1.0.1", url)
        assert fields["f-box-name"].input.disabled and fields["f-box-url"].input.disabled
        await next_step(pilot)
        assert (app.state.box_name, app.state.box_version, app.state.box_url) == ("lab/debian12", "1.0.1", url)
        assert type(app.screen).__name__ == "PackagesScreen"
        await pilot.press("escape")  # Back: the registry's box is still the choice
        await settle(pilot)
        assert ", registry " in str(app.screen.query_one(RadioSet).pressed_button.label)
        spec = app.state.check(app.catalog)
    vagrantfile = render_project(spec, app.catalog)["Vagrantfile"].decode()
    assert f"config.vm.box_url = '{url}'" in vagrantfile and "config.vm.box = 'lab/debian12'" in vagrantfile


async def test_an_opened_spec_with_a_registry_box_finds_it_again(make, tmp_path):
    registry = lab_registry(tmp_path / "lab")
    sources.add(registry.as_uri())
    url = f"{registry.as_uri()}/lab/debian12/metadata.json"
    app = make()
    async with app.run_test(size=(140, 40)) as pilot:
        await at_step(pilot, 1, box_name="lab/debian12", box_version="1.0.0", box_url=url, **LIBVIRT)
        radios = app.screen.query_one(RadioSet)
        assert "lab/debian12 version 1.0.1" in str(radios.pressed_button.label)
        assert app.screen.query_one("#f-box-version", Field).value == "1.0.0"  # the spec's pin is kept
        await next_step(pilot)
        assert (app.state.box_name, app.state.box_version, app.state.box_url) == ("lab/debian12", "1.0.0", url)


async def test_no_sources_a_hint_and_a_typed_url_is_checked(make):
    app = make()
    async with app.run_test(size=(140, 40)) as pilot:
        await at_step(pilot, 1, **LIBVIRT)
        screen = app.screen
        assert shown(screen.query_one(RegistryNotes)) == ADD_HINT
        assert not [label for label in labels(screen) if ", registry " in label]
        radios = screen.query_one(RadioSet)
        radios.focus()
        while radios.pressed_index != len(labels(screen)) - 2:
            await pilot.press("down")
        await pilot.pause()
        assert not screen.query_one("#f-box-url", Field).input.disabled
        await type_in(pilot, "f-box-name", "lab/x")
        await type_in(pilot, "f-box-url", "s3://boxes/lab/x/metadata.json")
        await next_step(pilot)
        assert type(app.screen).__name__ == "BaseBoxScreen"
        assert "Vagrant cannot read" in str(screen.query_one("#f-box-url .field-note").render())


async def test_another_provider_forgets_the_registry_box(make):
    """A registry's box is one provider's: step 1's provider change drops it with the name."""
    app = make()
    async with app.run_test(size=(140, 40)) as pilot:
        await at_step(pilot, 0, box_name="lab/debian12", box_url="https://h.example/lab/debian12/metadata.json",
                      **LIBVIRT)
        await choose(pilot, "provider-list", "virtualbox")
        assert (app.state.box_name, app.state.box_url) == ("", "")


async def test_boxes_of_another_os_are_left_out_and_said(make, tmp_path):
    registry = lab_registry(tmp_path / "lab")
    sources.add(registry.as_uri())
    app = make()
    async with app.run_test(size=(140, 40)) as pilot:
        await at_step(pilot, 1, os="ubuntu-22.04", provider="libvirt")
        assert not [label for label in labels(app.screen) if ", registry " in label]
        assert shown(app.screen.query_one(RegistryNotes)) == (
            f"Registry {registry.as_uri()}: no libvirt boxes for this OS (1 built on another OS left out)")


async def test_a_broken_sources_file_is_one_line_and_the_step_still_works(make):
    sources.sources_path().parent.mkdir(parents=True, exist_ok=True)
    sources.sources_path().write_text("[")
    app = make()
    async with app.run_test(size=(140, 40)) as pilot:
        await at_step(pilot, 1, **LIBVIRT)
        notes = shown(app.screen.query_one(RegistryNotes))
        assert notes.startswith("Your box registries could not be listed: ") and "registries.json: unreadable" in notes
        await next_step(pilot)
        assert type(app.screen).__name__ == "PackagesScreen"
