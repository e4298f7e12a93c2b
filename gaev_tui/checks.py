"""``gaev validate``: every check the installed tools allow on a generated project.

Each check runs one real tool and reports ok, failed (with the tool's words) or
skipped (the tool is missing, with how to install it). Other parts of GAEV add their
checks to :data:`CHECKS` (Packer templates, for example).
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from gaev_tui import tools


@dataclass(frozen=True)
class CheckResult:
    name: str  # what was checked, e.g. "ruby -c Vagrantfile"
    status: str  # "ok", "failed", "skipped", "warning" (worth reading, does not fail)
    detail: str = ""  # the tool's output when it failed, or why it was skipped


CheckFn = Callable[[Path], Iterator[CheckResult]]
TIMEOUT_S = 600


def run_tool(name: str, argv: list[str], cwd: Path, label: str, env: dict[str, str] | None = None) -> CheckResult:
    """Run one tool; a missing tool is a skip naming it, a non-zero exit a failure."""
    path = tools.which(argv[0])
    if path is None:
        tool = tools.TOOLS.get(argv[0])
        return CheckResult(label, "skipped", f"{argv[0]} not found; {tool.hint if tool else 'install it'}")
    try:
        proc = subprocess.run(
            [path, *argv[1:]], cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT_S,
            env=tools.quiet_env(**(env or {})),
        )
    except subprocess.TimeoutExpired:
        return CheckResult(label, "failed", f"{argv[0]} did not finish in {TIMEOUT_S} s")
    output = (proc.stdout + proc.stderr).strip()
    return CheckResult(label, "ok" if proc.returncode == 0 else "failed", output if proc.returncode else "")


def check_vagrantfile(project: Path) -> Iterator[CheckResult]:
    if (project / "Vagrantfile").exists():
        yield run_tool("ruby", ["ruby", "-c", "Vagrantfile"], project, "ruby -c Vagrantfile")


def check_ansible(project: Path) -> Iterator[CheckResult]:
    ansible_dir = project / "ansible"
    if not (ansible_dir / "playbook.yml").exists():
        return
    # The inventory only has to exist for a syntax check; nothing connects.
    yield run_tool(
        "ansible-playbook", ["ansible-playbook", "--syntax-check", "-i", "localhost,", "playbook.yml"],
        ansible_dir, "ansible-playbook --syntax-check",
        env={"ANSIBLE_LOCALHOST_WARNING": "False", "ANSIBLE_INVENTORY_UNPARSED_WARNING": "False"},
    )
    yield run_tool(
        "ansible-lint", ["ansible-lint", "--offline", "--nocolor", "--profile", "production", "playbook.yml"],
        ansible_dir, "ansible-lint --profile production", env={"NO_COLOR": "1", "ANSIBLE_FORCE_COLOR": "0"},
    )


def check_spec(project: Path) -> Iterator[CheckResult]:
    """The spec still parses and the generated files are what it generates."""
    from gaev_tui.catalog import load_catalog
    from gaev_tui.errors import InputError
    from gaev_tui.render import plan_changes, render_project
    from gaev_tui.envspec import load_spec

    if not (project / "gaev.yaml").exists():
        yield CheckResult("gaev.yaml", "failed", "no gaev.yaml: not a GAEV project")
        return
    try:
        catalog = load_catalog()
        files = render_project(load_spec(project, catalog), catalog)
    except InputError as exc:
        yield CheckResult("gaev.yaml", "failed", str(exc))
        return
    drift = [c for c in plan_changes(files, project) if c.status != "unchanged"]
    detail = ", ".join(f"{c.path} ({c.status})" for c in drift[:10])
    yield CheckResult("generated files match gaev.yaml", "failed" if drift else "ok",
                      f"regenerate with 'gaev generate gaev.yaml -o . --force': {detail}" if drift else "")


def check_packer(project: Path) -> Iterator[CheckResult]:
    """Packer template and answer files, when the project builds its base box."""
    from gaev_tui.packer.checks import check_packer as packer_checks

    yield from packer_checks(project)


def check_ansible_side(project: Path) -> Iterator[CheckResult]:
    """Collections installed, R packages' system libraries known (render/ansible_checks.py)."""
    from gaev_tui.render.ansible_checks import check_collections, check_r_libraries

    yield from check_r_libraries(project)
    yield from check_collections(project)


CHECKS: list[CheckFn] = [check_spec, check_vagrantfile, check_ansible_side, check_ansible, check_packer]


def validate_project(project: Path) -> Iterator[CheckResult]:
    for check in CHECKS:
        yield from check(Path(project))
