"""What an existing project directory is in use for, as far as replacing it goes.

A build running in it (a ``gaev build`` job, starting or running): swapping the
directory under ``vagrant up`` breaks the build and can strand its VM, so a write
refuses. The check runs under the lock a build start takes (``fsutil.dir_locked`` on
the projects' parent), so no build can start between it and the swap.

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
from gaev_tui.render import tree

_MACHINE = re.compile(r"\.vagrant/machines/(?P<name>[\w.-]+)/(?P<provider>[\w.-]+)/id")


def running_build(dest: Path) -> str | None:
    """Why ``dest`` may not be replaced now (a build runs in it), or None."""
    building = jobs.building_in(dest)
    if not building:
        return None
    job = building[-1]
    return (f"a build is running in this directory (job {job.id}): wait for it to end (gaev attach {job.id}) "
            f"or stop it (gaev jobs --cancel {job.id})")


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
