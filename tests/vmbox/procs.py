"""Running the real tools from tests: logged, time-limited, and never left behind.

Every command runs in its own session (process group) so that a timeout or a failed
test can stop the whole tree (vagrant -> ruby -> ssh, packer -> qemu) with one signal.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

# Executables whose survival after a test means a VM or a build was leaked.
WATCHED = ("qemu-system", "vagrant", "packer")


class CommandFailed(AssertionError):
    """A tool exited non-zero; the message carries the command and its log's tail."""


def _tail(path: Path, lines: int = 60, width: int = 400) -> str:
    """Last lines of a log, with progress-bar redraws (``\\r``) and huge lines cut."""
    try:
        with open(path, "rb") as handle:
            handle.seek(max(0, handle.seek(0, os.SEEK_END) - 256 * 1024))
            text = handle.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""
    kept = [line.rstrip("\r").rsplit("\r", 1)[-1][:width] for line in text.split("\n")]
    return "\n".join(kept[-lines:])


def run(
    cmd: Sequence[str],
    log: Path,
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 1800,
    check: bool = True,
    output: Path | None = None,
) -> int:
    """Run ``cmd`` appending its output to ``log``; kill its process group on timeout.

    With ``output``, the command writes there first and it is copied into ``log`` after.
    Returns the exit status; raises CommandFailed (with the log's tail) when ``check``.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    started = time.monotonic()
    with open(log, "ab") as out:
        out.write(f"\n$ {' '.join(cmd)}\n".encode())
        out.flush()
        sink = open(output, "wb") if output else out  # noqa: SIM115 - closed in the finally below
        try:
            status = _wait(cmd, sink, cwd, full_env, timeout)
        finally:
            if output:
                sink.close()
                out.write(output.read_bytes())
        if status is None:
            raise CommandFailed(f"timed out after {timeout:.0f}s: {' '.join(cmd)}\n{_tail(log)}")
        out.write(f"[exit {status} after {time.monotonic() - started:.1f}s]\n".encode())
    if check and status != 0:
        raise CommandFailed(f"exit {status}: {' '.join(cmd)} (log {log})\n{_tail(log)}")
    return status


def _wait(cmd, sink, cwd, env, timeout) -> int | None:
    """Exit status of ``cmd``, or None after killing its group on timeout."""
    proc = subprocess.Popen(
        list(cmd), cwd=cwd, env=env, stdout=sink, stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    finally:
        if proc.poll() is None:  # timed out or interrupted (Ctrl-C): do not leak the tree
            stop_group(proc.pid)
            proc.wait()


def run_output(cmd: Sequence[str], log: Path, **kwargs) -> str:
    """Like ``run`` (output also appended to ``log``) but return the command's output."""
    part = log.with_name(f".{log.name}.{os.getpid()}.part")
    try:
        run(cmd, log, output=part, **kwargs)
        return part.read_text(encoding="utf-8", errors="replace")
    finally:
        part.unlink(missing_ok=True)


def stop_group(pgid: int, grace: float = 20.0) -> None:
    """SIGTERM a process group (Packer ignores SIGINT), then SIGKILL what remains."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            if not _group_alive(pgid):
                return
            time.sleep(0.2)


def _group_alive(pgid: int) -> bool:
    """Whether a non-zombie process of group ``pgid`` remains.

    Zombies count as gone: orphans re-parented to a container's PID 1 may never be
    reaped, and ``killpg(pgid, 0)`` would report them forever.
    """
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()  # after "(comm)", which may hold spaces
        if len(fields) > 2 and fields[2] == str(pgid) and fields[0] != "Z":
            return True
    return False


def _cmdline(pid: str) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode("utf-8", "replace").strip()


def _cwd(pid: str) -> str:
    try:
        return os.readlink(f"/proc/{pid}/cwd")
    except OSError:
        return ""


def leftover_processes(*markers: str) -> list[str]:
    """Watched tool processes (qemu, vagrant, packer) tied to any of ``markers``.

    A process is tied to a marker when the marker appears in its command line or its
    working directory lies under it. Scoping by marker (a test's directory, a libvirt
    domain prefix) keeps parallel test sessions from blaming each other's VMs.
    Returns "pid: cmdline" strings.
    """
    found = []
    me = str(os.getpid())
    for pid in filter(str.isdigit, os.listdir("/proc")):
        if pid == me:
            continue
        cmd = _cmdline(pid)
        # argv[0] is the tool itself, or an interpreter (ruby) running the tool's script.
        names = [os.path.basename(arg) for arg in cmd.split()[:2]]
        if not any(name.startswith(tool) for name in names for tool in WATCHED):
            continue
        cwd = _cwd(pid)
        if any(m and (m in cmd or cwd == m or cwd.startswith(m.rstrip("/") + "/")) for m in markers):
            found.append(f"{pid}: {cmd[:300]}")
    return found


def wait_gone(*markers: str, timeout: float = 30.0) -> list[str]:
    """Leftover processes for ``markers`` after waiting up to ``timeout`` for them to exit."""
    deadline = time.monotonic() + timeout
    while True:
        left = leftover_processes(*markers)
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.5)
