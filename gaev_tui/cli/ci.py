"""``gaev ci gitlab|github [DIR]``: write a CI pipeline that validates every GAEV project
under DIR, builds each on a runner that hosts its provider (runner tags / labels
``gaev`` + the provider), publishes the box to a registry (``--registry`` or the
``GAEV_REGISTRY`` CI variable) or keeps it as an artefact, and caches Vagrant's boxes."""

from __future__ import annotations

import sys
from pathlib import Path

from gaev_tui.errors import EXIT_OK

TARGETS = {"gitlab": ".gitlab-ci.yml", "github": ".github/workflows/gaev.yml"}


def register(subparsers) -> None:
    p = subparsers.add_parser("ci", help="write a CI pipeline that validates, builds and publishes the boxes",
                              description=__doc__.split("\n\n")[0])
    p.add_argument("kind", choices=sorted(TARGETS), help="the CI service")
    p.add_argument("dir", nargs="?", default=".", type=Path, metavar="DIR",
                   help="the repository root: a project, or a directory holding several (default: .)")
    p.add_argument("--registry", metavar="REGISTRY", help="publish there (a directory or s3://BUCKET/PREFIX)")
    p.add_argument("-o", "--output", type=Path, help=f"the file to write (default: DIR/{TARGETS['gitlab']} or "
                   f"DIR/{TARGETS['github']}); '-' prints it")
    p.add_argument("--force", action="store_true", help="replace an existing pipeline file")
    p.set_defaults(func=run)


def run(args) -> int:
    from gaev_tui.cipipeline import github, gitlab
    from gaev_tui.cipipeline.projects import find_projects
    from gaev_tui.errors import InputError
    from gaev_tui.fsutil import atomic_write

    if args.registry and any(c in args.registry for c in "'\"$`\\\n"):
        raise InputError("--registry: quotes, '$', '`', '\\' and line breaks are not allowed in a registry location")
    projects = find_projects(args.dir)
    text = (gitlab if args.kind == "gitlab" else github).pipeline(projects, args.registry)
    if args.output is not None and str(args.output) == "-":
        sys.stdout.write(text)
        return EXIT_OK
    out = args.output or args.dir / TARGETS[args.kind]
    if out.exists() and not args.force:
        raise InputError(f"{out} exists; use --force to replace it")
    atomic_write(out, text)
    names = ", ".join(f"{p.name} ({p.provider})" for p in projects)
    print(f"gaev: wrote {out} for {len(projects)} project(s): {names}")
    print("runners: tag (GitLab) or label (GitHub) them 'gaev' plus the provider they host")
    return EXIT_OK
