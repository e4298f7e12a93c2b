"""tests/ mirrors gaev_tui/: each test directory is a package of gaev_tui (or one of the few
helper directories named here), and no test imports another test module or a conftest
(shared code lives in helper modules such as tests/pilot.py, tests/builds.py, tests/fakes/)."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
PACKAGE = TESTS.parent / "gaev_tui"
# Directories that test something other than one package, or hold helpers and data.
OTHERS = {
    "ansible": "the shipped Ansible roles (gaev_tui/templates/ansible), run for real",
    "fakes": "scripted stand-ins for the external tools, one per tool",
    "vm": "end-to-end tests that boot real VMs",
    "vmbox": "the VM tests' helpers: libvirt, the test box, Vagrant homes",
}


def test_every_test_directory_mirrors_a_package():
    strays = []
    for directory in sorted(TESTS.rglob("*")):
        relative = directory.relative_to(TESTS)
        if not directory.is_dir() or {"__pycache__", "__snapshots__", "data"} & set(relative.parts):
            continue  # caches, snapshots and the files a test directory reads
        if relative.parts[0] in OTHERS:
            continue
        if not (PACKAGE / relative / "__init__.py").exists():
            strays.append(str(relative))
    assert strays == [], f"tests/{strays[0]} mirrors no package of gaev_tui/ (move its tests, or name it in OTHERS)"
    assert (TESTS / "boxbuild").is_dir() and (TESTS / "screens").is_dir()


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # from .conftest import x, from . import test_y
                names.update("." + (node.module or alias.name) for alias in node.names)
            elif node.module:
                names.add(node.module)
    return names


def test_no_test_imports_a_test_module_or_a_conftest():
    bad = []
    for path in sorted(TESTS.rglob("*.py")):
        for name in imported_modules(path):
            last = name.rsplit(".", 1)[-1]
            ours = name.startswith(".") or name.split(".")[0] == "tests"
            if ours and (last.startswith("test_") or last == "conftest"):
                bad.append(f"{path.relative_to(TESTS.parent)} imports {name}")
    assert bad == []
