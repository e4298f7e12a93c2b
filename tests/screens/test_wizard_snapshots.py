"""SVG snapshots of every wizard state that matters, at 80x24 and 120x40.

They run on the small test catalogue and fixed host facts (conftest), so they change
only when the wizard's look does. Update with ``pytest --snapshot-update``.
"""

from __future__ import annotations

import pytest

from tests.pilot import SEED, at_step, next_step, settle, tick_apps, tick_packages, type_in

SIZES = [(80, 24), (120, 40)]



def step(index: int, then=None, **answers):
    async def run_before(pilot):
        await settle(pilot)
        await at_step(pilot, index, **answers)
        if then is not None:
            await then(pilot)
        await settle(pilot)
    return run_before


async def home(pilot):
    await settle(pilot)


async def bad_name(pilot):
    await type_in(pilot, "f-name", "My VM")
    await next_step(pilot)


async def python_tab(pilot):
    await tick_packages(pilot, "python", ["pandas"])
    pilot.app.screen.query_one("#pick-python .picker-extras").value = "numpy scikit-learn>=>1"
    await pilot.pause()


async def two_apps(pilot):
    await tick_apps(pilot, ["jupyterhub", "rstudio"])


async def low_memory(pilot):
    await type_in(pilot, "f-memory", "512")
    await next_step(pilot)


async def files_tab(pilot):
    await pilot.press("f")


async def help_open(pilot):
    await pilot.press("f1")


async def written(pilot):
    await pilot.press("ctrl+s")
    await settle(pilot)


CASES = {
    "home": home,
    "os_provider": step(0),
    "os_provider_bad_name": step(0, bad_name),
    "os_provider_help": step(0, help_open),
    "base_box": step(1),
    "packages": step(2, python_tab),
    "apps": step(3, two_apps),
    "resources": step(4, **SEED),
    "resources_refused": step(4, low_memory, apps=["jupyterhub", "rstudio"]),
    "review": step(5, **SEED),
    "review_files": step(5, files_tab, **SEED),
    "write": step(6, **SEED),
    "write_done": step(6, written, **SEED),
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("case", list(CASES))
def test_snapshot(snap_compare, make, case, size):
    assert snap_compare(make(), run_before=CASES[case], terminal_size=size)
