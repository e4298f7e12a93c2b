"""Running the CLI where file permissions bind, even when the tests run as root."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.toolcheck import need_tool

ROOT = Path(__file__).resolve().parents[1]


def as_ordinary_user(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """The CLI in a child that permissions bind: as root, without the capabilities that
    override them (util-linux's setpriv), so a read-only directory is read-only."""
    prefix = []
    if os.geteuid() == 0:
        need_tool("setpriv")
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([*prefix, sys.executable, "-m", "gaev_tui", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)
