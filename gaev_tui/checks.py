"""``gaev validate``: every check the installed tools allow on a generated project.

Each check runs one real tool and reports ok, failed (with the tool's words) or
skipped (the tool is missing, with how to install it): the spec and the files it
generates, the Vagrantfile, the Ansible playbook, and the Packer templates when the
project builds its base box. The spec's warnings (valid, but unlikely to work on a usual
host) are reported as "warning".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from gaev_tui.catalog import load_catalog
from gaev_tui.envspec import load_spec
from gaev_tui.envspec.advice import spec_warnings
from gaev_tui.errors import InputError
from gaev_tui.packer.checks import check_packer
from gaev_tui.render import plan_changes, render_project
from gaev_tui.render.ansible_checks import check_collections, check_r_libraries
from gaev_tui.tools import CheckResult, run_tool

CheckFn = Callable[[Path], Iterator[CheckResult]]


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
    if not (project / "gaev.yaml").exists():
        yield CheckResult("gaev.yaml", "failed", "no gaev.yaml: not a GAEV project")
        return
    try:
        catalog = load_catalog()
        spec = load_spec(project, catalog)
        files = render_project(spec, catalog)
    except InputError as exc:
        yield CheckResult("gaev.yaml", "failed", str(exc))
        return
    for warning in spec_warnings(spec, catalog):
        yield CheckResult(f"gaev.yaml: {warning.field}", "warning", warning.message)
    drift = [c for c in plan_changes(files, project) if c.status != "unchanged"]
    detail = ", ".join(f"{c.path} ({c.status})" for c in drift[:10])
    yield CheckResult("generated files match gaev.yaml", "failed" if drift else "ok",
                      f"regenerate with 'gaev generate gaev.yaml -o . --force': {detail}" if drift else "")


def check_ansible_side(project: Path) -> Iterator[CheckResult]:
    """Collections installed, R packages' system libraries known (render/ansible_checks.py)."""
    yield from check_r_libraries(project)
    yield from check_collections(project)


CHECKS: tuple[CheckFn, ...] = (check_spec, check_vagrantfile, check_ansible_side, check_ansible, check_packer)


def validate_project(project: Path) -> Iterator[CheckResult]:
    for check in CHECKS:
        yield from check(Path(project))
