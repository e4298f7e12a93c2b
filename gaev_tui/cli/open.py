"""``gaev open PATH``: load a spec (or a project's gaev.yaml) into the wizard."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("open", help="edit a gaev.yaml or a project in the wizard",
                            description="Open a spec file, or a project directory (its gaev.yaml), "
                            "in the wizard: every choice comes back for editing, and writing "
                            "updates the project in place.")
    parser.add_argument("path", type=Path, help="a gaev.yaml spec or a GAEV project directory")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # A bad spec is reported here, as one line with its file:line: field, before any screen.
    from gaev_tui.app import run_wizard

    return run_wizard(spec_path=args.path)
