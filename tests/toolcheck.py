"""Tests that need an external tool skip naming it, unless ``GAEV_REQUIRE_TOOLS=1``
(set by CI), which turns the skip into a failure so that a missing install step in
``.ci/run`` cannot hide behind a green run."""

from __future__ import annotations

import os
import shutil

import pytest


def tools_required() -> bool:
    return os.environ.get("GAEV_REQUIRE_TOOLS", "") not in ("", "0")


def need(reason: str) -> None:
    """Skip (or fail under GAEV_REQUIRE_TOOLS=1) because ``reason`` is not met."""
    if tools_required():
        pytest.fail(f"GAEV_REQUIRE_TOOLS=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def need_tool(*names: str) -> dict[str, str]:
    """Paths of the named executables, or skip/fail naming the first one missing."""
    found: dict[str, str] = {}
    for name in names:
        path = shutil.which(name)
        if path is None:
            need(f"{name} is not installed (not on PATH)")
        found[name] = path
    return found
