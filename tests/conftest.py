from __future__ import annotations

from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path_factory, monkeypatch):
    """Every test gets its own config/data/state/cache dirs: never the user's files."""
    root = tmp_path_factory.mktemp("gaev-home")
    for name in ("CONFIG", "DATA", "STATE", "CACHE"):
        path = root / name.lower()
        path.mkdir()
        monkeypatch.setenv(f"GAEV_{name}_DIR", str(path))
    monkeypatch.setenv("VAGRANT_CHECKPOINT_DISABLE", "1")
    monkeypatch.setenv("CHECKPOINT_DISABLE", "1")
    return root


@pytest.fixture
def examples() -> list[Path]:
    """The example specs shipped in examples/ (the README's)."""
    paths = sorted(EXAMPLES.glob("*.yaml"))
    assert len(paths) >= 3
    return paths
