"""The process that runs one build job: ``python -m gaev_tui.boxbuild.runner JOB_ID``.

Used detached (``gaev build --detach`` starts it in its own session) and in the
foreground (``gaev build`` calls :func:`run_job` directly). It owns the job's state
file and log; SIGTERM, SIGINT and SIGHUP cancel the build (the VM is still destroyed).
"""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Callable

from gaev_tui.boxbuild.jobs import Job, load_job
from gaev_tui.boxbuild.logstore import LogWriter
from gaev_tui.boxbuild.pipeline import Pipeline, Result
from gaev_tui.boxbuild.project import BuildProject, load_project
from gaev_tui.errors import GaevError

LineSink = Callable[[str, list[str], str], None]


def run_job(job: Job, on_lines: LineSink | None = None, handle_signals: bool = True,
            project: BuildProject | None = None) -> Result | None:
    """Run ``job``'s pipeline to the end, keeping ``state.json`` current. ``project``:
    the project already read (``gaev build`` in the foreground), else it is read here.

    Returns None (and marks the job failed) when the project cannot even be read.
    """
    job.claim()
    log = LogWriter(job.log_path)
    try:
        try:
            project = project or load_project(job.project)
        except GaevError as exc:
            log.write("gaev", [f"cannot build: {exc}"])
            job.status, job.message, job.finished = "failed", str(exc), time.time()
            job.save()
            return None

        def on_stage(stage) -> None:
            job.stages = [s.to_dict() for s in pipeline.stages]
            job.save()

        def on_machine(vm) -> None:  # the VM exists: recorded so it can be destroyed whatever happens
            job.machine = vm.to_dict()
            job.save()

        pipeline = Pipeline(project, log, keep_vm=job.keep_vm, on_stage=on_stage, on_lines=on_lines,
                            on_machine=on_machine)
        job.status, job.stages = "running", [s.to_dict() for s in pipeline.stages]
        job.save()
        if handle_signals:
            previous = {sig: signal.signal(sig, lambda *_: pipeline.cancel())
                        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
        try:
            result = pipeline.run()
        except Exception as exc:  # a bug: the job must not stay "running" for ever
            job.status, job.finished = "failed", time.time()
            job.message = f"internal error: {exc!r} (details in {job.dir / 'runner.out'})"
            job.save()
            raise
        finally:
            if handle_signals:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)
        job.status, job.message, job.finished = result.status, result.message, time.time()
        job.stages = [s.to_dict() for s in result.stages]
        job.save()
        return result
    finally:
        log.close()


def main(argv: list[str] | None = None) -> int:
    """Entry point of the detached runner."""
    args = sys.argv[1:] if argv is None else argv
    job = load_job(args[0]) if args else None
    if job is None:
        print(f"gaev runner: no such job {args[:1]}", file=sys.stderr)
        return 2
    result = run_job(job)
    return 0 if result is not None and result.status == "ok" else 1


if __name__ == "__main__":
    raise SystemExit(main())
