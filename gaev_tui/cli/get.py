"""``gaev get URL|ORG/BOX``: add a published box with ``vagrant box add`` (checksum
verified) and write a minimal project that runs it."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from gaev_tui.errors import EXIT_OK


def register(subparsers) -> None:
    p = subparsers.add_parser("get", help="add a published box and write a project that runs it",
                              description=__doc__.split("\n\n")[0])
    p.add_argument("ref", metavar="URL|ORG/BOX", help="a registry's metadata.json URL, or ORG/BOX from your sources")
    p.add_argument("--version", help="default: the newest")
    p.add_argument("--provider", help="which provider's box, when the version has several (default: any)")
    p.add_argument("--architecture", help="default: the box's default architecture")
    p.add_argument("--cpus", type=int, metavar="N", help="default: the published spec's")
    p.add_argument("--memory", type=int, metavar="MB", help="default: the published spec's")
    p.add_argument("-o", "--output", type=Path, help="project directory (default: BOX)")
    p.add_argument("--no-add", action="store_true", help="only write the project (vagrant up adds the box)")
    p.set_defaults(func=run)


def run(args) -> int:
    from gaev_tui.registry import get, sources

    chosen = get.choose(args.ref, sources.load(), args.version, args.provider, args.architecture)
    dest = args.output or Path(chosen.name.split("/")[1])
    get.refuse_existing(dest)  # the one-line refusal before any download
    asked = args.cpus is not None or args.memory is not None
    # vagrant box add starts before the catalogue is read and the project rendered, so that
    # this work overlaps Vagrant's own start; with --cpus/--memory only once they are
    # checked (bad input adds nothing). An error meanwhile stops Vagrant: nothing is written.
    adding = None if args.no_add or asked else _start(chosen)
    try:
        catalog = None  # read (0.1 s) only to check a published spec: a bare box has none
        if chosen.spec_text:
            from gaev_tui.catalog import load_catalog

            catalog = load_catalog()
        settings = get.published_settings(chosen, catalog, args.cpus, args.memory)
        files = get.project_files(chosen, settings, catalog)
    except BaseException:
        if adding is not None:
            get.cancel_add(adding)
        raise
    if adding is None and not args.no_add:
        adding = _start(chosen)
    if adding is not None:
        get.finish_add(adding, on_line=lambda line: print(f"[vagrant] {line}", file=sys.stderr))
    get.write_new_project(files, dest)
    for note in settings.notes:
        print(f"[get] note: {note}", file=sys.stderr)
    print(f"gaev: {chosen.name} {chosen.version} ({chosen.provider}) is ready in {dest}")
    print(f"next: cd {shlex.quote(str(dest))} && vagrant up --provider={chosen.provider}")
    return EXIT_OK


def _start(chosen):
    from gaev_tui.registry import get

    print(f"[get] vagrant box add {chosen.name} {chosen.version} ({chosen.provider})", file=sys.stderr)
    return get.start_add(chosen)
