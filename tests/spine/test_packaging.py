"""The wheel ships the embedded catalogue and every template, so an installed GAEV can
generate projects without the source tree."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.toolcheck import need

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.tools
def test_wheel_contains_catalogue_and_templates(tmp_path):
    if importlib.util.find_spec("hatchling") is None:
        need("hatchling (the build backend, in the test extras) is not installed")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True,
    )
    names = set(zipfile.ZipFile(next(tmp_path.glob("*.whl"))).namelist())
    shipped = [ROOT / "gaev_tui" / "catalog.yaml",
               *(p for d in ("templates", "data") for p in (ROOT / "gaev_tui" / d).rglob("*") if p.is_file())]
    missing = [str(p.relative_to(ROOT)) for p in shipped if "__pycache__" not in p.parts and str(p.relative_to(ROOT)) not in names]
    assert not missing
    assert len(shipped) > 20
