"""Driving the wizard with keys, as a user does (helpers for the Pilot tests)."""

from __future__ import annotations

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, SelectionList, TabbedContent


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
