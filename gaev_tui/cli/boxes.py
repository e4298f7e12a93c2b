"""``gaev boxes``: list the local box cache with real sizes, prune it safely, remove a box.

Listing never asks Vagrant (it is slow and shows no sizes); removing always goes
through ``vagrant box remove``. Prune prints its plan first and never deletes without
``--yes`` or an answer typed at a terminal.
"""

from __future__ import annotations

import argparse
import json
import sys

from gaev_tui.errors import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, GaevError, InputError, Location


def _non_negative(kind):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if value < 0:
            raise argparse.ArgumentTypeError(f"must be 0 or more: {text!r}")
        return value
    return parse


def _box_filters(p: argparse.ArgumentParser, version: bool = True) -> None:
    if version:
        p.add_argument("--version", dest="box_version", metavar="V", help="only this version")
    p.add_argument("--provider", metavar="P", help="only this provider (libvirt, virtualbox...)")
    p.add_argument("--architecture", metavar="A", help="only this architecture (Vagrant 2.4+ layout)")


def register(subparsers) -> None:
    """Add ``gaev boxes`` and its sub-commands."""
    boxes = subparsers.add_parser("boxes", help="list, prune and remove local Vagrant boxes",
                                  description="List the local Vagrant box cache with real sizes, "
                                  "prune it safely, remove a box.")
    boxes.set_defaults(func=run, action="list", json=False, offline=False)
    sub = boxes.add_subparsers(dest="action", metavar="ACTION")

    p = sub.add_parser("list", help="every installed box with its size, use and freshness")
    p.add_argument("--json", action="store_true", help="one JSON object per box, in a list")
    p.add_argument("--offline", action="store_true", help="do not fetch remote box catalogues")

    p = sub.add_parser("prune", help="remove old boxes, never those in use or pinned")
    p.add_argument("--keep", type=_non_negative(int), default=1, metavar="N",
                   help="versions to keep per name/provider/architecture (default 1)")
    p.add_argument("--older-than", type=_non_negative(float), metavar="DAYS",
                   help="only remove boxes added more than DAYS days ago")
    p.add_argument("--provider", metavar="P", help="only remove boxes of this provider")
    p.add_argument("--dry-run", action="store_true", help="print the plan, remove nothing")
    p.add_argument("--yes", action="store_true", help="remove without asking")
    p.add_argument("--json", action="store_true", help="print the plan (and results) as JSON")
    p.add_argument("--offline", action="store_true", help="do not fetch remote box catalogues")

    p = sub.add_parser("remove", help="remove one box through 'vagrant box remove'")
    p.add_argument("name", metavar="NAME")
    _box_filters(p)
    p.add_argument("--force", action="store_true", help="remove even if in use, unknown or pinned")

    for action, text in (("pin", "keep boxes from being pruned"), ("unpin", "release pinned boxes")):
        p = sub.add_parser(action, help=text)
        p.add_argument("name", metavar="NAME")
        _box_filters(p)

    p = sub.add_parser("volumes", help="libvirt storage-pool volumes left by removed boxes")
    p.add_argument("--pool", metavar="POOL", help="only this storage pool (default: every active one)")
    p.add_argument("--delete", action="store_true", help="delete them with 'virsh vol-delete'")
    p.add_argument("--yes", action="store_true", help="delete without asking")
    p.add_argument("--json", action="store_true", help="print them as JSON")


def run(args: argparse.Namespace) -> int:
    """Dispatch to the chosen action (``list`` when none is given)."""
    from gaev_tui.boxcache import build_index

    offline = getattr(args, "offline", False)
    index = build_index(offline=offline, check_outdated=args.action in ("list", "prune", None))
    for warning in index.warnings:
        print(f"gaev: warning: {warning}", file=sys.stderr)
    action = {"prune": _prune, "remove": _remove, "pin": _pin, "unpin": _pin,
              "volumes": _volumes}.get(args.action, _list)
    return action(args, index)


def _list(args, index) -> int:
    from gaev_tui.boxcache.text import human_bytes, table

    if args.json:
        print(json.dumps([b.to_json() for b in index.boxes], indent=2))
        return EXIT_OK
    if not index.boxes:
        print(f"no boxes in {index.vagrant_home / 'boxes'}")
        return EXIT_OK
    print(table(index.boxes))
    print(f"\n{len(index.boxes)} boxes, {human_bytes(index.total_bytes)} on disk")
    return EXIT_OK


def _confirm(question: str) -> bool:
    """Ask at a terminal; False when there is none (never delete silently)."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return False
    try:
        return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")
    except EOFError:
        return False


def _prune(args, index) -> int:
    from gaev_tui.boxcache import plan_prune
    from gaev_tui.boxcache.remove import remove_boxes
    from gaev_tui.boxcache.text import human_bytes, table

    plan = plan_prune(index.boxes, keep=args.keep, older_than_days=args.older_than,
                      provider=args.provider)
    if args.json and (args.dry_run or not args.yes):
        print(json.dumps(plan.to_json(), indent=2))
    elif not args.json:
        if plan.remove:
            print("Will remove:")
            print(table([i.box for i in plan.remove], [i.reason for i in plan.remove]))
        if plan.keep:
            print("\nWill keep:")
            print(table([i.box for i in plan.keep], [i.reason for i in plan.keep]))
        print(f"\n{len(plan.remove)} to remove, {human_bytes(plan.reclaim_bytes)} reclaimed")
    if args.dry_run or not plan.remove:
        return EXIT_OK
    if not args.yes:
        interactive = sys.stdin.isatty() and sys.stdout.isatty()
        if not interactive:
            print("gaev: not removing anything: pass --yes (or --dry-run) when not at a terminal",
                  file=sys.stderr)
            return EXIT_BAD_INPUT
        if not _confirm(f"Remove {len(plan.remove)} boxes ({human_bytes(plan.reclaim_bytes)})?"):
            print("nothing removed")
            return EXIT_OK
    results = remove_boxes([i.box for i in plan.remove], index.vagrant_home)
    return _report(results, args.json, plan)


def _report(results, as_json: bool, plan=None) -> int:
    from gaev_tui.boxcache.text import human_bytes

    failed = [r for r in results if not r.ok]
    if as_json:
        out = plan.to_json() if plan else {}
        out["removed"] = [r.box.to_json() for r in results if r.ok]
        out["failed"] = [{**r.box.to_json(), "error": r.message} for r in failed]
        print(json.dumps(out, indent=2))
    else:
        for r in results:
            print(f"{'removed' if r.ok else 'NOT removed'}: {r.box.label}"
                  + ("" if r.ok else f": {r.message}"))
        freed = sum(r.box.size_bytes for r in results if r.ok)
        print(f"{len(results) - len(failed)} removed, {human_bytes(freed)} freed")
    if any(r.ok and r.box.provider == "libvirt" for r in results) and not as_json:
        print("libvirt keeps copies of box disks in its storage pools: see 'gaev boxes volumes'")
    return EXIT_FAILED if failed else EXIT_OK


def _matching(args, index):
    found = index.find(args.name, args.box_version, args.provider, args.architecture)
    if not found:
        raise InputError(f"no installed box matches {args.name!r}"
                         + "".join(f" {k}={v}" for k, v in (("version", args.box_version),
                                   ("provider", args.provider), ("architecture", args.architecture)) if v),
                         Location(file=f"gaev boxes {args.action}", field="NAME"))
    return found


def _remove(args, index) -> int:
    from gaev_tui.boxcache.remove import remove_boxes

    found = _matching(args, index)
    if len(found) > 1:
        choices = "\n".join(f"  {b.label}" for b in found)
        print(f"gaev: {args.name!r} matches several boxes; narrow it with --version, --provider "
              f"or --architecture:\n{choices}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return _report(remove_boxes(found, index.vagrant_home, force=args.force), as_json=False)


def _pin(args, index) -> int:
    from gaev_tui.boxcache import records

    warnings: list = []
    if args.action == "pin":
        found = _matching(args, index)  # pinning a box that is not there is most likely a typo
        try:  # a prune may be removing it right now: checked again under the records' lock
            new = records.pin(args.name, args.box_version, args.provider, args.architecture,
                              warnings=warnings, still_there=lambda: any(b.path.is_dir() for b in found))
        except records.BoxGone:
            print(f"gaev: {args.name!r} was removed (by a prune) before it could be pinned", file=sys.stderr)
            return EXIT_FAILED
        message = ("pinned" if new else "already pinned") + f": {args.name}"
    else:
        count = records.unpin(args.name, args.box_version, args.provider, args.architecture, warnings=warnings)
        message = f"{count} pin(s) removed"
    for warning in warnings:  # the records were repaired on the way: never silently
        print(f"gaev: warning: {warning}", file=sys.stderr)
    print(message)
    return EXIT_OK


def _volumes(args, index) -> int:
    from gaev_tui.boxcache import libvirt, machines
    from gaev_tui.boxcache.text import human_bytes

    uses, _ = machines.load_machines(index.vagrant_home)
    left = libvirt.leftovers(libvirt.box_volumes(pool=args.pool), index.boxes, uses)
    sizes = {v.name: libvirt.allocation(v) for v in left}
    if args.json:
        print(json.dumps([{"pool": v.pool, "name": v.name, "path": v.path, "box": v.box_name,
                           "version": v.box_version, "size_bytes": sizes[v.name]} for v in left],
                         indent=2))
    else:
        for v in left:
            print(f"{v.pool}  {v.name}  {human_bytes(sizes[v.name])}")
        print(f"{len(left)} leftover volume(s)")
    if not args.delete or not left:
        return EXIT_OK
    if not args.yes and not _confirm(f"Delete {len(left)} volume(s)?"):
        print("gaev: nothing deleted: pass --yes when not at a terminal", file=sys.stderr)
        return EXIT_BAD_INPUT
    failed = 0
    for v in left:
        try:
            libvirt.delete_volume(v)
            print(f"deleted: {v.pool}/{v.name}", file=sys.stderr if args.json else sys.stdout)
        except GaevError as exc:  # one volume in use must not stop the rest
            failed += 1
            print(f"gaev: {exc}", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK
