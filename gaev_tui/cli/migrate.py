"""``gaev migrate VAGRANTFILE --registry URL``: point a Vagrantfile's box at a GAEV box
registry (``config.vm.box_url`` set to the registry's metadata.json for that box), for
projects leaving HashiCorp's hosted registry."""

from __future__ import annotations

from pathlib import Path

from gaev_tui.errors import EXIT_OK


def register(subparsers) -> None:
    p = subparsers.add_parser("migrate", help="point a Vagrantfile's box at a box registry",
                              description=__doc__.split("\n\n")[0])
    p.add_argument("vagrantfile", type=Path, metavar="VAGRANTFILE")
    p.add_argument("--registry", required=True, metavar="URL", help="the registry's public base URL")
    p.set_defaults(func=run)


def run(args) -> int:
    from gaev_tui.registry.config import check_url
    from gaev_tui.registry.migrate import migrate_vagrantfile

    url = migrate_vagrantfile(args.vagrantfile, check_url(args.registry))
    print(f"gaev: {args.vagrantfile}: config.vm.box_url = {url}")
    return EXIT_OK
