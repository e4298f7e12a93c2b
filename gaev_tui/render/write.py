"""Writing a rendered project to disk: all or nothing, and only inside the project.

The project is always built complete in a staging directory beside the target, then put
in place in one step (a rename for a new project, an atomic exchange over an existing
one, see :mod:`gaev_tui.render.swap`). Over an existing project (only with ``force``),
the files GAEV wrote and still recognises are replaced or removed; everything else the
directory holds (data, ``.vagrant/``, ``builds/``, a hand-edited file) is the user's and
comes along unchanged (see :mod:`gaev_tui.render.carry`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import platform
import stat
import sys
from pathlib import Path

from gaev_tui.errors import GaevError, InputError, Location
from gaev_tui.render import carry, inuse, swap, tree
from gaev_tui.render.carry import ProjectChange
from gaev_tui.render.lockfile import LOCK_FILE, path_problem, read_previous

__all__ = ["LOCK_FILE", "ProjectChange", "plan_changes", "write_project"]


def _absolute(dest: Path) -> Path:
    """``dest`` made absolute without resolving it (``-o .`` becomes the directory's name)."""
    return Path(os.path.abspath(dest))


def _existing_dir(dest: Path) -> bool:
    """True for a real directory; a symlink or a file in its place is refused."""
    try:
        st = os.lstat(dest)
    except FileNotFoundError:
        return False
    except NotADirectoryError:
        raise InputError("a parent of this path is a file, not a directory", Location(str(dest))) from None
    if stat.S_ISLNK(st.st_mode):
        raise InputError("is a symbolic link; give the directory it points to", Location(str(dest)))
    if not stat.S_ISDIR(st.st_mode):
        raise InputError("exists and is not a directory", Location(str(dest)))
    return True


def _need_descriptor_calls(dest: Path) -> None:
    """Refuse, naming the system, to look into an existing project where the calls that
    keep every step inside it (``dir_fd``, ``O_NOFOLLOW``) do not exist (Windows)."""
    if not tree.DESCRIPTOR_RELATIVE:
        raise InputError(f"updating an existing project is not possible on {platform.system() or sys.platform} "
                         "(it needs descriptor-relative file calls); write the project to a new directory and "
                         "move your own files into it; nothing was written", Location(str(dest)))


def plan_changes(files: dict[str, bytes], dest: Path) -> list[ProjectChange]:
    """What writing ``files`` to ``dest`` would do, file by file (nothing is written)."""
    dest = _absolute(dest)
    if not _existing_dir(dest):
        return [ProjectChange(path, "added") for path in files]
    _need_descriptor_calls(dest)
    fd = tree.open_dir(dest)
    try:
        return carry.plan(fd, files, read_previous(fd, str(dest)), everything=False).changes
    finally:
        os.close(fd)


def write_project(files: dict[str, bytes], dest: Path, force: bool = False,
                  spec_source: Path | None = None) -> list[ProjectChange]:
    """Write the project; refuse to touch an existing non-empty directory without force.

    ``spec_source`` is the spec the project was rendered from: when it is the project's
    own ``gaev.yaml``, its hand edits became the new one and it is not kept aside.
    """
    for path in files:
        if reason := path_problem(path):
            raise GaevError(f"refusing to write {path!r}: it {reason}")
    dest = _absolute(dest)
    if dest.parent == dest:
        raise InputError("cannot be the root directory", Location(str(dest)))
    try:
        return _write(files, dest, force, _identity(spec_source))
    except OSError as exc:
        problem = exc.strerror or str(exc)
        if exc.errno in (errno.ENOTDIR, errno.EEXIST):
            problem = "a parent of this path is a file, not a directory"
        name = str(exc.filename or "")
        where = f" (in {dest.parent})" if name.startswith(str(dest.parent)) else f": {name}" if name and not os.path.isabs(name) else ""
        raise InputError(f"cannot write the project: {problem}{where}", Location(str(dest))) from None


def _identity(path: Path | None) -> tuple[int, int] | None:
    try:
        st = os.stat(path) if path is not None else None
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if st else None


def _write(files: dict[str, bytes], dest: Path, force: bool, spec_source: tuple[int, int] | None) -> list[ProjectChange]:
    _existing_dir(dest)  # a symlink or a file at dest: one message, before anything is made
    dest.parent.mkdir(parents=True, exist_ok=True)
    with swap.parent_locked(dest.parent):
        restored = swap.recover(dest)
        exists = _existing_dir(dest)
        if exists and any(os.scandir(dest)) and not force:
            raise InputError("the directory exists and is not empty; use --force to update the project in it", Location(str(dest)))
        if exists and force and any(os.scandir(dest)):
            _need_descriptor_calls(dest)
        if exists and (busy := inuse.running_build(dest)):  # under the lock a build start takes
            raise InputError(f"{busy}, then run this again; nothing was written", Location(str(dest)))
        cwd = _cwd_inside(dest)
        staging = swap.new_staging(dest)
        try:
            if exists and any(os.scandir(dest)):
                changes = _replace(files, dest, staging, spec_source)
            else:
                carry.build(staging / "tree", -1, files, carry.Plan(), 0o755)
                os.replace(staging / "tree", dest)  # over an empty directory, or none
                changes = [ProjectChange(path, "added") for path in files]
        except BaseException:
            if not (staging / swap.JOURNAL).exists():  # the swap did not happen: undo
                swap.remove_tree(staging)
            raise
        with contextlib.suppress(OSError):
            os.rmdir(staging)
        if cwd is not None:  # our own working directory was the replaced one
            with contextlib.suppress(OSError):
                os.chdir(dest / cwd)
    return changes + [ProjectChange(path, "kept", where) for path, where in restored]


def _replace(files: dict[str, bytes], dest: Path, staging: Path, spec_source: tuple[int, int] | None) -> list[ProjectChange]:
    fd = tree.open_dir(dest)
    try:
        old = os.fstat(fd)
        decided = carry.plan(fd, files, read_previous(fd, str(dest)), spec_source)
        carry.build(staging / "tree", fd, files, decided, stat.S_IMODE(old.st_mode))
    finally:
        os.close(fd)
    now = os.lstat(dest)
    if (now.st_dev, now.st_ino) != (old.st_dev, old.st_ino):
        raise GaevError(f"{dest} was replaced while GAEV was writing it; nothing was changed")
    journal = {"project": str(dest), "old": [old.st_dev, old.st_ino], "dropped": decided.dropped}
    old_tree = swap.swap_in(staging, dest, journal)
    restored = swap.clear_old_tree(old_tree, dest, decided.dropped)
    os.unlink(staging / swap.JOURNAL)
    return decided.changes + [ProjectChange(path, "kept", where) for path, where in restored]


def _cwd_inside(dest: Path) -> str | None:
    """Where this process's working directory is inside ``dest`` ('.' for dest itself)."""
    try:
        cwd, dest = Path(os.getcwd()), Path(os.path.realpath(dest))
    except OSError:
        return None
    if cwd == dest or dest in cwd.parents:
        return os.path.relpath(cwd, dest)
    return None
