"""Fixtures for the screens' tests: the wizard on the test catalogue and fixed host facts,
no blinking, projects written under a throw-away current directory."""

from __future__ import annotations

import pytest
from textual.widgets import Input, TextArea

from tests.pilot import FACTS


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
def make(catalog):
    """``make(**kwargs)`` -> the wizard app on the test catalogue and fixed host facts."""
    from gaev_tui.app import make_app

    def factory(**kwargs):
        kwargs.setdefault("catalog", catalog)
        kwargs.setdefault("probe", lambda: FACTS)
        return make_app(**kwargs)

    return factory
