"""`gaev generate --force` never swaps a project under a running build (one line naming
the job and how to stop it, exit 2, nothing written), not even one starting between its
check and its swap; a VM of the project that is up but not building keeps working,
because its `.vagrant/` comes along."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gaev_tui.boxbuild import jobs
from gaev_tui.cli.main import main
from gaev_tui.render import inuse

ROOT = Path(__file__).resolve().parents[2]
OLD = "name: p\nos: debian-12\nprovider: vmware_desktop\n"  # no host-specific pre-flight checks
NEW = OLD + "hostname: renamed\n"


def gaev(*args, env=None, timeout=120):
    return subprocess.run([sys.executable, "-m", "gaev_tui", *args], capture_output=True, text=True,
                          timeout=timeout, env=env or {**os.environ, "PYTHONPATH": str(ROOT)}, stdin=subprocess.DEVNULL)


def snapshot(root: Path) -> dict[str, tuple]:
    """Every entry under ``root``: a file's inode, mode and content, a directory's mode
    (a swap makes new directories, and links the same files into them)."""
    found = {}
    for path in sorted(root.rglob("*")):
        st = path.lstat()
        if stat.S_ISDIR(st.st_mode):
            found[path.relative_to(root).as_posix()] = ("dir", stat.S_IMODE(st.st_mode))
        else:
            content = path.read_bytes() if stat.S_ISREG(st.st_mode) else os.readlink(path)
            found[path.relative_to(root).as_posix()] = (st.st_ino, stat.S_IMODE(st.st_mode), content)
    return found


def staging_left(parent: Path) -> list[str]:
    return [p.name for p in parent.iterdir() if ".gaev-" in p.name]


@pytest.fixture
def specs(tmp_path) -> tuple[Path, Path]:
    (tmp_path / "old.yaml").write_text(OLD)
    (tmp_path / "new.yaml").write_text(NEW)
    return tmp_path / "old.yaml", tmp_path / "new.yaml"


@pytest.fixture
def project(tmp_path, specs) -> Path:
    dest = tmp_path / "p"
    assert main(["generate", str(specs[0]), "-o", str(dest)]) == 0
    return dest


def record_job(project: Path, pid: int, status: str = "running") -> jobs.Job:
    """A job of ``project`` whose runner is ``pid`` (alive or not), as a build records it."""
    job = jobs.new_job(project, "p", "vmware_desktop", detached=True, keep_vm=False)
    job.status, job.pid, job.pid_start = status, pid, jobs.process_start(pid) or "1"
    job.save()
    return job


def wait_for(condition, what: str, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)
    return result


def test_a_real_build_running_refuses_force_until_it_is_cancelled(fake_project, project, specs, tmp_path):
    """`gaev build --detach` (the fake vagrant's `up` keeps going), then `generate --force`."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "FAKE_VAGRANT_SLOW": "up"}
    assert gaev("build", str(project), "--detach", "--yes", env=env).returncode == 0
    (job,) = jobs.list_jobs()
    wait_for(lambda: (project / ".vagrant/machines/default/libvirt/id").exists(), "vagrant up to create the VM")
    before, root = snapshot(project), os.stat(project).st_ino
    for name in (str(project), str(tmp_path / "via-link" / "p")):  # another path to the same directory
        (tmp_path / "via-link").is_symlink() or (tmp_path / "via-link").symlink_to(tmp_path)
        done = gaev("generate", str(specs[1]), "-o", name, "--force")
        assert done.returncode == 2, done.stderr
        line = done.stderr.strip()
        assert "\n" not in line and f"a build is running in this directory (job {job.id})" in line
        assert f"gaev jobs --cancel {job.id}" in line and "nothing was written" in line
        assert done.stdout == "" and snapshot(project) == before and staging_left(tmp_path) == []
        assert os.stat(project).st_ino == root  # not swapped
    assert gaev("jobs", "--cancel", job.id).returncode == 0
    wait_for(lambda: jobs.load_job(job.id).status in jobs.FINAL, "the cancel")
    assert jobs.load_job(job.id).status == "cancelled"
    done = gaev("generate", str(specs[1]), "-o", str(project), "--force")
    assert done.returncode == 0, done.stderr
    assert "hostname: renamed" in (project / "gaev.yaml").read_text()


def test_a_lost_build_or_one_elsewhere_does_not_block(project, specs, tmp_path):
    gone = subprocess.Popen(["true"])
    gone.wait()
    record_job(project, gone.pid)  # its runner died: lost
    (tmp_path / "p2").mkdir()
    record_job(tmp_path / "p2", os.getpid())  # running, in another project
    assert main(["generate", str(specs[1]), "-o", str(project), "--force"]) == 0
    assert "hostname: renamed" in (project / "gaev.yaml").read_text()


def test_a_starting_build_refuses_the_cli_too(project, specs, capsys):
    job = jobs.new_job(project, "p", "vmware_desktop", detached=False, keep_vm=False)  # no pid yet: starting
    before = snapshot(project)
    assert main(["generate", str(specs[1]), "-o", str(project), "--force"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith(f"gaev: {project}: a build is running") and job.id in err
    assert snapshot(project) == before


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux's /proc")
@pytest.mark.parametrize("where", [".", "ansible"])
def test_a_vagrant_run_by_hand_in_the_project_refuses_force(project, specs, tmp_path, where, capsys):
    """Best effort (it takes no lock): a `vagrant up` typed in the project, found by its
    working directory; run as Debian runs it, a script (``python3 .../vagrant up``)."""
    (tmp_path / "bin").mkdir()
    tool = tmp_path / "bin" / "vagrant"
    tool.write_text(f"#!{sys.executable}\nimport sys, time\nprint('up', flush=True)\ntime.sleep(600)\n")
    tool.chmod(0o755)
    running = subprocess.Popen([str(tool), "up"], cwd=project / where, stdout=subprocess.PIPE, text=True)
    try:
        assert running.stdout.readline() == "up\n"
        before, root = snapshot(project), os.stat(project).st_ino
        assert main(["generate", str(specs[1]), "-o", str(project), "--force"]) == 2
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0 and f"vagrant (pid {running.pid}) is running in this directory" in err
        assert snapshot(project) == before and os.stat(project).st_ino == root
    finally:
        running.kill()
        running.wait()
    assert main(["generate", str(specs[1]), "-o", str(project), "--force"]) == 0


VAGRANT_STATE = {  # what Vagrant 2.3 and vagrant-libvirt keep for a VM that is up
    ".vagrant/machines/default/libvirt/id": (b"6a1c4f0e-31b2-4c1e-9f55-3c2b1d1e0a77", 0o644),
    ".vagrant/machines/default/libvirt/private_key": (b"-----BEGIN OPENSSH PRIVATE KEY-----\n", 0o600),
    ".vagrant/machines/default/libvirt/index_uuid": (b"0b1f0c52a9f34a8b8d7d1c1e2f3a4b5c", 0o644),
    ".vagrant/machines/default/libvirt/synced_folders": (b'{"rsync":{"/vagrant":{}}}', 0o644),
    ".vagrant/machines/default/libvirt/box_meta": (b'{"name":"debian/bookworm64"}', 0o644),
    ".vagrant/machines/default/libvirt/creator_uid": (b"0", 0o644),
    ".vagrant/machines/default/libvirt/vagrant_cwd": (b"/somewhere/p", 0o644),
    ".vagrant/rgloader/loader.rb": (b"# rgloader\n", 0o644),
}


def test_a_vm_that_is_up_but_not_building_comes_along(project, specs, capsys):
    """Not a refusal: the real carry code links every file of `.vagrant/` into the new
    tree (same inode, so same content and mode), and the user is told what it means."""
    for rel, (data, mode) in VAGRANT_STATE.items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_bytes(data)
        (project / rel).chmod(mode)
    (project / ".vagrant/machines").chmod(0o700)
    before = {rel: entry for rel, entry in snapshot(project).items() if rel.startswith(".vagrant")}
    assert inuse.vagrant_machines(project) == ["default (libvirt)"]
    old_root = os.stat(project).st_ino
    assert main(["generate", str(specs[1]), "-o", str(project), "--force"]) == 0
    assert os.stat(project).st_ino != old_root  # the directory was swapped...
    after = {rel: entry for rel, entry in snapshot(project).items() if rel.startswith(".vagrant")}
    assert after == before  # ...and Vagrant's state is the very same files, modes included
    err = capsys.readouterr().err
    assert "note: the VM made from this project (default (libvirt)) came along with .vagrant/" in err
    assert "'vagrant reload --provision'" in err


def test_a_symlinked_vagrant_directory_names_no_machine(project, tmp_path):
    elsewhere = tmp_path / "elsewhere" / "machines" / "default" / "libvirt"
    elsewhere.mkdir(parents=True)
    (elsewhere / "id").write_text("x")
    (project / ".vagrant").symlink_to(tmp_path / "elsewhere")
    assert inuse.vagrant_machines(project) == []


# The race: a writer paused between its check for builds and its swap, and a build
# starting meanwhile (both real processes). The writer pauses inside swap_in, that is
# after the check, holding the lock; the build side says when it finds the lock taken.
WRITER = """
import sys
from pathlib import Path
from gaev_tui.render import swap
from gaev_tui.cli.main import main
real = swap.swap_in
def paused(*args):
    print("at-swap", flush=True)
    sys.stdin.readline()
    return real(*args)
swap.swap_in = paused
sys.exit(main(["generate", sys.argv[1], "-o", sys.argv[2], "--force"]))
"""
BUILDER = """
import sys
from pathlib import Path
from gaev_tui import fsutil
from gaev_tui.boxbuild import start
real = fsutil.fcntl.flock
said = []
def flock(fd, how):
    try:
        return real(fd, how)
    except BlockingIOError:
        said or print("waiting", flush=True)
        said.append(1)
        raise
fsutil.fcntl.flock = flock
checked = start.check(Path(sys.argv[1]), checks=lambda project: [])  # the pre-flight is not the point
print("checked", flush=True)
sys.stdin.readline()
try:
    job = start.create_job(checked, detached=False, keep_vm=False)
except Exception as exc:
    print("refused:", exc, flush=True)
else:
    print("created", job.id, flush=True)
"""


def spawn(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code, *args], text=True, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})


def say(child: subprocess.Popen, line: str = "go") -> None:
    child.stdin.write(line + "\n")
    child.stdin.flush()


@pytest.mark.parametrize("through", ["its path", "a symlink to it"])
def test_a_build_starting_during_the_swap_waits_for_it(project, specs, through):
    if through == "a symlink to it":  # the writer refuses a symlink: it is given the real path
        (project.parent / "elsewhere").mkdir()
        (project.parent / "elsewhere" / "link").symlink_to(project)
    builder = spawn(BUILDER, str(project if through == "its path" else project.parent / "elsewhere" / "link"))
    assert builder.stdout.readline() == "checked\n"  # read (and checked) the old project
    writer = spawn(WRITER, str(specs[1]), str(project))
    try:
        assert writer.stdout.readline() == "at-swap\n"  # checked: no build yet
        say(builder)  # now the build starts: it must not get in before the swap
        assert builder.stdout.readline() == "waiting\n"
        say(writer)
        assert writer.wait(timeout=60) == 0, writer.stderr.read()
        # The directory the build had checked is gone: it refuses rather than build the
        # new one on what it read from the old.
        line = builder.stdout.readline()
        assert line.startswith("refused: ") and "was rewritten" in line and "run the build again" in line
        assert builder.wait(timeout=60) == 0
        assert jobs.list_jobs() == [] and "hostname: renamed" in (project / "gaev.yaml").read_text()
    finally:
        for child in (builder, writer):
            if child.poll() is None:
                child.send_signal(signal.SIGKILL)
                child.wait()


def test_a_build_started_first_is_seen_by_the_writer(project, specs):
    builder = spawn(BUILDER, str(project))
    try:
        assert builder.stdout.readline() == "checked\n"
        say(builder)
        created = builder.stdout.readline()
        assert created.startswith("created ")
        # That job has no runner yet: it is "starting", and a writer must still refuse.
        done = gaev("generate", str(specs[1]), "-o", str(project), "--force")
        assert done.returncode == 2 and created.split()[1] in done.stderr
    finally:
        builder.wait(timeout=60)
