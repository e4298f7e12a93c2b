"""``gaev validate DIR``: run every check the installed tools allow; exit 1 on failure.

A check that could not run (its tool is missing) is never reported as a pass: the
summary names it and why, and ``--strict`` (for CI and scripts) fails on it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

MARKS = {"ok": "ok     ", "failed": "FAILED ", "skipped": "skipped", "warning": "warning"}


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("validate", help="check a generated project with the real tools",
                            description="Run ruby -c, ansible-playbook --syntax-check, ansible-lint "
                            "and packer validate on a project, each when installed.")
    parser.add_argument("project", type=Path, nargs="?", default=Path("."), help="project directory")
    parser.add_argument("--strict", action="store_true",
                        help="fail (exit 1) when a check could not run, e.g. its tool is missing (for CI)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gaev_tui.checks import validate_project
    from gaev_tui.errors import InputError, Location

    if not (args.project / "gaev.yaml").is_file():
        raise InputError("not a GAEV project (no gaev.yaml)", Location(str(args.project)))
    results = []
    for result in validate_project(args.project):
        print(f"{MARKS[result.status]} {result.name}", flush=True)
        if result.detail:
            print("        " + result.detail.replace("\n", "\n        "))
        results.append(result)
    print(summary(results, args.strict))
    return 1 if any(r.status == "failed" for r in results) or (args.strict and _skipped(results)) else 0


def _skipped(results: list) -> list:
    return [r for r in results if r.status == "skipped"]


def summary(results: list, strict: bool) -> str:
    """The last lines: valid only when every check ran and passed."""
    failed = [r for r in results if r.status == "failed"]
    skipped = _skipped(results)
    warned = sum(r.status == "warning" for r in results)
    checks = len(results) - warned
    lines = []
    if skipped:
        lines.append(f"gaev: {len(skipped)} check(s) did not run:")
        lines += [f"  - {r.name}: {r.detail}" for r in skipped]
    if failed:
        lines.append(f"gaev: {len(failed)} check(s) failed: " + ", ".join(r.name for r in failed))
    elif skipped:
        passed = checks - len(skipped)
        lines.append(f"gaev: {passed} check(s) passed, but the project is not fully validated"
                     + (" (--strict: failing)" if strict else "; install the tools above, or use --strict to fail on this"))
    else:
        lines.append(f"gaev: project is valid ({checks} checks passed" + (f"; {warned} warning(s) above)" if warned else ")"))
    return "\n".join(lines)
