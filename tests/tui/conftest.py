"""Fixtures for the wizard's tests: a fixed catalogue, fixed host facts, no blinking."""

from __future__ import annotations

import asyncio
import inspect
from pathlib import Path

import pytest
from textual.widgets import Input, TextArea

from gaev_tui import yamlsrc
from gaev_tui.catalog import parse_catalog
from gaev_tui.hostfacts import HostFacts

DATA = Path(__file__).parent / "data"
# A Linux lab server with Vagrant, Packer, Ansible and libvirt, without VirtualBox.
FACTS = HostFacts(
    "linux",
    {"vagrant": "Vagrant 2.3.4", "packer": "1.6.6", "ansible-playbook": "ansible-playbook [core 2.17.0]",
     "VBoxManage": None, "virsh": "9.0.0"},
    ("vagrant-libvirt",),
)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run ``async def`` tests (Pilot) in a fresh event loop: no asyncio plugin needed."""
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
        asyncio.run(pyfuncitem.obj(**args))
        return True
    return None


@pytest.fixture(autouse=True)
def frozen_cursor(monkeypatch):
    """A blinking cursor makes screenshots depend on timing: keep it still."""
    monkeypatch.setattr(Input, "cursor_blink", False)
    monkeypatch.setattr(TextArea, "cursor_blink", False)


@pytest.fixture(autouse=True)
def in_tmp_cwd(tmp_path, monkeypatch):
    """The wizard writes projects under the current directory by default."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def catalog():
    return parse_catalog(yamlsrc.load(DATA / "catalog.yaml"))


@pytest.fixture
def make(catalog):
    """``make(**kwargs)`` -> the wizard app on the test catalogue and fixed host facts."""
    from gaev_tui.app import make_app

    def factory(**kwargs):
        kwargs.setdefault("catalog", catalog)
        kwargs.setdefault("probe", lambda: FACTS)
        return make_app(**kwargs)

    return factory
