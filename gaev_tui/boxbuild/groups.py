"""Process groups: signal one, and tell whether any live process is still in it.

A zombie does not count as alive: in containers PID 1 often never reaps orphans, so
``killpg(pgid, 0)`` would report a finished tree as running for ever.
"""

from __future__ import annotations

import os
import sys


def signal_group(pgid: int, sig: int) -> bool:
    """Send ``sig`` to process group ``pgid``; False when the group no longer exists."""
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        return False
    except PermissionError:  # a member changed user (sudo): still there, can't signal it
        return True
    return True


def group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes of group ``pgid`` (Linux: read from /proc)."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:  # it exited while we looked
            continue
        # "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) > 2 and fields[0] != b"Z" and int(fields[2]) == pgid:
            members.append(int(entry))
    return members


def group_alive(pgid: int | None) -> bool:
    """Whether any live process is left in group ``pgid``."""
    if pgid is None:
        return False
    if sys.platform.startswith("linux") and os.path.isdir("/proc/self"):
        return bool(group_members(pgid))
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
