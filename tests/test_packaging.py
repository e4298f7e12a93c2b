"""The wheel ships exactly the package's files: every module, the embedded catalogue, the
templates and the stylesheets that git holds under ``gaev_tui/``, and nothing else (no
``__pycache__``, no stray output). A build backend that skips a directory (an ignore file
matching ``build/``, say) fails here, not on a user's machine."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.toolcheck import need

ROOT = Path(__file__).resolve().parents[1]


def package_files() -> set[str]:
    """What git holds under gaev_tui/ in this tree: tracked files still present, and new
    files not yet added that no ignore rule excludes (a build ships those too)."""
    if shutil.which("git") is None:
        need("git is not installed (not on PATH)")
    result = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", "gaev_tui"],
        cwd=ROOT, capture_output=True, text=True,
    )
    if result.returncode != 0:
        need(f"{ROOT} is not a git checkout: {result.stderr.strip()}")
    return {name for name in result.stdout.split("\0") if name and (ROOT / name).is_file()}


def build_wheel(out: Path) -> Path:
    """The wheel pip builds from this tree, with the installed build backend."""
    if importlib.util.find_spec("hatchling") is None:
        need("hatchling (the build backend, in the test extras) is not installed")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True, capture_output=True,
    )
    (wheel,) = out.glob("*.whl")
    return wheel


@pytest.mark.tools
def test_wheel_ships_exactly_the_files_git_holds(tmp_path):
    expected = package_files()
    with zipfile.ZipFile(build_wheel(tmp_path)) as wheel:
        names = wheel.namelist()
        entry_points = next(wheel.read(n).decode() for n in names if n.endswith(".dist-info/entry_points.txt"))
    shipped = {n for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert sorted(expected - shipped) == []  # missing from the wheel
    assert sorted(shipped - expected) == []  # in the wheel but not in git
    # The comparison covers code and data alike.
    assert {"gaev_tui/cli/main.py", "gaev_tui/catalog.yaml", "gaev_tui/app.tcss"} <= shipped
    assert sum(n.startswith("gaev_tui/templates/") for n in shipped) > 20
    assert any(n.startswith("gaev_tui/data/") for n in shipped)  # time zones, locales
    assert "gaev = gaev_tui.cli.main:main" in entry_points
