"""``gaev serve --projects DIR``: the wizard in a browser (textual-serve: its JS and fonts
ship with it, so it works offline). Each browser tab runs its own wizard; projects it
writes land inside DIR, whatever name is typed. Binds to 127.0.0.1 unless told
otherwise; the page has no login of its own."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from gaev_tui.errors import EXIT_OK

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def register(subparsers) -> None:
    p = subparsers.add_parser("serve", help="the wizard in a browser", description=__doc__.split("\n\n")[0])
    p.add_argument("--projects", required=True, type=Path, metavar="DIR",
                   help="projects written from the browser go here (and only here)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default 127.0.0.1; another one exposes the page, which has no login)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--public-url", help="the URL users reach (behind a reverse proxy)")
    p.set_defaults(func=run)


def session_command(projects: Path) -> str:
    """The shell command textual-serve runs per browser session."""
    from gaev_tui.confine import ENV

    root = shlex.quote(str(projects))
    return f"cd {root} && {ENV}={root} exec {shlex.quote(sys.executable)} -m gaev_tui"


def run(args) -> int:
    from gaev_tui.errors import InputError

    projects = args.projects.expanduser().resolve()
    if not projects.is_dir():
        raise InputError(f"--projects: {args.projects} is not a directory (create it first)")
    if not 0 < args.port < 65536:
        raise InputError(f"--port must be between 1 and 65535, got {args.port}")
    try:
        from textual_serve.server import Server
    except ImportError:
        raise InputError("gaev serve needs textual-serve: pip install textual-serve") from None
    url = args.public_url or f"http://{'[::1]' if args.host == '::1' else args.host}:{args.port}"
    print(f"gaev: serving the wizard at {url} (projects go to {projects})", file=sys.stderr)
    if args.host not in LOOPBACK:
        print("gaev: WARNING: this page has no login of its own and anyone who reaches this address can use "
              "it; put it behind your lab's reverse proxy with authentication (see README: gaev serve)",
              file=sys.stderr)
    server = Server(session_command(projects), host=args.host, port=args.port, title="GAEV",
                    public_url=args.public_url)
    server.serve()
    return EXIT_OK
