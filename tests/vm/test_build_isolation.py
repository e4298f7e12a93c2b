"""Real builds that collide or lose their project (issue 11, item 11), on the tiny
Debian 12 box under QEMU software emulation. Marker ``vm`` (minutes each).

- two builds of projects in directories of the same name run at once: each VM gets its
  own libvirt name (no "domain name already taken"), both run, both are cleaned up;
- the project directory is removed once its VM is up, then the build is cancelled: the
  VM and its disk are destroyed through libvirt from the identity recorded at ``up``.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from gaev_tui.boxbuild import jobs
from gaev_tui.boxbuild.machine import provider_name
from tests.toolcheck import need_tool
from tests.vmbox import libvirt
from tests.vmbox.fixtures import assert_no_leftovers, gaev

pytestmark = pytest.mark.vm

SPEC = """\
name: {name}
os: debian-12
provider: libvirt
provider_options: {{driver: qemu}}
base_box: {{name: {box}, version: "{version}"}}
resources: {{cpus: 1, memory_mb: 768}}
"""



def generate(directory: Path, name: str, environ) -> None:
    spec = directory.parent / "gaev.yaml"
    spec.write_text(SPEC.format(name=name, box=environ.box_name, version=environ.box_version))
    done = gaev("generate", str(spec), "-o", str(directory))
    assert done.returncode == 0, done.stderr


def start(directory: Path) -> jobs.Job:
    done = gaev("build", str(directory), "--detach", "--yes")
    assert done.returncode == 0, done.stdout + done.stderr
    job_id = done.stdout.split("started job ", 1)[1].split()[0]
    return jobs.load_job(job_id)


def wait_for(what: str, check, timeout: float):
    """Poll ``check()`` until it returns something true (a guard against hanging, not a
    timing assertion: these VMs are emulated and their speed varies a lot)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(2)
    pytest.fail(f"timed out waiting for {what}")


def finished(job: jobs.Job) -> jobs.Job | None:
    now = jobs.load_job(job.id)
    return now if now.effective_status() in (*jobs.FINAL, "lost") else None


def log_tail(job: jobs.Job) -> str:
    return job.log_path.read_text(errors="replace")[-3000:]


def domain_exists(name_or_uuid: str) -> bool:
    return libvirt.virsh("domstate", name_or_uuid, check=False).returncode == 0


@pytest.fixture
def cleanup():
    """Domain names to remove after the test (whatever it left), then checked."""
    names: list[str] = []
    yield names
    leaked = [obj for name in names for obj in libvirt.remove_prefixed(name)]
    assert not leaked, f"libvirt objects left behind: {leaked}"


def test_same_named_project_directories_build_at_once(vagrant_environ, tmp_path, monkeypatch, cleanup):
    """Both builds create and start their VM at the same time (where the clash was), then
    are cancelled: booting two emulated guests at once on a loaded 2-core CI host runs
    past Vagrant's boot timeout, and the rest of a build is the same for one or two."""
    need_tool("ansible-playbook", "virsh")
    monkeypatch.setenv("GAEV_ANSIBLE", "host")
    # Same directory name AND same spec: only the directories' paths differ.
    dirs = [tmp_path / "a" / "project", tmp_path / "b" / "project"]
    for directory in dirs:
        directory.parent.mkdir()
        generate(directory, "twin", vagrant_environ)
    assert (dirs[0] / "Vagrantfile").read_bytes() == (dirs[1] / "Vagrantfile").read_bytes()
    names = [provider_name("twin", d, "libvirt") for d in dirs]
    cleanup.extend(names)
    assert names[0] != names[1]
    started = [start(d) for d in dirs]
    # Both VMs run at the same time, each under its own name, each recorded by its job.
    wait_for("both domains running", lambda: all(
        libvirt.virsh("domstate", n, check=False).stdout.strip() == "running" for n in names), 1500)
    for job, name in zip(started, names, strict=True):
        recorded = wait_for(f"job {job.id}'s machine", lambda j=job: (jobs.load_job(j.id).machine or {}).get("id"), 300)
        assert libvirt.virsh("domuuid", name).stdout.strip() == recorded
        assert jobs.load_job(job.id).machine["name"] == name
    for job in started:
        cancelled = gaev("jobs", "--cancel", job.id)
        assert cancelled.returncode == 0, cancelled.stderr
    for job in started:
        ended = wait_for(f"job {job.id}", lambda j=job: finished(j), 1200)
        assert ended.status == "cancelled", log_tail(ended)
        text = ended.log_path.read_text(errors="replace")
        assert "already taken" not in text, log_tail(ended)
        assert next(s for s in ended.stages if s["id"] == "destroy")["state"] == "ok", log_tail(ended)
    assert not any(domain_exists(n) for n in names)
    libvirt.virsh("pool-refresh", libvirt.POOL, check=False)
    assert not [v for v in libvirt.volumes() if v.startswith(tuple(names))]
    assert_no_leftovers(*map(str, dirs), *names)


def test_project_removed_mid_build_leaves_no_vm(vagrant_environ, tmp_path, monkeypatch, cleanup):
    need_tool("ansible-playbook", "virsh")
    monkeypatch.setenv("GAEV_ANSIBLE", "host")
    directory = tmp_path / "p"
    generate(directory, "doomed", vagrant_environ)
    name = provider_name("doomed", directory, "libvirt")
    cleanup.append(name)
    job = start(directory)
    # `vagrant up` is done: the VM runs, provisioned, its UUID in the job state. (Removed
    # while `up` still creates it, vagrant-libvirt's own recovery removes the domain.)
    wait_for("the up stage to end", lambda: next(
        (s["state"] for s in jobs.load_job(job.id).stages if s["id"] == "up" and s["state"] != "running"
         and s["state"] != "pending"), None), 2400)
    now = jobs.load_job(job.id)
    assert next(s["state"] for s in now.stages if s["id"] == "up") == "ok", log_tail(now)
    recorded = now.machine["id"]
    assert libvirt.virsh("domuuid", name).stdout.strip() == recorded
    assert [v for v in libvirt.volumes() if v.startswith(name)], "the domain has no disk in the pool"
    shutil.rmtree(directory)  # a cleaned CI workspace, a user's rm -rf
    cancelled = gaev("jobs", "--cancel", job.id)
    # The build may already have failed on its own (its files are gone): either way it ends.
    assert cancelled.returncode == 0 or "is not running (failed)" in cancelled.stderr, cancelled.stderr
    ended = wait_for(f"job {job.id}", lambda: finished(job), 1200)
    assert ended.status in ("cancelled", "failed"), log_tail(ended)
    destroy = next(s for s in ended.stages if s["id"] == "destroy")
    assert destroy["state"] == "ok", log_tail(ended)
    assert "the project directory is gone; destroyed through libvirt" == destroy["detail"]
    assert f"libvirt domain {recorded} and its disks destroyed" in ended.log_path.read_text()
    assert not domain_exists(recorded)
    libvirt.virsh("pool-refresh", libvirt.POOL, check=False)
    assert not [v for v in libvirt.volumes() if v.startswith(name)]
    assert_no_leftovers(str(directory), name)
