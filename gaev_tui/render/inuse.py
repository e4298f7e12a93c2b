"""What an existing project directory is in use for, as far as replacing it goes.

A build running in it (a ``gaev build`` job, starting or running): swapping the
directory under ``vagrant up`` breaks the build and can strand its VM, so a write
refuses. The check runs under the lock a build start takes (``fsutil.dir_locked`` on
the projects' parent), so no build can start between it and the swap. On Linux, a
``vagrant`` or ``packer`` started by hand and working in the project is refused too; that
one is best effort (it takes no GAEV lock, and it is found by its working directory).

A VM made from the project that is not building (``.vagrant/machines/NAME/PROVIDER/id``)
is no reason to refuse: ``.vagrant/`` is the user's and comes along into the new tree by
hard links (:mod:`gaev_tui.render.carry`), so ``vagrant ssh``, ``halt`` and ``destroy``
still reach the VM from the same path; the VM itself sees the new files once reloaded.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from gaev_tui.boxbuild import jobs
from gaev_tui.fsutil import read_regular
from gaev_tui.render import tree

_MACHINE = re.compile(r"\.vagrant/machines/(?P<name>[\w.-]+)/(?P<provider>[\w.-]+)/id")
_TOOLS = ("vagrant", "packer")  # tools that must not have their project swapped under them


def running_build(dest: Path) -> str | None:
    """Why ``dest`` may not be replaced now (a build runs in it), or None."""
    building = jobs.building_in(dest)
    if building:
        job = building[-1]
        return (f"a build is running in this directory (job {job.id}): wait for it to end (gaev attach {job.id}) "
                f"or stop it (gaev jobs --cancel {job.id})")
    by_hand = tools_working_in(dest)
    if by_hand:
        pid, tool = by_hand[0]
        return f"{tool} (pid {pid}) is running in this directory: wait for it to end or stop it"
    return None


def tools_working_in(dest: Path) -> list[tuple[int, str]]:
    """(pid, tool) of each ``vagrant`` or ``packer`` whose working directory is ``dest`` or
    inside it (Linux's /proc; [] where there is none). Ruby runs vagrant as
    ``ruby /usr/bin/vagrant up``: the tool is the program or the script it runs."""
    real = os.path.realpath(dest)
    try:
        pids = [name for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return []
    found = []
    for pid in pids:
        try:
            cwd = os.readlink(f"/proc/{pid}/cwd")
            argv = read_regular(f"/proc/{pid}/cmdline", 1 << 16).split(b"\0")[:2]
        except (OSError, ValueError):  # gone, or another user's
            continue
        if cwd != real and not cwd.startswith(real + os.sep):
            continue
        tool = next((name for arg in argv if (name := os.path.basename(os.fsdecode(arg))) in _TOOLS), None)
        if tool:
            found.append((int(pid), tool))
    return sorted(found)


def vagrant_machines(dest: Path) -> list[str]:
    """``NAME (PROVIDER)`` for each VM Vagrant made from the project, found without
    following a symlink (names that are not plain words are left out)."""
    try:
        fd = tree.open_dir(dest)
    except OSError:
        return []
    try:
        entries = tree.walk(fd, lambda rel: rel in (".vagrant", ".vagrant/machines")
                            or (rel.startswith(".vagrant/machines/") and rel.count("/") <= 3))
    except OSError:
        return []
    finally:
        os.close(fd)
    found = [_MACHINE.fullmatch(entry.rel) for entry in entries if entry.is_file]
    return [f"{m['name']} ({m['provider']})" for m in found if m]


def machines_note(machines: list[str]) -> str:
    """What becomes of the project's VMs when the directory is replaced."""
    return (f"the VM made from this project ({', '.join(machines)}) came along with .vagrant/: "
            "'vagrant ssh', 'halt' and 'destroy' still reach it; 'vagrant reload --provision' gives it the new files")
