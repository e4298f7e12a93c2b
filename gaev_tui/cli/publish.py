"""``gaev publish PROJECT_OR_BOX --to REGISTRY``: upload a built box to a box registry
(verified where it landed), list it in its metadata.json for Vagrant, and print the
identifier and the command that uses it."""

from __future__ import annotations

import json
import sys

from gaev_tui.cli.progress import ByteBar
from gaev_tui.errors import EXIT_OK


def register(subparsers) -> None:
    p = subparsers.add_parser("publish", help="publish a built box to a box registry",
                              description=__doc__.split("\n\n")[0])
    p.add_argument("source", metavar="PROJECT_OR_BOX", help="a project directory with a built box, or a .box file")
    p.add_argument("--to", required=True, metavar="REGISTRY", help="a registry directory or s3://BUCKET/PREFIX")
    p.add_argument("--name", metavar="ORG/BOX", help="box name (default: the registry's ORG / the project's name)")
    p.add_argument("--version", help="numeric X.Y.Z (default: the next patch version, 1.0.0 for a new box)")
    p.add_argument("--provider", help="default: from the box's own metadata")
    p.add_argument("--architecture", help="default: from the box's metadata, else amd64")
    p.add_argument("--description", default="", help="a line describing the box")
    p.add_argument("--creator", action="append", default=[], metavar="NAME",
                   help="an author to cite (repeatable; default: the registry's organisation)")
    p.add_argument("--doi", action="store_true",
                   help="also mint a DOI on an InvenioRDM service such as Zenodo (token in GAEV_INVENIO_TOKEN, "
                        "service in GAEV_INVENIO_URL, default https://zenodo.org)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    from pathlib import Path

    from gaev_tui.registry.share import share

    bar: list[ByteBar] = []
    say = (lambda text: None) if args.json else (lambda text: print(f"[publish] {text}", file=sys.stderr))
    done = share(Path(args.source), args.to, name=args.name, version=args.version, provider=args.provider,
                 architecture=args.architecture, description=args.description, creators=tuple(args.creator),
                 progress=None if args.json else (lambda n: bar[0](n)), on_step=say,
                 on_size=lambda total: bar.append(ByteBar(total)), doi=args.doi)
    if args.json:
        print(json.dumps(done.__dict__, indent=2, sort_keys=True))
        return EXIT_OK
    print(("already published, identical: " if done.already else "published ")
          + f"{done.name} {done.version} ({done.provider}, {done.architecture})")
    if done.doi:
        print(f"  DOI: {done.doi} (https://doi.org/{done.doi})")
    print(f"  identifier: {done.identifier}\n  box: {done.box_url}\n  use it: vagrant box add {done.metadata_url}")
    if done.citation:
        print(f"  cite it: {done.citation.strip()}")
    return EXIT_OK
