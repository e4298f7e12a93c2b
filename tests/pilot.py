"""The Pilot helpers of the UI tests: an app that opens one screen, waiting for workers
or a condition, reading what a widget shows, and driving the wizard with keys, as a user
does. Async tests need no plugin: tests/conftest.py runs them."""

from __future__ import annotations

import asyncio

from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, SelectionList, TabbedContent

from gaev_tui.hostfacts import HostFacts
from gaev_tui.screens import flow

# A Linux lab server with Vagrant, Packer, Ansible and libvirt, without VirtualBox.
FACTS = HostFacts(
    "linux",
    {"vagrant": "Vagrant 2.3.4", "packer": "1.6.6", "ansible-playbook": "ansible-playbook [core 2.17.0]",
     "VBoxManage": None, "virsh": "9.0.0"},
    ("vagrant-libvirt",),
)

# The README's seed project, as wizard answers (snapshots and walks start from it).
SEED = dict(name="jupyterhub-vm", apps=["jupyterhub"], forwarded_ports="8000:80", private_network="dhcp",
            shared_folders="./data -> /media/sf_DATA", hostname="jupyterhub", timezone="Europe/Paris",
            locale="fr_FR.UTF-8", disk_gb="18",
            packages={"apt": ["git"], "python": ["numpy", "pandas", "matplotlib", "scikit-learn"],
                      "r": ["ggplot2"], "bioconductor": [], "choco": []})


class ScreenApp(App):
    """A tiny app that opens one screen, as the wizard does."""

    def __init__(self, screen_factory) -> None:
        super().__init__()
        self.screen_factory = screen_factory

    def on_mount(self) -> None:
        self.push_screen(self.screen_factory())


async def wait_for(pilot: Pilot, condition, timeout: float = 60.0, what: str = "condition") -> None:
    """Let the app run until ``condition()`` holds (fails after ``timeout`` seconds)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


async def settle(pilot: Pilot) -> None:
    """Let messages, workers (render, write, probe) and refreshes finish."""
    await pilot.pause()
    for _ in range(100):  # the probe and the catalogue start half a second after mount
        if getattr(pilot.app, "background_started", True):
            break
        await pilot.pause(0.05)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def type_in(pilot: Pilot, field_id: str, text: str, paste: bool = True) -> None:
    """Replace what the input of Field ``field_id`` holds: clear it with keys, then
    paste ``text`` as a terminal does (typing key by key is slow under Pilot: tests
    that check typing pass ``paste=False``)."""
    field = pilot.app.screen.query_one(f"#{field_id}-input", Input)
    field.focus()
    await pilot.pause()
    await pilot.press("end", "ctrl+u")
    if paste:
        field.post_message(events.Paste(text))
    else:
        await pilot.press(*text)
    await pilot.pause()


async def choose(pilot: Pilot, list_id: str, option_id: str) -> None:
    """Move the highlight of an OptionList (highlighting is choosing) to ``option_id``."""
    listing = pilot.app.screen.query_one(f"#{list_id}", OptionList)
    listing.focus()
    await pilot.press("home")
    for _ in range(listing.option_count):
        if listing.highlighted_option is not None and listing.highlighted_option.id == option_id:
            await pilot.pause()
            return
        await pilot.press("down")
    raise AssertionError(f"{option_id} not in #{list_id}")


async def tick_packages(pilot: Pilot, category: str, names: list[str]) -> None:
    """On the packages step: open the category's tab, filter for each name, tick it."""
    screen = pilot.app.screen
    for _ in range(6):
        if screen.query_one(TabbedContent).active == f"tab-{category}":
            break
        await pilot.press("ctrl+pagedown")
    picker = screen.query_one(f"#pick-{category}")
    for name in names:
        picker.query_one(".picker-filter", Input).focus()
        await pilot.press("end", "ctrl+u", *name, "tab")
        listing = picker.query_one(SelectionList)
        assert listing.get_option_at_index(0).value == name, f"filter '{name}' did not find it first"
        await pilot.press("home", "space")
    await pilot.pause()


async def tick_apps(pilot: Pilot, app_ids: list[str]) -> None:
    listing = pilot.app.screen.query_one("#apps-list", SelectionList)
    listing.focus()
    await pilot.press("home")
    for _ in range(listing.option_count):
        if listing.highlighted_option.value in app_ids:
            await pilot.press("space")
        await pilot.press("down")
    await pilot.pause()


async def next_step(pilot: Pilot) -> None:
    await pilot.press("ctrl+n")
    await settle(pilot)


def shown(widget) -> str:
    """The text a widget shows on screen now, its lines joined and spaces collapsed
    (phrases are checked whatever the width wrapped)."""
    return " ".join(" ".join(widget.render_line(y).text for y in range(widget.size.height)).split())


def note(screen, field_id: str) -> str:
    """The note under a wizard Field (where refusals show)."""
    return str(screen.query_one(f"#{field_id} .field-note").render())


async def at_step(pilot: Pilot, index: int, **answers) -> None:
    """Open wizard step ``index`` on answers (the rest fresh), as if walked to it."""
    state = flow.fresh_state(pilot.app.catalog)
    for key, value in answers.items():
        setattr(state, key, value)
    pilot.app.state = state
    pilot.app.push_screen(flow.step_screen(index))
    await settle(pilot)
