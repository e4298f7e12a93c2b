"""Entry point of ``gaev``: with no arguments it opens the wizard, otherwise it
dispatches to a sub-command. Every error becomes one line and an exit code:
0 ok, 1 a check or tool failed, 2 bad input."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from gaev_tui import __version__
from gaev_tui.errors import EXIT_BAD_INPUT, EXIT_FAILED, GaevError

# Each module defines ``register(subparsers)`` and sets ``func(args) -> int`` on its
# parser. Heavy imports stay inside the commands so that ``gaev --help`` is instant.
COMMAND_MODULES = (
    "gaev_tui.cli.generate",
    "gaev_tui.cli.validate",
    "gaev_tui.cli.catalog",
    "gaev_tui.cli.boxes",
    "gaev_tui.cli.build",
    "gaev_tui.cli.jobs",
    "gaev_tui.cli.open",
    "gaev_tui.cli.registry",
    "gaev_tui.cli.publish",
    "gaev_tui.cli.get",
    "gaev_tui.cli.migrate",
    "gaev_tui.cli.ci",
    "gaev_tui.cli.serve",
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 too; keep its one line
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"gaev: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="gaev",
        description="Build, share and re-create virtual machines for scientific software. "
        "With no command, opens the wizard.",
    )
    parser.add_argument("--version", action="version", version=f"gaev {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        os.getcwd()
    except FileNotFoundError:  # e.g. 'gaev generate -o . --force' replaced this directory
        print("gaev: the current directory no longer exists (was it replaced?); run 'cd .' or cd back into it",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        if args.command is None:
            from gaev_tui.app import run_wizard

            return run_wizard()
        return int(args.func(args) or 0)
    except GaevError as exc:
        print(f"gaev: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("gaev: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
