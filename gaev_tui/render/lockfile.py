"""``gaev.lock.json`` read back: which files GAEV wrote and their sha256.

The lock of an existing project is input like any other (a shared project can carry a
forged one), so it is checked against its schema before use. Its paths are only ever
compared with what a walk of the project finds; nothing is opened by a path from it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass, field

from gaev_tui.errors import InputError, Location
from gaev_tui.render import tree

LOCK_FILE = "gaev.lock.json"
MAX_LOCK_BYTES = 4 * 1024 * 1024
MAX_PATH = 1024
_HEX64 = re.compile(r"[0-9a-f]{64}")
# Where GAEV writes in a project. A lock naming anything else (data/, .vagrant/) is not
# believed about it: those files are never removed, whatever checksum the lock gives.
GAEV_ROOTS = frozenset({"Vagrantfile", "README.md", "gaev.yaml", LOCK_FILE, "scripts", "ansible", "packer", "cloud"})


def checksums(files: dict[str, bytes]) -> dict[str, str]:
    """sha256 of every file except the lock itself (it cannot hold its own)."""
    return {path: hashlib.sha256(data).hexdigest() for path, data in files.items() if path != LOCK_FILE}


def path_problem(path: object) -> str | None:
    """Why ``path`` is not a plain relative path inside a project, or None."""
    if not isinstance(path, str) or not path:
        return "is not a path"
    if len(path) > MAX_PATH or not path.isprintable() or "\\" in path:
        return "is not a plain path"
    if path.startswith("/") or re.match(r"[A-Za-z]:", path):
        return "is an absolute path"
    if any(part in ("", ".", "..") for part in path.split("/")):
        return "is not a path inside the project"
    return None


@dataclass(frozen=True)
class PreviousLock:
    """What an earlier run of GAEV wrote: the paths, and their checksums when known."""

    files: frozenset[str] = frozenset()
    sha256: dict[str, str] = field(default_factory=dict)

    def recognises(self, rel: str, digest: str | None) -> bool:
        """True when ``rel`` still holds exactly what GAEV wrote there."""
        return digest is not None and self.sha256.get(rel) == digest


def read_previous(root_fd: int, where: str) -> PreviousLock | None:
    """The lock of the project open at ``root_fd`` (None when it has none)."""
    location = Location(os.path.join(where, LOCK_FILE))
    try:
        fd = os.open(LOCK_FILE, tree.FILE_FLAGS, dir_fd=root_fd)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror}); GAEV writes it as a plain file: remove it to regenerate", location) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise InputError("is not a regular file; remove it to regenerate the project", location)
    with os.fdopen(fd, "rb") as handle:
        raw = handle.read(MAX_LOCK_BYTES + 1)
    if len(raw) > MAX_LOCK_BYTES:
        raise InputError(f"is larger than {MAX_LOCK_BYTES // 1024} KiB; GAEV did not write it", location)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"is not valid JSON ({exc}); remove it to regenerate the project", location) from None
    except RecursionError:  # [[[[... nested deeper than the parser's stack
        raise InputError("is nested too deeply; GAEV did not write it", location) from None
    return _checked(data, location)


def _checked(data: object, location: Location) -> PreviousLock:
    def bad(field_name: str, reason: str) -> InputError:
        return InputError(f"{reason}; this lock was not written by GAEV (remove it to regenerate the project)",
                          Location(location.file, None, field_name))

    if not isinstance(data, dict):
        raise bad("", "must be a JSON object")
    files = data.get("files", [])
    if not isinstance(files, list):
        raise bad("files", "must be a list of paths")
    for index, path in enumerate(files):
        if reason := path_problem(path):
            raise bad(f"files[{index}]", f"{str(path)[:80]!r} {reason}")
    sums = data.get("sha256", {})
    if not isinstance(sums, dict):
        raise bad("sha256", "must map paths to checksums")
    for path, digest in sums.items():
        if reason := path_problem(path):
            raise bad(f"sha256[{str(path)[:80]!r}]", f"the path {reason}")
        if not isinstance(digest, str) or not _HEX64.fullmatch(digest):
            raise bad(f"sha256[{path!r}]", "is not a sha256 checksum")
        if path not in files:
            raise bad(f"sha256[{path!r}]", "names a file the lock does not list")
    ours = {path: digest for path, digest in sums.items() if path.split("/")[0] in GAEV_ROOTS}
    return PreviousLock(frozenset(files), ours)
