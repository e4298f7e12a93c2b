"""Build jobs for the dashboard's tests: made by hand (state file + log) for tests that
need no process (a finished job, or a "running" one whose runner is this test process);
sources that need no libvirt; and checks that no process of a build is left."""

from __future__ import annotations

import os
from pathlib import Path

from gaev_tui.boxbuild import jobs
from gaev_tui.boxbuild.disk import DiskFree
from gaev_tui.boxbuild.groups import group_members
from gaev_tui.boxbuild.jobs import process_start
from gaev_tui.boxbuild.logstore import LogWriter
from gaev_tui.boxbuild.preflight import Check, Estimate
from gaev_tui.boxbuild.sources import Sources
from gaev_tui.boxbuild.stages import Stage
from gaev_tui.boxbuild.vmstate import MachineStatus, VmInfo

T0 = 1709294400.0  # 2024-03-01 12:00 UTC


def stages(running: str | None = "package") -> list[Stage]:
    """The usual libvirt pipeline, done up to ``running`` (None: all done)."""
    out = [
        Stage("up", "Create and provision the VM (vagrant up)", ["vagrant", "up", "--provider=libvirt", "--machine-readable"],
              tool="vagrant", started_at=T0 + 1, duration=95.2, log_line=2),
        Stage("manifest", "Fetch the guest's package manifest", ["vagrant", "ssh", "-c", "sudo cat /var/lib/gaev/manifest.json"],
              tool="vagrant-ssh", started_at=T0 + 97, duration=3.1, log_line=40),
        Stage("package", "Package the VM into a box (vagrant package)",
              ["vagrant", "package", "--output", "/home/user/demo/builds/.demo-libvirt.box.partial", "--machine-readable"],
              env={"LIBGUESTFS_BACKEND": "direct", "LIBGUESTFS_BACKEND_SETTINGS": "force_tcg"}, tool="vagrant",
              started_at=T0 + 100, duration=61.0, log_line=45),
        Stage("checksum", "sha256 demo-libvirt.box", started_at=T0 + 161, duration=1.0),
        Stage("destroy", "Destroy the build VM (vagrant destroy)", ["vagrant", "destroy", "-f", "--machine-readable"],
              tool="vagrant", cleanup=True, started_at=T0 + 162, duration=4.0),
    ]
    ids = [s.id for s in out]
    cut = ids.index(running) if running in ids else len(out)
    for i, stage in enumerate(out):
        stage.state = "ok" if i < cut else "running" if i == cut else "pending"
        if i >= cut:
            stage.duration = None
        if i > cut:
            stage.started_at = None
    return out


def make_job(job_id: str = "20240301-120000-demo-ab12", *, status: str = "running", lines: int = 300,
             running: str | None = "package", created: float = T0, name: str = "demo") -> jobs.Job:
    """A job whose runner is this process (alive) when running, with ``lines`` of log;
    a failed or cancelled job ended so in stage ``running``."""
    job = jobs.Job(job_id, f"/home/user/{name}", name, "libvirt", status=status, created=created,
                   pid=os.getpid(), pid_start=jobs.process_start(os.getpid()))
    done = stages(None if status == "ok" else running)
    if status in ("failed", "cancelled"):  # the stage ``running`` ended so; clean-up still ran
        cut = [s.id for s in done].index(running)
        for stage in done[cut:]:
            stage.state = status if stage.id == running else "ok" if stage.cleanup else "skipped"
        done[cut].duration = 12.5
        done[cut].detail = "exit code 1: The box file already exists" if status == "failed" else "cancelled"
    job.stages = [s.to_dict() for s in done]
    if status in jobs.FINAL:
        job.finished = created + 166
        job.message = {"ok": "built /home/user/demo/builds/demo-libvirt.box (sha256 5f3c…)",
                       "failed": "build failed: stage 'package' failed (exit code 1)",
                       "cancelled": "build cancelled: stage 'up' cancelled"}[status]
    job.dir.mkdir(parents=True)
    job.save()
    write_lines(job, lines)
    return job


def write_lines(job: jobs.Job, count: int, start: int = 0, stage: str = "up") -> None:
    """Append ``count`` numbered lines to the job's log."""
    log = LogWriter(job.log_path)
    step = 50_000
    for first in range(start, start + count, step):
        log.write(stage, [f"==> default: line {i}" for i in range(first, min(first + step, start + count))])
    log.close()


def quiet_sources(checks: list[Check] | None = None) -> Sources:
    """Real clock and disks; pre-flight and VM answers that do not need libvirt here."""
    return Sources(
        preflight=lambda project: checks if checks is not None else [Check("ok", "vagrant found (fake)")],
        vm=lambda project, provider: VmInfo("running", "", 1, 512),
        vagrant_status=lambda project: None,
        poll_every=0.05,
    )


def alive(pid: int) -> bool:
    return process_start(pid) is not None


def leftovers(pids: list[int]) -> list[int]:
    """Processes (or members of their groups) still running."""
    return [pid for pid in pids if alive(pid)] + [m for pid in pids for m in group_members(pid)]


def only_job() -> jobs.Job:
    found = jobs.list_jobs()
    assert len(found) == 1, found
    return found[0]


GIB = 1 << 30
PLACES = {"VAGRANT_HOME": Path("/home/user/.vagrant.d"), "project": Path("/home/user/demo"),
          "image store": Path("/var/lib/libvirt/images")}


def frozen(free_project: int = 50 * GIB) -> Sources:
    """Sources with every clock, disk and VM answer frozen (snapshots depend on nothing here)."""
    def disks(places):
        return [DiskFree("VAGRANT_HOME", places["VAGRANT_HOME"], 1, free_project, 100 * GIB),
                DiskFree("project", places["project"], 1, free_project, 100 * GIB),
                DiskFree("image store", places["image store"], 2, 3 * GIB, 20 * GIB)]

    return Sources(
        clock=lambda: T0 + 163,
        estimate=lambda project: Estimate({"up": {"image store": 6 * GIB},
                                           "package": {"VAGRANT_HOME": 4 * GIB, "project": 4 * GIB}}, PLACES),
        disks=disks,
        vm=lambda project, provider: VmInfo("running", "running (booted)", 2, 2048, "demo_default"),
        vagrant_status=lambda project: MachineStatus("running", "running", "The VM is running.", "libvirt"),
        preflight=lambda project: [],
    )
