"""The static checks configured in ``pyproject.toml`` pass on this tree: import-linter's
contracts (the core never imports Textual, the UI sits above the core and the CLI above
both, no import cycles, function-level imports included) and ruff's lint rules. The runtime
side of the first contract is ``tests/test_import_hygiene.py``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.toolcheck import need

ROOT = Path(__file__).resolve().parents[1]


def tool(name: str, package: str) -> str:
    """The executable ``name`` (next to this Python first: pip puts it there), or skip/fail."""
    search = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    path = shutil.which(name, path=search)
    if path is None:
        need(f"{name} is not installed (pip package {package}, in the test extras)")
    return path


def run(*cmd: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    # This tree's gaev_tui, not the one an editable install points at.
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(cmd, cwd=ROOT, env=env, input=stdin, capture_output=True, text=True)


@pytest.mark.tools
def test_import_contracts_are_kept():
    result = run(tool("lint-imports", "import-linter"), "--no-cache", "--no-logo")
    assert result.returncode == 0, result.stdout + result.stderr
    # Every contract of pyproject.toml was checked and kept (none silently dropped).
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    assert {c["type"] for c in contracts} >= {"protected", "layers", "acyclic_siblings"}
    for contract in contracts:
        assert f"{contract['name']} KEPT" in result.stdout
    assert f"{len(contracts)} kept, 0 broken" in result.stdout


@pytest.mark.tools
def test_ruff_finds_nothing():
    ruff = tool("ruff", "ruff")
    result = run(ruff, "check", "--no-cache", "--output-format", "concise", ".")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.tools
def test_ruff_reads_the_project_rules():
    """The rules beyond ruff's defaults (import order, bugbear) are in effect for the
    package: a clean run above means the configured rules found nothing."""
    bad = "import sys\nimport os\n\n\ndef f(xs):\n    for xs in xs:\n        print(os, sys)\n"
    result = run(tool("ruff", "ruff"), "check", "--no-cache", "--output-format", "concise",
                 "--stdin-filename", "gaev_tui/example.py", "-", stdin=bad)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "I001" in result.stdout and "B020" in result.stdout
