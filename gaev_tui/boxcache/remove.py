"""Remove boxes through the real ``vagrant box remove``, so Vagrant's bookkeeping stays right.

GAEV never deletes a box directory itself. It checks first (in use, unknown, pinned
boxes are refused unless forced), then runs Vagrant with no terminal on stdin: if
Vagrant finds a user GAEV did not see, it asks, cannot, and fails instead of deleting.

Pins are read again under the records' lock before each removal, and the lock is held
while Vagrant removes the box: a pin taken while a prune runs either lands before (the
box is kept) or waits and finds the box gone (and says so), never "pinned" then lost.
"""

from __future__ import annotations

import functools
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from filelock import Timeout

from gaev_tui import tools
from gaev_tui.boxcache import records
from gaev_tui.boxcache.model import UNKNOWN_KEPT, Box
from gaev_tui.errors import GaevError

TIMEOUT_S = 600


def vagrant_env(vagrant_home: Path | None = None) -> dict[str, str]:
    """Vagrant's environment: the given cache, no update checks, no colours."""
    return tools.quiet_env(**({"VAGRANT_HOME": str(vagrant_home)} if vagrant_home is not None else {}))


@functools.lru_cache(maxsize=4)
def supports_architecture(vagrant: str) -> bool:
    """True when this Vagrant's ``box remove`` takes ``--architecture`` (2.4+)."""
    try:
        out = subprocess.run([vagrant, "box", "remove", "--help"], capture_output=True, text=True,
                             timeout=60, env=vagrant_env(), stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return False
    return "--architecture" in (out.stdout + out.stderr)


def refusal(box: Box) -> str | None:
    """Why GAEV will not remove ``box`` without ``force``, or None."""
    if box.in_use is True:
        return "in use by " + ", ".join(box.used_by)
    if box.in_use is None:
        return UNKNOWN_KEPT
    if box.pinned:
        return "pinned (gaev boxes unpin to release it)"
    return None


def remove_command(box: Box, vagrant: str, arch_flag: bool, force: bool = False) -> list[str]:
    """The ``vagrant box remove`` command line for exactly this box.

    ``force`` is passed on only when the user forced GAEV too: otherwise Vagrant's own
    in-use question, unanswerable without a terminal, makes it refuse. The values come
    from directory names of the cache, which anyone can create: each option takes its
    value in the same word (``--provider=X``) and the name comes after ``--``, so a box
    named ``--force`` is a name to Vagrant, never an option.
    """
    cmd = [vagrant, "box", "remove", f"--box-version={box.version}", f"--provider={box.provider}"]
    if force:
        cmd.append("--force")
    if box.architecture:
        if not arch_flag:
            raise GaevError(
                f"{box.label}: this Vagrant cannot remove boxes by architecture "
                "(needs Vagrant 2.4 or later); GAEV does not delete Vagrant's files behind its back"
            )
        cmd.append(f"--architecture={box.architecture}")
    return [*cmd, "--", box.name]


def _remove_one(box: Box, vagrant: str, arch_flag: bool, force: bool, vagrant_home: Path | None) -> Removal:
    try:
        cmd = remove_command(box, vagrant, arch_flag, force)
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S,
                             env=vagrant_env(vagrant_home), stdin=subprocess.DEVNULL)
    except GaevError as exc:
        return Removal(box, False, str(exc))
    except (OSError, subprocess.SubprocessError) as exc:
        return Removal(box, False, f"vagrant box remove failed to run: {exc}")
    text = (out.stderr.strip() or out.stdout.strip()).splitlines()
    if out.returncode != 0 or box.path.exists():
        detail = text[-1] if text else f"exit status {out.returncode}"
        return Removal(box, False, f"vagrant box remove failed: {detail}")
    return Removal(box, True, "removed")


@dataclass
class Removal:
    """What happened to one box."""

    box: Box
    ok: bool
    message: str


def remove_boxes(boxes: list[Box], vagrant_home: Path | None = None, force: bool = False,
                 progress: Callable[[int, int, Box], None] | None = None) -> list[Removal]:
    """Remove each box with ``vagrant box remove``; one failure does not stop the others.

    ``progress(done, total, box)`` is called before each removal (for a progress bar).
    """
    vagrant = tools.require("vagrant")
    arch_flag = any(b.architecture for b in boxes) and supports_architecture(vagrant)
    results = []
    for done, box in enumerate(boxes):
        if progress:
            progress(done, len(boxes), box)
        why = None if force else refusal(box)
        if why:
            results.append(Removal(box, False, f"kept: {why}"))
            continue
        try:
            with records.held() as now:  # the pins as they are now, kept so until removed
                if not force and records.is_pinned(box, now):
                    box.pinned = True
                    results.append(Removal(box, False, "kept: pinned while the prune ran"))
                    continue
                results.append(_remove_one(box, vagrant, arch_flag, force, vagrant_home))
        except Timeout as exc:
            results.append(Removal(box, False, f"kept: GAEV's box records stayed locked ({exc})"))
    if progress:
        progress(len(boxes), len(boxes), boxes[-1] if boxes else None)
    return results
