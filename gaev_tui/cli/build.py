"""``gaev build DIR``: pre-flight checks, then packer -> vagrant up -> manifest ->
vagrant package -> sha256 -> vagrant destroy, streaming ``[stage] line`` to stdout.

Exit status: 0 the box was built, 1 a check or a stage failed (or the build was
cancelled), 2 bad input. ``--detach`` runs the build in the background (it survives
the terminal); follow it with ``gaev attach``.
"""

from __future__ import annotations

import sys
import threading

from gaev_tui.errors import EXIT_FAILED, EXIT_OK


def register(subparsers) -> None:
    """Add ``gaev build``."""
    p = subparsers.add_parser("build", help="build the project's box (packer, vagrant up, vagrant package)",
                              description=__doc__.split("\n\n")[0])
    p.add_argument("dir", metavar="DIR", help="a project directory written by 'gaev generate'")
    p.add_argument("--keep-vm", action="store_true", help="do not destroy the build VM at the end")
    p.add_argument("--detach", action="store_true", help="run in the background; follow with 'gaev attach'")
    p.add_argument("--yes", "-y", action="store_true", help="go on despite pre-flight warnings (needed off a terminal)")
    p.set_defaults(func=run)


def _print(lines: list[str]) -> None:
    sys.stdout.write("".join(line + "\n" for line in lines))
    sys.stdout.flush()


def _go_ahead(level: str, assume_yes: bool) -> bool:
    """Errors stop, warnings ask (or need --yes off a terminal)."""
    if level == "error":
        print("gaev: pre-flight checks failed; nothing was started", file=sys.stderr)
        return False
    if level == "warn" and not assume_yes:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            print("gaev: pre-flight warnings above; re-run with --yes to build anyway", file=sys.stderr)
            return False
        try:
            answer = input("Pre-flight warnings above. Build anyway? [y/N] ")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            print("gaev: not started", file=sys.stderr)
            return False
    return True


def run(args) -> int:
    from gaev_tui.boxbuild import start
    from gaev_tui.boxbuild.logstore import log_line
    from gaev_tui.boxbuild.runner import run_job

    checked = start.check(args.dir)  # InputError: exit 2 with file, line and field
    _print([log_line(start.PREFLIGHT, line) for line in checked.lines])
    if not _go_ahead(checked.level, args.yes):
        return EXIT_FAILED
    if args.detach:
        job, pid = start.start_detached(checked, keep_vm=args.keep_vm)
        _print([f"[gaev] started job {job.id} (pid {pid}) in the background",
                f"[gaev] log: {job.log_path}", f"[gaev] follow it: gaev attach {job.id}"])
        return EXIT_OK
    job = start.create_job(checked, detached=False, keep_vm=args.keep_vm)
    _print([f"[gaev] job {job.id}; log: {job.log_path}"])
    lock = threading.Lock()

    def on_lines(stage: str, lines: list[str], progress: str) -> None:
        if lines:
            with lock:
                _print([log_line(stage, line) for line in lines])

    result = run_job(job, on_lines, project=checked.project)
    if result is None:
        print(f"gaev: {job.message}", file=sys.stderr)
        return EXIT_FAILED
    if result.status != "ok":
        print(f"gaev: {result.message}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK
