"""Run the stages of a build in order, with live output, cancel, and all-or-nothing
results.

Results (box, checksum, manifest) are written under temporary ``.partial`` names and
moved into ``builds/`` only when every stage succeeded: a failed or cancelled build
leaves nothing that looks like a box. Destroying the build VM is a clean-up stage: it
runs after a failure or a cancel too (unless ``--keep-vm``), so no VM is left running;
when Vagrant cannot destroy it (the project directory was removed), the VM is destroyed
through its provider from the identity recorded when ``vagrant up`` created it.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from filelock import Timeout

from gaev_tui import tools
from gaev_tui.boxbuild import machine, process
from gaev_tui.boxbuild.cause import CauseFinder
from gaev_tui.boxbuild.checksum import Cancelled, write_checksum
from gaev_tui.boxbuild.logstore import LogWriter
from gaev_tui.boxbuild.project import BuildProject
from gaev_tui.boxbuild.record import record_build
from gaev_tui.boxbuild.stages import CANCELLED, FAILED, OK, RUNNING, SKIPPED, Stage, ToolText, partial, plan
from gaev_tui.errors import GaevError
from gaev_tui.fsutil import atomic_write

_POLICIES = {"packer": process.PACKER, "vagrant": process.VAGRANT, "vagrant-ssh": process.VAGRANT}


@dataclass
class Result:
    """How a build ended."""

    status: str  # "ok", "failed" or "cancelled"
    message: str
    failed_stage: str | None = None
    log_path: Path | None = None
    box: Path | None = None
    sha256: str | None = None
    stages: list[Stage] = field(default_factory=list)


def inserted_keys(project_dir: Path) -> list[Path]:
    """Keys Vagrant inserted into the project's VMs: ``vagrant package`` copies such a key
    into the box (Vagrant 2.3.4, ``Package#setup_private_key``). A VM that ``gaev build``
    created has none (the Vagrantfile's ``insert_key = false`` under ``GAEV_BUILD``)."""
    return sorted((project_dir / ".vagrant" / "machines").glob("*/*/private_key"))


class Pipeline:
    """The build of one project. ``run`` blocks; ``cancel`` may come from any thread.

    ``on_stage(stage)`` is called on every state change, ``on_lines(stage_id, lines,
    progress)`` with batches of output (from a reader thread: never one call per line),
    ``on_machine(machine)`` when ``vagrant up`` has created the VM (its provider id known).
    """

    def __init__(
        self,
        project: BuildProject,
        log: LogWriter,
        *,
        keep_vm: bool = False,
        stages: list[Stage] | None = None,
        on_stage: Callable[[Stage], None] | None = None,
        on_lines: Callable[[str, list[str], str], None] | None = None,
        on_machine: Callable[[machine.Machine], None] | None = None,
    ) -> None:
        self.project, self.log = project, log
        self.stages = stages if stages is not None else plan(project, keep_vm)
        self._on_stage = on_stage or (lambda stage: None)
        self._on_lines = on_lines or (lambda stage, lines, progress: None)
        self._cancel = threading.Event()
        self._runner: process.Runner | None = None
        self._lock = threading.Lock()
        self._sha: str | None = None
        self._in_cleanup = False  # the clean-up stage is not cancelled: it is the cancel
        self._on_machine = on_machine or (lambda vm: None)
        known = project.provider in machine.NAMED_PROVIDERS
        self.machine = machine.Machine(project.provider, machine.provider_name(
            project.name, project.dir, project.provider)) if known else None

    def cancel(self) -> None:
        """Stop the running stage (its whole process tree) and skip the rest but clean-up."""
        with self._lock:
            self._cancel.set()
            runner = self._runner
        if runner is not None and not self._in_cleanup:
            runner.cancel()

    # -- running ----------------------------------------------------------------------

    def run(self) -> Result:
        """Run every stage; return how the build ended (never raises for tool failures)."""
        failed: Stage | None = None
        vm_touched = False
        for stage in self.stages:
            if stage.cleanup or stage.state == SKIPPED:
                self._on_stage(stage)
                continue
            if failed is not None or self._cancel.is_set():
                self._set(stage, SKIPPED, "cancelled" if self._cancel.is_set() else f"'{failed.id}' failed")
                continue
            vm_touched = vm_touched or stage.id == "up"  # from here on a VM may exist
            self._run_stage(stage)
            if stage.state in (FAILED, CANCELLED):
                failed = stage
        self._in_cleanup = True
        for stage in self.stages:
            if stage.cleanup and stage.state != SKIPPED:
                if vm_touched:
                    self._run_stage(stage)
                else:
                    self._set(stage, SKIPPED, "no VM was created")
                if stage.state == FAILED and failed is None:
                    failed = stage
        return self._finish(failed)

    def _emit(self, stage_id: str, lines: list[str], progress: str = "") -> None:
        """Lines go to the job log first (the record), then to whoever watches."""
        self.log.write(stage_id, lines)
        self._on_lines(stage_id, lines, progress)

    def _set(self, stage: Stage, state: str, detail: str = "") -> None:
        stage.state, stage.detail = state, detail or stage.detail
        self._on_stage(stage)

    def _run_stage(self, stage: Stage) -> None:
        stage.started_at, started = time.time(), time.monotonic()
        stage.log_line = self.log.lines_written + 1
        self._emit(stage.id, [f"$ {stage.command}"])
        self._set(stage, RUNNING)
        try:
            if stage.id == "checksum":
                self._checksum(stage)
            elif stage.id == "destroy":
                self._destroy(stage)
            else:
                self._command(stage)
        except Cancelled:
            stage.state, stage.detail = CANCELLED, "cancelled"
        except OSError as exc:  # the tool could not start, a file could not be written
            stage.state, stage.detail = FAILED, str(exc)
        if stage.state == FAILED and not stage.cause:
            stage.cause = stage.detail  # failures GAEV itself found say their cause already
        stage.duration = time.monotonic() - started
        verdict = stage.state + (f": {stage.detail}" if stage.detail and stage.detail != stage.state else "")
        self._emit(stage.id, [f"-- {stage.id} {verdict} ({stage.duration:.1f} s)"])
        self._on_stage(stage)

    def _command(self, stage: Stage) -> None:
        text = ToolText()
        causes = CauseFinder()
        captured: list[str] = []
        capture = stage.id == "manifest"

        def on_batch(batch: process.Batch) -> None:
            if stage.id == "up":
                self._note_machine()
            if capture and batch.stream == "out":
                captured.extend(batch.lines)  # the manifest itself: kept, not logged
                return
            lines = text(batch.lines) if stage.tool in ("vagrant", "packer") else batch.lines
            causes.feed(lines)
            self._emit(stage.id, lines, batch.progress)

        if stage.id == "package":
            if keys := inserted_keys(self.project.dir):
                stage.state, stage.detail = FAILED, (
                    f"the VM has a private key of its own ({keys[0].relative_to(self.project.dir)}) that "
                    "'vagrant package' would put in the box: it was created outside 'gaev build'; "
                    "run 'vagrant destroy -f' in the project, then build again")
                return
            output = Path(stage.argv[stage.argv.index("--output") + 1])
            output.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileNotFoundError):
                output.unlink()  # left by a crashed build; vagrant refuses to overwrite
        runner = process.Runner(
            stage.argv, on_batch, cwd=self.project.dir / stage.cwd,
            env=tools.quiet_env(**stage.env), policy=_POLICIES.get(stage.tool, process.DEFAULT),
        )
        with self._lock:
            if self._cancel.is_set() and not stage.cleanup:
                stage.state, stage.detail = CANCELLED, "cancelled"
                return
            self._runner = runner
            runner.start()
        try:
            code = runner.wait()
        finally:
            with self._lock:
                self._runner = None
            if stage.id == "up":
                self._note_machine()
        if runner.cancelled:
            stage.state, stage.detail = CANCELLED, "cancelled"
        elif code != 0:
            for message in text.summary.errors:
                causes.tool_error(message)
            stage.state, stage.cause = FAILED, causes.cause or ""
            stage.detail = f"exit code {code}" + (f": {stage.cause}" if stage.cause else "")
        elif capture:
            self._save_manifest(stage, captured)
        else:
            stage.state = OK

    def _note_machine(self) -> None:
        """Record the VM's provider id as soon as ``vagrant up`` wrote it (a stat per batch)."""
        vm = self.machine
        if vm is None or vm.id is not None:
            return
        ident = machine.read_id(self.project.dir, vm.provider)
        if ident is not None:
            self.machine = machine.Machine(vm.provider, vm.name, ident)
            self._on_machine(self.machine)

    def _destroy(self, stage: Stage) -> None:
        """``vagrant destroy``; when Vagrant cannot (its project directory is gone, or it
        failed), destroy the VM and its disks through the provider."""
        present = (self.project.dir / "Vagrantfile").is_file()
        if present:
            self._command(stage)
            if stage.state == OK:
                return
        self._note_machine()
        vm = self.machine
        if vm is None or (present and vm.id is None):
            # Without an id, destroying by name is kept for a removed project: while it
            # exists, a VM of that name that Vagrant does not know is not provably ours.
            if not present:
                stage.state, stage.detail = FAILED, "the project directory is gone and the VM's provider is unknown"
            return
        why = "the project directory is gone" if not present else "vagrant destroy failed"
        self._emit(stage.id, [f"{why}: destroying {vm.id or vm.name} through {vm.provider}"])
        try:
            gone, lines = machine.destroy(vm)
        except GaevError as exc:  # the provider's tool is missing
            gone, lines = False, [str(exc)]
        self._emit(stage.id, lines)
        if gone:
            stage.state, stage.detail = OK, f"{why}; destroyed through {vm.provider}"
        else:
            stage.state, stage.detail = FAILED, f"{why}; {lines[-1] if lines else 'the VM may be left'}"

    def _save_manifest(self, stage: Stage, lines: list[str]) -> None:
        text = "\n".join(lines)
        start, end = text.find("{"), text.rfind("}")  # tolerate banners around the JSON
        try:
            data = json.loads(text[start : end + 1]) if 0 <= start < end else None
        except ValueError as exc:
            data, why = None, f"not valid JSON ({exc})"
        else:
            why = "no JSON object in the output"
        if not isinstance(data, dict):
            stage.state, stage.detail = FAILED, f"the guest's manifest is unusable: {why}"
            return
        atomic_write(partial(self.project.manifest_path), text[start : end + 1] + "\n")
        count = len(data.get("system_packages") or [])
        self._emit(stage.id, [f"manifest: {count} system packages -> {self.project.manifest_path.name}"])
        stage.state = OK

    def _checksum(self, stage: Stage) -> None:
        box = self.project.box_path
        self._sha = write_checksum(partial(box), partial(self.project.checksum_path), box.name, self._cancel)
        self._emit(stage.id, [f"{self._sha}  {box.name}"])
        stage.state = OK

    def _finish(self, failed: Stage | None) -> Result:
        p = self.project
        results = [p.manifest_path, p.box_path, p.checksum_path]
        if failed is None and not self._cancel.is_set():
            for path in results:
                if partial(path).exists():
                    os.replace(partial(path), path)
            message = f"built {p.box_path} (sha256 {self._sha})"
            self._emit("gaev", [message])
            try:
                for warning in record_build(p, self._sha or ""):
                    self._emit("gaev", [f"warning: {warning}"])
            except (OSError, Timeout) as exc:  # the box is fine; only GAEV's bookkeeping failed
                self._emit("gaev", [f"warning: the build was not recorded in GAEV's box records: {exc}"])
            return Result(OK, message, None, self.log.path, p.box_path, self._sha, self.stages)
        for path in results:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(partial(path))
        status = CANCELLED if self._cancel.is_set() else FAILED
        stage = failed or next((s for s in self.stages if s.state == CANCELLED), None)
        where = f"{self.log.path}" + (f" (from line {stage.log_line})" if stage and stage.log_line else "")
        if stage is not None:
            message = f"build {status}: stage '{stage.id}' {stage.state}"
            message += f" ({stage.detail})" if stage.detail and stage.detail != stage.state else ""
        else:
            message = f"build {status}"
        message += f"; no box was registered; log: {where}"
        self._emit("gaev", [message])
        return Result(status, message, stage.id if stage else None, self.log.path, None, None, self.stages)
