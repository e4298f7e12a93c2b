"""``gaev generate SPEC [-o DIR] [--force]``: write the project for a spec."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("generate", help="write the VM project for a gaev.yaml spec",
                            description="Check a spec and write its project directory.")
    parser.add_argument("spec", type=Path, help="the spec file (gaev.yaml)")
    parser.add_argument("-o", "--output", type=Path, help="project directory (default: the spec's name)")
    parser.add_argument("--force", action="store_true", help="update an existing project directory")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gaev_tui.catalog import load_catalog
    from gaev_tui.envspec import load_spec
    from gaev_tui.envspec.advice import spec_warnings
    from gaev_tui.render import inuse, render_project, write_project

    catalog = load_catalog()
    spec = load_spec(args.spec, catalog)
    files = render_project(spec, catalog)
    for warning in spec_warnings(spec, catalog):
        print(f"gaev: warning: {args.spec}: {warning.field}: {warning.message}", file=sys.stderr)
    dest = args.output or Path(spec.name)
    source = args.spec / "gaev.yaml" if args.spec.is_dir() else args.spec
    shell_inside = _inside(dest) and dest.is_dir()
    machines = inuse.vagrant_machines(dest) if args.force else []  # a VM up, not building: allowed
    changes = write_project(files, dest, force=args.force, spec_source=source)
    for change in changes:
        if change.status == "kept":
            print(f"gaev: kept {change.path} as {change.kept_as}: GAEV did not write it, or it was changed since",
                  file=sys.stderr)
    counts = {status: sum(c.status == status for c in changes) for status in ("added", "changed", "removed", "kept")}
    summary = ", ".join(f"{n} {status}" for status, n in counts.items() if n) or "no change"
    print(f"gaev: wrote {dest} ({summary})")
    if machines:
        print(f"note: {inuse.machines_note(machines)}", file=sys.stderr)
    if shell_inside:  # the directory was replaced as a whole: this shell still sits in the old one
        print("note: the project directory was replaced; run 'cd .' to see the new one", file=sys.stderr)
    print(f"next: cd {dest} && gaev validate . && gaev build .")
    return 0


def _inside(dest: Path) -> bool:
    try:
        here, there = os.getcwd(), os.path.abspath(dest)
    except OSError:
        return False
    return here == there or here.startswith(there.rstrip(os.sep) + os.sep)
