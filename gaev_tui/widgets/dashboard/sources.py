"""Where the build panes get their facts: the clock, free disk, the VM, the estimate.

Grouped in one object so that a test (or a snapshot) can freeze every one of them;
the defaults call the core. Nothing here imports Textual.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gaev_tui.boxbuild import disk, vmquery
from gaev_tui.boxbuild.disk import DiskFree
from gaev_tui.boxbuild.preflight import Check
from gaev_tui.boxbuild.project import BuildProject
from gaev_tui.boxbuild.stages import OK, PENDING, RUNNING, SKIPPED, Stage
from gaev_tui.boxbuild.vmstate import MachineStatus, VmInfo


def _estimate(project_dir: Path) -> tuple[dict[str, Path], dict[str, int]]:
    """Places and bytes needed, from the pre-flight estimate of the project."""
    from gaev_tui.boxbuild.preflight import estimate, run_command
    from gaev_tui.boxbuild.project import load_project

    est = estimate(load_project(project_dir), run_command)
    return dict(est.places), dict(est.needs)


def _vagrant_status(project_dir: Path) -> MachineStatus | None:
    return vmquery.vagrant_status(project_dir).get("default")


def _preflight(project: BuildProject) -> list[Check]:
    from gaev_tui.boxbuild.preflight import preflight

    return preflight(project)


@dataclass
class Sources:
    """The outside world as the dashboard sees it (every field replaceable)."""

    clock: Callable[[], float] = time.time
    preflight: Callable[[BuildProject], list[Check]] = _preflight
    estimate: Callable[[Path], tuple[dict[str, Path], dict[str, int]]] = _estimate
    disks: Callable[[dict[str, Path]], list[DiskFree]] = disk.snapshot
    vm: Callable[[Path, str], VmInfo] = vmquery.build_vm
    vagrant_status: Callable[[Path], MachineStatus | None] = _vagrant_status
    #: Seconds between refreshes of the disk and VM panes, and between log polls.
    disk_every: float = 3.0
    vm_every: float = 5.0
    poll_every: float = 0.25


#: Stages after which a place no longer needs room: the box download and the VM disk
#: are written by ``up``; ``package`` writes its temporary export and the box.
_DONE_AFTER = {"image store": ("up",), "VAGRANT_HOME": ("up", "package"), "project": ("package",)}


def still_needed(needs: dict[str, int], stages: list[Stage]) -> dict[str, int]:
    """What each place still needs, given which stages are over (rough, safe side).

    A place whose writing stages all finished (ok or skipped) needs nothing more; until
    then the whole estimate is kept, since a VM disk grows up to its cap.
    """
    if stages and not any(s.state in (PENDING, RUNNING) for s in stages):
        return dict.fromkeys(needs, 0)  # the build is over: nothing more will be written
    over = {s.id for s in stages if s.state in (OK, SKIPPED)}
    out = {}
    for label, need in needs.items():
        writers = [w for w in _DONE_AFTER.get(label, ()) if any(s.id == w for s in stages)]
        out[label] = 0 if writers and all(w in over for w in writers) else need
    return out


def duration_text(seconds: float | None) -> str:
    """``42s``, ``3:07``, ``1:02:03``: compact and stable in width per magnitude."""
    if seconds is None:
        return ""
    whole = int(max(0.0, seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}" if minutes else f"{secs}s"
