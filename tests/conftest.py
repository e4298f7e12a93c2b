"""Fixtures for every test: isolated GAEV directories, the example specs, the small test
catalogue, a project built with the fake vagrant; and ``async def`` tests run without a
plugin (Pilot tests)."""

from __future__ import annotations

import asyncio
import inspect
from pathlib import Path

import pytest

from gaev_tui import yamlsrc
from gaev_tui.boxbuild import jobs
from gaev_tui.catalog import parse_catalog
from tests.fakes import install_fake_tool
from tests.fakes.project import FAKE_VAGRANT, SCRIPT_VARIABLES, FakeProject, write_project

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
DATA = Path(__file__).parent / "data"


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run ``async def`` tests (Pilot) in a fresh event loop: no asyncio plugin needed."""
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
        asyncio.run(pyfuncitem.obj(**args))
        return True
    return None


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path_factory, monkeypatch):
    """Every test gets its own config/data/state/cache dirs: never the user's files."""
    root = tmp_path_factory.mktemp("gaev-home")
    for name in ("CONFIG", "DATA", "STATE", "CACHE"):
        path = root / name.lower()
        path.mkdir()
        monkeypatch.setenv(f"GAEV_{name}_DIR", str(path))
    monkeypatch.setenv("VAGRANT_CHECKPOINT_DISABLE", "1")
    monkeypatch.setenv("CHECKPOINT_DISABLE", "1")
    return root


@pytest.fixture
def examples() -> list[Path]:
    """The example specs shipped in examples/ (the README's)."""
    paths = sorted(EXAMPLES.glob("*.yaml"))
    assert len(paths) >= 3
    return paths


@pytest.fixture
def catalog():
    """The small test catalogue (tests/data/catalog.yaml): the wizard's tests run on it."""
    return parse_catalog(yamlsrc.load(DATA / "catalog.yaml"))


@pytest.fixture
def make(catalog):
    """``make(**kwargs)`` -> the wizard app on the test catalogue and fixed host facts."""
    from gaev_tui.app import make_app  # the UI: only for the tests that ask for it
    from tests.pilot import FACTS

    def factory(**kwargs):
        kwargs.setdefault("catalog", catalog)
        kwargs.setdefault("probe", lambda: FACTS)
        return make_app(**kwargs)

    return factory


@pytest.fixture
def fake_project(tmp_path, monkeypatch) -> FakeProject:
    """A project in ``tmp_path/proj`` built with the fake vagrant (tests/fakes/vagrant.py)."""
    install_fake_tool(tmp_path, monkeypatch, "vagrant", FAKE_VAGRANT)
    project = FakeProject(write_project(tmp_path / "proj"), tmp_path / "calls.jsonl", tmp_path / "pids")
    monkeypatch.setenv("FAKE_VAGRANT_CALLS", str(project.calls_file))
    monkeypatch.setenv("FAKE_VAGRANT_PIDS", str(project.pids_file))
    for var in SCRIPT_VARIABLES:
        monkeypatch.delenv(var, raising=False)
    yield project
    # Whatever a test did, no build may outlive it.
    for job in jobs.list_jobs():
        jobs.cancel_job(job)
