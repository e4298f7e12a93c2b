"""Where the build dashboard gets its facts: the clock, the pre-flight checks, free
disk, the VM, the estimate.

Grouped in one object so that a test (or a snapshot) can freeze every one of them;
the defaults call the rest of the core.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gaev_tui.boxbuild import disk, vmquery
from gaev_tui.boxbuild.disk import DiskFree
from gaev_tui.boxbuild.preflight import Check, Estimate, estimate, preflight, run_command
from gaev_tui.boxbuild.project import BuildProject, load_project
from gaev_tui.boxbuild.vmstate import MachineStatus, VmInfo


def _estimate(project: BuildProject | Path) -> Estimate:
    """The pre-flight estimate of a project; given only its directory (a job followed
    from its files), the project is read first."""
    if not isinstance(project, BuildProject):
        project = load_project(project)
    return estimate(project, run_command)


def _vagrant_status(project_dir: Path) -> MachineStatus | None:
    return vmquery.vagrant_status(project_dir).get("default")


@dataclass
class Sources:
    """The outside world as the dashboard sees it (every field replaceable)."""

    clock: Callable[[], float] = time.time
    preflight: Callable[[BuildProject], list[Check]] = preflight
    estimate: Callable[[BuildProject | Path], Estimate] = _estimate
    disks: Callable[[dict[str, Path]], list[DiskFree]] = disk.snapshot
    vm: Callable[[Path, str], VmInfo] = vmquery.build_vm
    vagrant_status: Callable[[Path], MachineStatus | None] = _vagrant_status
    #: Seconds between refreshes of the disk and VM panes, and between log polls.
    disk_every: float = 3.0
    vm_every: float = 5.0
    poll_every: float = 0.25
