"""The core never imports Textual: proven in a fresh interpreter."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import gaev_tui

UI_MODULES = ("gaev_tui.app", "gaev_tui.screens", "gaev_tui.widgets")


def core_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(gaev_tui.__path__, "gaev_tui."):
        if not info.name.startswith(UI_MODULES) and info.name != "gaev_tui.__main__":
            names.append(info.name)
    return names


def test_core_does_not_import_textual():
    modules = core_modules()
    assert "gaev_tui.cli.main" in modules and len(modules) > 5
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
