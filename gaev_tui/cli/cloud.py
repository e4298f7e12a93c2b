"""``gaev cloud``: instantiate a box on an OpenStack cloud.

export: the box's disk as one flat, scrubbed qcow2/raw image (qemu-img, virt-customize);
up: image, key pair, security group and server with cloud-init user-data, then the URL;
down: delete what 'up' created; list: GAEV's servers with state and URL.
Credentials come from clouds.yaml/secure.yaml, OS_CLOUD or OS_* variables, never from GAEV.
"""

from __future__ import annotations

import json
import sys

from gaev_tui.errors import EXIT_OK


def register(subparsers) -> None:
    p = subparsers.add_parser("cloud", help="export a box as a cloud image, launch it on OpenStack",
                              description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cloud_command", metavar="ACTION", required=True)

    e = sub.add_parser("export", help="convert a box's disk into one flat cloud image")
    e.add_argument("source", metavar="BOX_OR_PROJECT", help="a project directory with a built box, or a .box file")
    e.add_argument("--format", default="qcow2", choices=("qcow2", "raw"))
    e.add_argument("-o", "--output", metavar="FILE", help="default: NAME.FORMAT beside the box")
    e.add_argument("--json", action="store_true")
    e.set_defaults(func=run_export)

    u = sub.add_parser("up", help="launch a server from the box (uploads the image when needed)")
    u.add_argument("source", metavar="PROJECT_OR_BOX",
                   help="a cloud-ready project, or a .box GAEV built (its spec comes from GAEV's box records)")
    u.add_argument("--cloud", metavar="NAME", help="a cloud of clouds.yaml (default: OS_CLOUD, or the OS_* variables)")
    u.add_argument("--flavor", metavar="F", help="default: the smallest that fits the spec's CPUs, memory and disk")
    u.add_argument("--key", metavar="PATH", help="SSH public key (default: ~/.ssh/id_ed25519.pub, then id_rsa.pub)")
    u.add_argument("--network", metavar="N", help="network of the server (default: the cloud's choice)")
    u.add_argument("--floating-ip", action="store_true", help="attach a floating IP (from the external network)")
    u.add_argument("--base-url", default="", metavar="URL", help="the app's public URL (default: from the metadata service)")
    u.add_argument("--name", help="server name (default: the project's name)")
    u.add_argument("--image", metavar="FILE", help="an image made by 'gaev cloud export' (default: export it now)")
    u.add_argument("--timeout", type=float, default=1800.0, help="seconds to wait for ACTIVE")
    u.add_argument("--dry-run", action="store_true", help="print the plan and the exact user-data; contact no cloud")
    u.add_argument("--json", action="store_true")
    u.set_defaults(func=run_up)

    d = sub.add_parser("down", help="delete what 'gaev cloud up' created for a server")
    d.add_argument("name", metavar="NAME")
    d.add_argument("--cloud", metavar="NAME")
    d.add_argument("--image", action="store_true", help="also delete the image, if 'up' uploaded it")
    d.set_defaults(func=run_down)

    ls = sub.add_parser("list", help="GAEV's servers with state and URL")
    ls.add_argument("--cloud", metavar="NAME")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=run_list)


def _say(args):
    quiet = getattr(args, "json", False)
    return (lambda text: None) if quiet else (lambda text: print(f"[cloud] {text}", file=sys.stderr))


def run_export(args) -> int:
    from pathlib import Path

    from gaev_tui.cloud.image import export_image

    done = export_image(Path(args.source), args.format, Path(args.output) if args.output else None, _say(args))
    result = {"path": str(done.path), "format": done.format, "virtual_size": done.virtual_size,
              "size": done.size, "sha256": done.sha256}
    if args.json:
        print(json.dumps(result, indent=2, sort_keys=True))
    else:
        print(f"exported {done.path} ({done.format}, {done.virtual_size / (1 << 30):.1f} GiB virtual, "
              f"{done.size / 1e6:,.1f} MB, sha256 {done.sha256[:16]}...)")
    return EXIT_OK


def run_up(args) -> int:
    from gaev_tui.cli.progress import ByteBar
    from gaev_tui.cloud.start import up

    bars: dict[int, ByteBar] = {}  # one per uploaded file (there is one)
    progress = None if args.json else (lambda sent, total: bars.setdefault(total, ByteBar(total))(sent))
    return up(args, _say(args), progress)


def run_down(args) -> int:
    from gaev_tui.cloud.start import down

    return down(args, _say(args))


def run_list(args) -> int:
    from gaev_tui.cloud.start import list_servers

    return list_servers(args)
