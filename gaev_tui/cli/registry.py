"""``gaev registry init|list|index``: create and inspect box registries (a directory
or ``s3://BUCKET/PREFIX``) that Vagrant reads as plain files. ``gaev publish`` puts
boxes into one."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from gaev_tui.errors import EXIT_OK


def register(subparsers) -> None:
    p = subparsers.add_parser("registry", help="create and inspect box registries",
                              description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="registry_command", metavar="ACTION", required=True)
    init = sub.add_parser("init", help="make a directory or bucket a box registry")
    init.add_argument("where", metavar="DIR|s3://BUCKET/PREFIX")
    init.add_argument("--url", help="public base URL the registry is served from (default for a directory: its file:// URL)")
    init.add_argument("--org", default="gaev", help="default ORG of box names published here (default: gaev)")
    init.set_defaults(func=run_init)
    ls = sub.add_parser("list", help="the boxes of a registry")
    ls.add_argument("where", metavar="DIR|s3://BUCKET/PREFIX")
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    ls.set_defaults(func=run_list)
    idx = sub.add_parser("index", help="rebuild the registry's index from its metadata.json files")
    idx.add_argument("where", metavar="DIR|s3://BUCKET/PREFIX")
    idx.set_defaults(func=run_index)
    src = sub.add_parser("add-source", help="read boxes from this registry (gaev get ORG/BOX, the wizard)")
    src.add_argument("url", metavar="URL", help="the registry's public base URL")
    src.set_defaults(func=run_add_source)
    rb = sub.add_parser("rebuild", help="re-create the project of a published version from its spec and lock")
    rb.add_argument("ref", metavar="URL|ORG/BOX", help="a metadata.json URL, or ORG/BOX from your sources")
    rb.add_argument("--version", help="default: the newest")
    rb.add_argument("--provider")
    rb.add_argument("-o", "--output", type=Path, help="project directory (default: BOX)")
    rb.set_defaults(func=run_rebuild)
    imp = sub.add_parser("import", help="publish boxes of the local Vagrant cache (leaving HCP Vagrant)")
    imp.add_argument("name", metavar="ORG/BOX")
    imp.add_argument("--to", required=True, metavar="REGISTRY", help="a registry directory or s3://BUCKET/PREFIX")
    imp.add_argument("--version", help="default: every cached version")
    imp.add_argument("--provider")
    imp.set_defaults(func=run_import)


def run_init(args) -> int:
    from gaev_tui.errors import InputError
    from gaev_tui.registry import config, metadata
    from gaev_tui.registry.open_store import open_store

    store = open_store(args.where)
    url = args.url or store.default_url()
    if not url:
        raise InputError(f"{store}: give the public base URL it is served from: --url https://...")
    cfg = config.RegistryConfig(config.check_url(url), org=metadata.check_box_name(f"{args.org}/x").split("/")[0])
    store.create()
    if not store.create_only(config.CONFIG_KEY, config.dumps(cfg), "application/json"):
        existing = config.load(store)
        if existing != cfg:
            raise InputError(f"{store} is already a registry served from {existing.url} (org {existing.org}); "
                             "nothing was changed")
    print(f"gaev: {store} is a box registry served from {cfg.url}")
    print(f"next: gaev publish PROJECT --to {args.where}")
    return EXIT_OK


def run_list(args) -> int:
    from gaev_tui.registry import config, index
    from gaev_tui.registry.open_store import open_store

    store = open_store(args.where)
    cfg = config.load(store)
    boxes = index.build(index.collect(store), cfg.url)["boxes"]
    if args.json:
        print(json.dumps(boxes, indent=2, sort_keys=True))
        return EXIT_OK
    if not boxes:
        print(f"{store}: no boxes yet")
    for box in boxes:
        versions = ", ".join(v["version"] for v in box["versions"]) or "-"
        print(f"{box['name']}  versions: {versions}\n  vagrant box add {box['metadata_url']}")
    return EXIT_OK


def run_index(args) -> int:
    from gaev_tui.registry import config, index
    from gaev_tui.registry.open_store import open_store

    store = open_store(args.where)
    built = index.refresh(store, config.load(store).url)
    print(f"gaev: {store}: index of {len(built['boxes'])} box(es) rebuilt", file=sys.stderr)
    return EXIT_OK


def run_add_source(args) -> int:
    from gaev_tui.registry import sources

    added = sources.add(args.url)
    print(f"gaev: {'added' if added else 'already a source'}: {args.url} (gaev get ORG/BOX looks there)")
    return EXIT_OK


def run_rebuild(args) -> int:
    from gaev_tui.registry import rebuild, sources

    dest, same = rebuild.rebuild(args.ref, sources.load(), args.version, args.provider, args.output)
    if same:
        print(f"gaev: wrote {dest}: byte-identical to the published project (its gaev.lock.json matches)")
        return EXIT_OK
    print(f"gaev: wrote {dest}, but its gaev.lock.json differs from the published one (another GAEV version or "
          f"catalogue): compare {dest}/gaev.lock.json with the published lock", file=sys.stderr)
    return 1


def run_import(args) -> int:
    from gaev_tui.registry import config, index, migrate
    from gaev_tui.registry.open_store import open_store

    store = open_store(args.to)
    cfg = config.load(store)
    done = migrate.import_cached(store, args.name, args.version, args.provider,
                                 on_step=lambda text: print(f"[import] {text}", file=sys.stderr))
    index.refresh(store, cfg.url)
    for item in done:
        print(f"published {item.name} {item.version} ({item.provider}): vagrant box add {item.metadata_url}")
    return EXIT_OK
