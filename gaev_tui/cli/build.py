"""``gaev build DIR``: pre-flight checks, then packer -> vagrant up -> manifest ->
vagrant package -> sha256 -> vagrant destroy, streaming ``[stage] line`` to stdout.

Exit status: 0 the box was built, 1 a check or a stage failed (or the build was
cancelled), 2 bad input. ``--detach`` runs the build in the background (it survives
the terminal); follow it with ``gaev attach``.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

from gaev_tui.errors import EXIT_FAILED, EXIT_OK


def register(subparsers) -> None:
    """Add ``gaev build``."""
    p = subparsers.add_parser("build", help="build the project's box (packer, vagrant up, vagrant package)",
                              description=__doc__.split("\n\n")[0])
    p.add_argument("dir", metavar="DIR", help="a project directory written by 'gaev generate'")
    p.add_argument("--keep-vm", action="store_true", help="do not destroy the build VM at the end")
    p.add_argument("--detach", action="store_true", help="run in the background; follow with 'gaev attach'")
    p.add_argument("--yes", "-y", action="store_true", help="go on despite pre-flight warnings (needed off a terminal)")
    p.add_argument("--ci", action="store_true",
                   help="CI mode (default when CI=true): stage sections GitLab and GitHub fold")
    p.add_argument("--junit", metavar="FILE", type=Path, help="write a JUnit XML report, one test case per stage")
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
    from gaev_tui.boxbuild import jobs, start
    from gaev_tui.boxbuild.ci_report import Sections, ci_service, junit_xml
    from gaev_tui.boxbuild.logstore import log_line
    from gaev_tui.boxbuild.runner import run_job
    from gaev_tui.boxbuild.stages import FAILED, Stage, plan
    from gaev_tui.fsutil import atomic_write

    checked = start.check(args.dir)  # InputError: exit 2 with file, line and field
    _print([log_line(start.PREFLIGHT, line) for line in checked.lines])
    if not _go_ahead(checked.level, args.yes):
        if args.junit:  # the CI's test view still says what stopped the build
            refused = Stage("preflight", "pre-flight checks", state=FAILED, duration=0.0,
                            detail="; ".join(line for line in checked.lines if not line.startswith("ok")))
            atomic_write(args.junit, junit_xml(checked.project.name, [refused]))
        return EXIT_FAILED
    if args.detach:
        job, pid = start.start_detached(checked, keep_vm=args.keep_vm)
        _print([f"[gaev] started job {job.id} (pid {pid}) in the background",
                f"[gaev] log: {job.log_path}", f"[gaev] follow it: gaev attach {job.id}"])
        return EXIT_OK
    job = start.create_job(checked, detached=False, keep_vm=args.keep_vm)
    _print([f"[gaev] job {job.id}; log: {job.log_path}"])
    lock = threading.Lock()
    ci = args.ci or os.environ.get("CI") == "true"
    sections = Sections(ci_service(), lambda text: _print([text]))
    titles = {stage.id: stage.title for stage in plan(checked.project, keep_vm=args.keep_vm)}

    def on_lines(stage: str, lines: list[str], progress: str) -> None:
        if lines:
            with lock:
                if ci and stage in titles:
                    sections.enter(stage, f"{stage}: {titles[stage]}")
                elif ci:  # GAEV's own summary lines sit outside every stage's section
                    sections.close()
                _print([log_line(stage, line) for line in lines])

    try:
        result = run_job(job, on_lines, project=checked.project)
    finally:
        sections.close()
        if args.junit:
            done = jobs.load_job(job.id) or job
            atomic_write(args.junit, junit_xml(checked.project.name, done.stage_objects(), done.message))
    if result is None:
        print(f"gaev: {job.message}", file=sys.stderr)
        return EXIT_FAILED
    if result.status != "ok":
        print(f"gaev: {result.message}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK
