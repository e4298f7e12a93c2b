"""Remove boxes through the real ``vagrant box remove``, so Vagrant's bookkeeping stays right.

GAEV never deletes a box directory itself. It checks first (in use, unknown, pinned
boxes are refused unless forced), then runs Vagrant with no terminal on stdin: if
Vagrant finds a user GAEV did not see, it asks, cannot, and fails instead of deleting.
"""

from __future__ import annotations

import functools
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gaev_tui import tools
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
    in-use question, unanswerable without a terminal, makes it refuse.
    """
    cmd = [vagrant, "box", "remove", box.name, "--box-version", box.version, "--provider", box.provider]
    if force:
        cmd.append("--force")
    if box.architecture:
        if not arch_flag:
            raise GaevError(
                f"{box.label}: this Vagrant cannot remove boxes by architecture "
                "(needs Vagrant 2.4 or later); GAEV does not delete Vagrant's files behind its back"
            )
        cmd += ["--architecture", box.architecture]
    return cmd


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
            cmd = remove_command(box, vagrant, arch_flag, force)
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S,
                                 env=vagrant_env(vagrant_home), stdin=subprocess.DEVNULL)
        except GaevError as exc:
            results.append(Removal(box, False, str(exc)))
            continue
        except (OSError, subprocess.SubprocessError) as exc:
            results.append(Removal(box, False, f"vagrant box remove failed to run: {exc}"))
            continue
        text = (out.stderr.strip() or out.stdout.strip()).splitlines()
        if out.returncode != 0 or box.path.exists():
            detail = text[-1] if text else f"exit status {out.returncode}"
            results.append(Removal(box, False, f"vagrant box remove failed: {detail}"))
        else:
            results.append(Removal(box, True, "removed"))
    if progress:
        progress(len(boxes), len(boxes), boxes[-1] if boxes else None)
    return results
