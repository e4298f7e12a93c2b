from __future__ import annotations

from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def examples() -> list[Path]:
    paths = sorted(EXAMPLES.glob("*.yaml"))
    assert len(paths) >= 3
    return paths
