"""What becomes of each entry of an existing project when GAEV writes a new one.

A file GAEV wrote and whose content it still recognises (the old lock's sha256) is
replaced or removed; everything else is the user's and is carried into the new tree by a
hard link (no copy, no move: until the swap the old project is whole). A user's file
standing where GAEV writes one of its own (a hand-edited Vagrantfile, a ``scripts``
symlink, a README in a directory that had no lock) is kept beside it as
``NAME.gaev-saved``.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from gaev_tui.errors import GaevError
from gaev_tui.render import tree
from gaev_tui.render.lockfile import LOCK_FILE, PreviousLock

MAX_GAEV_FILE = 16 * 1024 * 1024


@dataclass(frozen=True)
class ProjectChange:
    path: str
    status: str  # "added", "changed", "unchanged", "removed", or "kept" (moved to kept_as)
    kept_as: str | None = None


@dataclass
class Plan:
    changes: list[ProjectChange] = field(default_factory=list)
    links: list[tuple[tree.Entry, str]] = field(default_factory=list)  # old entry -> new path
    dirs: dict[str, int] = field(default_factory=dict)  # directories of the new tree -> mode
    dropped: dict[str, str] = field(default_factory=dict)  # old files not carried -> sha256


def _parents(rel: str) -> list[str]:
    parts = rel.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


def plan(root_fd: int, files: dict[str, bytes], previous: PreviousLock | None,
         spec_source: tuple[int, int] | None = None, everything: bool = True) -> Plan:
    """Decide, entry by entry, how the project open at ``root_fd`` becomes ``files``.

    ``everything=False`` looks only where GAEV writes or wrote (enough for the list of
    changes, and cheap beside a large ``data/``); building the new tree needs it all.
    """
    previous = previous or PreviousLock()
    relevant = {parent for path in (*files, *previous.files) for parent in _parents(path)}
    entries = tree.walk(root_fd, None if everything else relevant.__contains__)
    root_dev = os.fstat(root_fd).st_dev
    sums = {path: hashlib.sha256(data).hexdigest() for path, data in files.items()}
    gaev_dirs = {parent for path in files for parent in _parents(path)}
    present = {entry.rel for entry in entries}
    taken = set(files) | gaev_dirs | present
    result = Plan()
    saved_dirs: dict[str, str] = {}  # a user directory where GAEV writes a file -> its new name
    non_empty = {parent for entry in entries for parent in _parents(entry.rel)}
    optional: dict[str, int] = {}

    def keep_aside(entry: tree.Entry) -> str:
        target = tree.free_name(entry.rel, taken.__contains__)
        taken.add(target)
        result.changes.append(ProjectChange(entry.rel, "kept", target))
        return target

    for entry in entries:
        moved = next((p for p in _parents(entry.rel) if p in saved_dirs), None)
        if moved is not None:  # inside a directory kept aside: carried as it is
            target = saved_dirs[moved] + entry.rel[len(moved):]
            if entry.is_dir:
                result.dirs[target] = stat.S_IMODE(entry.st.st_mode)
            else:
                result.links.append((entry, target))
            continue
        if entry.is_dir:
            if entry.st.st_dev != root_dev:
                raise GaevError(f"{entry.rel} is a mount point: GAEV cannot carry it into the new project; nothing was changed")
            mode = stat.S_IMODE(entry.st.st_mode)
            if entry.rel in files:  # GAEV writes a file where the user has a directory
                saved_dirs[entry.rel] = keep_aside(entry)
                result.dirs[saved_dirs[entry.rel]] = mode
            elif entry.rel not in non_empty:  # the user's empty directory
                result.dirs[entry.rel] = mode
            else:  # made again only if something ends up inside
                optional[entry.rel] = mode
            continue
        # GAEV's files are small: a huge file in their place is the user's, not hashed.
        known = (entry.rel in files or entry.rel in previous.sha256) and entry.st.st_size <= MAX_GAEV_FILE
        digest = tree.sha256(root_fd, entry.rel, entry) if known else None
        if entry.rel in gaev_dirs:  # a file or symlink where GAEV needs a directory
            result.links.append((entry, keep_aside(entry)))
        elif entry.rel in files:
            consumed = spec_source == entry.identity and entry.is_file
            if digest == sums.get(entry.rel):
                result.changes.append(ProjectChange(entry.rel, "unchanged"))
            else:
                result.changes.append(ProjectChange(entry.rel, "changed"))
                if not (entry.rel == LOCK_FILE or previous.recognises(entry.rel, digest) or consumed):
                    result.links.append((entry, keep_aside(entry)))
                    continue
            if digest is not None:
                result.dropped[entry.rel] = digest
        elif previous.recognises(entry.rel, digest):
            result.changes.append(ProjectChange(entry.rel, "removed"))
            result.dropped[entry.rel] = digest
        else:
            result.links.append((entry, entry.rel))
    old_files = {entry.rel for entry in entries if not entry.is_dir}
    result.changes += [ProjectChange(path, "added") for path in files if path not in old_files]
    inside = [target for _, target in result.links] + list(result.dirs)
    needed = {parent for target in inside for parent in _parents(target)} | gaev_dirs
    result.dirs.update({rel: mode for rel, mode in optional.items() if rel in needed})
    return result


def build(new_root: Path, root_fd: int, files: dict[str, bytes], decided: Plan, mode: int) -> None:
    """Write the new tree: directories, GAEV's files, and links to the user's entries."""
    os.mkdir(new_root, 0o700)
    dirs = sorted(set(decided.dirs) | {p for path in files for p in _parents(path)})
    for rel in dirs:  # writable while being filled; their own modes at the end
        os.mkdir(new_root / rel, 0o700)
    for rel, data in files.items():
        fd = os.open(new_root / rel, os.O_WRONLY | os.O_CREAT | os.O_EXCL | tree.NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(new_root / rel, file_mode(rel))
    for entry, target in decided.links:
        parent, name = tree.open_parent(root_fd, entry.rel)
        try:
            os.link(name, new_root / target, src_dir_fd=parent, follow_symlinks=False)
        except OSError as exc:
            raise GaevError(f"cannot carry {entry.rel} into the new project ({exc.strerror}); nothing was changed") from None
        finally:
            os.close(parent)
        st = os.lstat(new_root / target)
        if (st.st_dev, st.st_ino) != entry.identity:
            raise GaevError(f"{entry.rel} changed while GAEV was writing the project; nothing was changed")
    for rel in reversed(dirs):
        os.chmod(new_root / rel, decided.dirs.get(rel, 0o755))
    os.chmod(new_root, mode)


def file_mode(rel: str) -> int:
    return 0o755 if rel.endswith(".sh") else 0o644
