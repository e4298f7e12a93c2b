"""Scripted stand-ins for the external tools, one per tool (``vagrant.py``), and the way
to put one first on PATH (pipeline-logic and UI tests; the real tools are exercised by the
``tools`` and ``vm`` tests)."""

from __future__ import annotations

import sys
from pathlib import Path


def install_fake_tool(tmp_path: Path, monkeypatch, name: str, script: Path) -> Path:
    """``name`` on PATH runs ``script`` with this Python; returns the bin directory."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    wrapper = bin_dir / name
    wrapper.write_text(f"#!/bin/sh\nexec {sys.executable} {script} \"$@\"\n")
    wrapper.chmod(0o755)
    # Only the system's directories besides: no real vagrant may be found by mistake.
    monkeypatch.setenv("PATH", f"{bin_dir}:{Path(sys.executable).parent}:/usr/bin:/bin")
    return bin_dir
