"""Dashboard tests: a generated-looking project whose ``vagrant`` is fake_vagrant.py,
first on PATH; builds run for real (detached runner, real process runner, real log
files); helpers to wait for conditions while Pilot drives the app."""

from __future__ import annotations

import asyncio
import functools
from dataclasses import dataclass
from pathlib import Path

import pytest
from textual.app import App

from gaev_tui.boxbuild import jobs
from gaev_tui.boxbuild.groups import group_members
from gaev_tui.boxbuild.jobs import process_start
from gaev_tui.boxbuild.preflight import Check
from gaev_tui.boxbuild.sources import Sources
from gaev_tui.boxbuild.vmstate import VmInfo
from tests.boxbuild.conftest import write_project
from tests.fakebin import install_fake_tool

FAKE = Path(__file__).parent / "fake_vagrant.py"


class ScreenApp(App):
    """A tiny app that opens one screen, as the wizard does."""

    def __init__(self, screen_factory) -> None:
        super().__init__()
        self.screen_factory = screen_factory

    def on_mount(self) -> None:
        self.push_screen(self.screen_factory())


@dataclass
class FakeBuild:
    dir: Path
    pids_file: Path

    def pids(self) -> list[int]:
        return [int(p) for p in self.pids_file.read_text().split()] if self.pids_file.exists() else []


def quiet_sources(checks: list[Check] | None = None) -> Sources:
    """Real clock and disks; pre-flight and VM answers that do not need libvirt here."""
    return Sources(
        preflight=lambda project: checks if checks is not None else [Check("ok", "vagrant found (fake)")],
        vm=lambda project, provider: VmInfo("running", "", 1, 512),
        vagrant_status=lambda project: None,
        poll_every=0.05,
    )


@pytest.fixture
def fake_build(tmp_path, monkeypatch) -> FakeBuild:
    install_fake_tool(tmp_path, monkeypatch, "vagrant", FAKE)
    pids = tmp_path / "pids"
    monkeypatch.setenv("FAKE_PIDS", str(pids))
    for var in ("FAKE_SLOW", "FAKE_LINES"):
        monkeypatch.delenv(var, raising=False)
    build = FakeBuild(write_project(tmp_path / "proj"), pids)
    yield build
    # Whatever a test did, no build may outlive it.
    for job in jobs.list_jobs():
        jobs.cancel_job(job)


def alive(pid: int) -> bool:
    return process_start(pid) is not None


def leftovers(pids: list[int]) -> list[int]:
    """Processes (or members of their groups) still running."""
    return [pid for pid in pids if alive(pid)] + [m for pid in pids for m in group_members(pid)]


async def wait_for(pilot, condition, timeout: float = 60.0, what: str = "condition") -> None:
    """Let the app run until ``condition()`` holds (fails after ``timeout`` seconds)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


def only_job() -> jobs.Job:
    found = jobs.list_jobs()
    assert len(found) == 1, found
    return found[0]


def sync(coro_fn):
    """Run an async test without an asyncio pytest plugin (none is a dependency)."""
    @functools.wraps(coro_fn)
    def wrapper(*args, **kwargs):
        return asyncio.run(coro_fn(*args, **kwargs))
    return wrapper
