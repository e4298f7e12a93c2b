"""Fixtures for the screens' tests: no blinking, projects written under a throw-away
current directory (the wizard app itself: ``make`` in tests/conftest.py), and the real
Glance of tests/cloud/glance.py for the Cloud screen's upload."""

from __future__ import annotations

import pytest
from textual.widgets import Input, TextArea

from tests.cloud.glance import glance  # noqa: F401 - a fixture, found by name


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

