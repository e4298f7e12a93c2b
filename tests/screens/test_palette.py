"""The command palette offers the app's own actions, each where it can run."""

from __future__ import annotations

from textual.command import CommandPalette

from gaev_tui.screens.commands import GaevCommands
from tests.pilot import SEED, at_step, settle


def names(app) -> list[str]:
    return [name for name, _run, _help in GaevCommands(app.screen).commands()]


async def run_command(pilot, text: str, name: str | None = None) -> None:
    """Open the palette, type ``text``, run the hit called ``name`` (default: ``text``)."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*text)
    listing = pilot.app.screen.query_one("CommandList")
    wanted = name or text
    for _ in range(100):  # the palette searches in the background
        await pilot.pause(0.05)
        found = [str(listing.get_option_at_index(i).prompt).split("\n")[0] for i in range(listing.option_count)]
        if any(f.startswith(wanted) for f in found):
            break
    index = next(i for i, f in enumerate(found) if f.startswith(wanted))
    start = -1 if listing.highlighted is None else listing.highlighted
    await pilot.press(*(["down"] * (index - start) if index >= start else ["up"] * (start - index)), "enter")
    await settle(pilot)


async def test_palette_offers_the_apps_actions_where_they_can_run(make):
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        home = names(app)
        assert {"New environment", "Open a gaev.yaml or a project", "Box cache", "Builds"} <= set(home)
        assert not any(n.startswith("Step ") for n in home) and "Build now" not in home
        await run_command(pilot, "Builds")
        assert type(app.screen).__name__ == "BuildsScreen"


async def test_palette_moves_between_steps_and_writes(make, in_tmp_cwd):
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await at_step(pilot, 0, **SEED)
        steps = [n for n in names(app) if n.startswith("Step ")]
        assert steps[0] == "Step 2: Base box" and steps[-1] == "Step 7: Write the project" and len(steps) == 6
        await run_command(pilot, "Step 4")
        assert type(app.screen).__name__ == "AppsScreen"
        assert [type(s).__name__ for s in app.screen_stack[-4:]] == \
            ["OsProviderScreen", "BaseBoxScreen", "PackagesScreen", "AppsScreen"]  # Back walks through them
        await run_command(pilot, "Step 2")
        assert type(app.screen).__name__ == "BaseBoxScreen"
        await run_command(pilot, "Write the project")
        await settle(pilot)
        assert app.screen.query_one("#write-done").display
        assert (in_tmp_cwd / "jupyterhub-vm" / "gaev.yaml").is_file()
        assert "Build now" in names(app)
