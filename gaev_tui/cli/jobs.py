"""``gaev jobs`` lists builds (running, finished, lost); ``gaev attach [JOB]`` follows
one's log from its file, opening even a multi-GB log at once (newest job by default).
Leaving ``attach`` (Ctrl-C) never stops the build."""

from __future__ import annotations

import json
import sys
import time

from gaev_tui.errors import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, GaevError


class NoSuchJob(GaevError):
    """The JOB argument names no job (bad input: exit 2)."""

    exit_code = EXIT_BAD_INPUT


def register(subparsers) -> None:
    """Add ``gaev jobs`` and ``gaev attach``."""
    p = subparsers.add_parser("jobs", help="list build jobs", description=__doc__.split("\n\n")[0])
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--cancel", metavar="JOB", help="cancel a running job (its VM is still destroyed)")
    p.set_defaults(func=run_jobs)
    a = subparsers.add_parser("attach", help="follow a build's log", description=__doc__.split("\n\n")[0])
    a.add_argument("job", metavar="JOB", nargs="?", help="job id or unique prefix (default: the newest)")
    a.add_argument("--no-follow", action="store_true", help="print the end of the log and exit")
    a.add_argument("--lines", "-n", type=int, default=100, metavar="N", help="lines of history to show first (default 100)")
    a.set_defaults(func=run_attach)


def _started(job) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(job.created))


def run_jobs(args) -> int:
    from gaev_tui.boxbuild import jobs

    if args.cancel:
        job = _find(args.cancel)
        if not jobs.cancel_job(job):
            status = job.effective_status()
            why = f"is not running ({status})" if status not in ("starting", "running") else (
                f"has no runner GAEV started at pid {job.pid} (pid, start time or command differ); no signal sent")
            print(f"gaev: job {job.id} {why}", file=sys.stderr)
            return EXIT_FAILED
        print(f"cancelling job {job.id}; follow it: gaev attach {job.id}")
        return EXIT_OK
    found, bad = jobs.scan_jobs()
    for problem in bad:  # one bad state file must not hide the other jobs
        print(f"gaev: warning: {problem}", file=sys.stderr)
    if args.json:
        from gaev_tui.boxbuild.cause import job_cause

        out = []
        for job in found:
            status = job.effective_status()
            out.append({**job.__dict__, "status": status, "log": str(job.log_path),
                        "cause": job_cause(status, job.stages, job.message)})
        print(json.dumps(out, indent=2, sort_keys=True))
        return EXIT_OK
    if not found:
        print("no build jobs")
        return EXIT_OK
    rows = [("JOB", "STATUS", "STAGE", "STARTED", "PROJECT")]
    rows += [(j.id, j.effective_status(), j.current_stage(), _started(j), j.project) for j in found]
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    for r in rows:
        print("  ".join(cell.ljust(widths[c]) for c, cell in enumerate(r)).rstrip())
    return EXIT_OK


def _find(job_id):
    from gaev_tui.boxbuild import jobs

    job = jobs.find_job(job_id)
    if job is None:
        bad = jobs.read_job(job_id) if job_id else None
        if isinstance(bad, jobs.BadJob):
            raise NoSuchJob(str(bad))
        what = f"no job matches '{job_id}'" if job_id else "no build jobs yet"
        raise NoSuchJob(f"{what} (see 'gaev jobs')")
    return job


def _write(lines: list[str]) -> None:
    if lines:
        sys.stdout.write("".join(line + "\n" for line in lines))
        sys.stdout.flush()


def _exit_code(status: str) -> int:
    return EXIT_OK if status in ("ok", "running", "starting") else EXIT_FAILED


def run_attach(args) -> int:
    from gaev_tui.boxbuild.follow import JobFollower

    job = _find(args.job)
    follower = JobFollower(job.id)
    try:
        # A runner that is just starting has no log yet: wait a little for it.
        try:
            opened = follower.wait_open(max(0, args.lines), every=0.1, timeout=30)
        except OSError as exc:  # a symlink or a FIFO where GAEV writes a log: not followed
            raise NoSuchJob(f"job {job.id}: its log cannot be read safely ({exc})") from None
        if opened is None:
            raise GaevError(f"job {job.id} has no log ({follower.status})")
        print(f"[gaev] job {job.id} ({follower.status}); log: {follower.reader.path}", file=sys.stderr)
        _write([text for _, text in opened[0]])
        if args.no_follow:
            return _exit_code(follower.status)
        try:
            follower.follow(lambda update: _write(update.lines), lambda: False, every=0.2)
        except KeyboardInterrupt:
            print(f"\n[gaev] stopped following; the build goes on: gaev attach {job.id}", file=sys.stderr)
            return EXIT_OK
    finally:
        follower.close()
    job = follower.job() or job
    print(f"[gaev] job {job.id}: {follower.status}" + (f" - {job.message}" if job.message else ""), file=sys.stderr)
    return _exit_code(follower.status)
