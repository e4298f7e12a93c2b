"""``gaev validate DIR``: run every check the installed tools allow; exit 1 on failure."""

from __future__ import annotations

import argparse
from pathlib import Path

MARKS = {"ok": "ok     ", "failed": "FAILED ", "skipped": "skipped", "warning": "WARNING"}


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("validate", help="check a generated project with the real tools",
                            description="Run ruby -c, ansible-playbook --syntax-check, ansible-lint "
                            "and packer validate on a project, each when installed.")
    parser.add_argument("project", type=Path, nargs="?", default=Path("."), help="project directory")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gaev_tui.checks import validate_project
    from gaev_tui.errors import InputError, Location

    if not (args.project / "gaev.yaml").is_file():
        raise InputError("not a GAEV project (no gaev.yaml)", Location(str(args.project)))
    failed = skipped = 0
    for result in validate_project(args.project):
        print(f"{MARKS[result.status]} {result.name}", flush=True)
        if result.detail:
            print("        " + result.detail.replace("\n", "\n        "))
        failed += result.status == "failed"
        skipped += result.status == "skipped"
    if skipped:
        print(f"gaev: {skipped} check(s) skipped: the tools named above are missing")
    print("gaev: project is valid" if not failed else f"gaev: {failed} check(s) failed")
    return 1 if failed else 0
