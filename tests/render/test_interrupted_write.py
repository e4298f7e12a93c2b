"""kill -9 at any moment of a write leaves the old project or the new one, never a mix,
and nothing that the next write does not clean up (no .tmp file, no staging directory)."""

from __future__ import annotations

import ctypes
import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest

from gaev_tui.catalog import load_catalog
from gaev_tui.envspec import parse_spec_text
from gaev_tui.errors import InputError
from gaev_tui.render import plan_changes, render_project, swap, tree, write_project

ROOT = Path(__file__).resolve().parents[2]
OLD = "name: p\nos: debian-12\nprovider: libvirt\nhostname: old\n"
NEW = "name: p\nos: debian-12\nprovider: libvirt\napps: [docker]\nresources: {memory_mb: 2048}\n"
ROUNDS = 20

# The child renders first, says so, and writes only when told: the kill lands in the write.
# A third argument forces the two-rename swap of systems without an atomic exchange (the
# platform probe says none), "between" also stops it after the first rename, and says so.
CHILD = """
import os, sys, time
from pathlib import Path
from gaev_tui.catalog import load_catalog
from gaev_tui.envspec import parse_spec_text
from gaev_tui.render import render_project, swap, write_project
if sys.argv[3:]:
    swap.atomic_exchange = lambda platform="win32": None
if sys.argv[3:] == ["between"]:
    real_rename = os.rename
    def rename(src, dst, *args, **kwargs):
        real_rename(src, dst, *args, **kwargs)
        if Path(dst).name == "old":
            print("between", flush=True)
            time.sleep(600)
    os.rename = rename
catalog = load_catalog()
files = render_project(parse_spec_text(Path(sys.argv[1]).read_text(), catalog), catalog)
print("ready", flush=True)
sys.stdin.readline()
write_project(files, Path(sys.argv[2]), force=True)
print("done", flush=True)
"""


def render(text: str) -> dict[str, bytes]:
    catalog = load_catalog()
    return render_project(parse_spec_text(text, catalog), catalog)


def user_files(dest: Path) -> dict[str, bytes]:
    """What the user keeps in the project: many files, so a write takes a while."""
    files = {f"data/sample-{i:03}.csv": f"{i},{i * i}\n".encode() for i in range(300)}
    files[".vagrant/machines/default/libvirt/id"] = b"3f1c"
    files["notes.txt"] = b"mine"
    return files


def gaev_state(dest: Path, renderings: list[dict[str, bytes]]) -> dict[str, bytes]:
    paths = {path for files in renderings for path in files}
    return {path: (dest / path).read_bytes() for path in paths if (dest / path).is_file()}


def debris(dest: Path) -> list[str]:
    found = [p.name for p in dest.parent.iterdir() if p.name.startswith(f".{dest.name}.")]
    found += [str(p) for p in dest.rglob("*") if p.name.endswith(".tmp") or ".gaev-saved" in p.name]
    return found


def start_and_kill(spec: Path, dest: Path, delay: float, *mode: str) -> tuple[float, bool]:
    """Run one write, killed after ``delay`` seconds (never when negative; as soon as it
    says so with mode "between"); returns how long it ran and whether the kill landed
    before it finished. ``mode``: see CHILD."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(spec), str(dest), *mode], env=env, text=True,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert child.stdout.readline() == "ready\n"
    started = time.monotonic()
    child.stdin.write("go\n")
    child.stdin.flush()
    if mode == ("between",):
        assert child.stdout.readline() == "between\n"
        child.send_signal(signal.SIGKILL)
        took = time.monotonic() - started
    elif delay < 0:
        assert child.stdout.readline() == "done\n"
        took = time.monotonic() - started
    else:
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        took = delay
    code = child.wait(timeout=60)
    return took, code == -signal.SIGKILL


@pytest.mark.parametrize("swap_kind", [(), ("two-renames",)], ids=["exchange", "two-renames"])
def test_kill_during_force_leaves_old_or_new_and_no_debris(tmp_path, swap_kind):
    """Without an atomic exchange (forced), a kill between the two renames leaves no
    project at all for a moment: the next write puts the old one back first."""
    dest = tmp_path / "p"
    specs = {name: tmp_path / f"{name}.yaml" for name in ("old", "new")}
    specs["old"].write_text(OLD)
    specs["new"].write_text(NEW)
    renderings = {"old": render(OLD), "new": render(NEW)}
    write_project(renderings["old"], dest)
    for path, data in user_files(dest).items():
        (dest / path).parent.mkdir(parents=True, exist_ok=True)
        (dest / path).write_bytes(data)
    # How long one uninterrupted write takes here: kills are spread over that span.
    span, _ = start_and_kill(specs["new"], dest, -1, *swap_kind)
    write_project(renderings["old"], dest, force=True)
    rng = random.Random(11)
    seen = {"before the swap": 0, "after the swap": 0, "too late": 0, "between the renames": 0}
    current = "old"
    for _ in range(ROUNDS):
        target = "new" if current == "old" else "old"
        _, killed = start_and_kill(specs[target], dest, rng.uniform(0, span * 1.1), *swap_kind)
        between = bool(swap_kind) and not dest.exists()
        if between:
            with swap.parent_locked(tmp_path):
                swap.recover(dest)  # what the next write does first
        state = gaev_state(dest, list(renderings.values()))
        outcome = next((name for name, files in renderings.items() if state == files), None)
        assert outcome in (current, target), f"a mixed project: {sorted(set(state) ^ set(renderings[target]))[:5]}"
        assert all((dest / p).read_bytes() == data for p, data in user_files(dest).items())
        assert not between or outcome == current  # the old project, whole again
        seen["too late" if not killed else "between the renames" if between
             else "before the swap" if outcome == current else "after the swap"] += 1
        write_project(renderings[target], dest, force=True)  # the next run finishes the job
        assert gaev_state(dest, list(renderings.values())) == renderings[target]
        assert debris(dest) == []
        current = target
    print(f"{swap_kind or 'exchange'}: write of {span:.3f}s; kill -9 landed: {seen}")


def test_kill_9_between_the_two_renames_is_undone_by_the_next_generate(tmp_path):
    """The one moment the two-rename swap leaves no project: a real kill -9 there, then a
    real ``gaev generate --force`` puts the old project back before writing the new one."""
    dest = tmp_path / "p"
    old, new = render(OLD), render(NEW)
    write_project(old, dest)
    for path, data in user_files(dest).items():
        (dest / path).parent.mkdir(parents=True, exist_ok=True)
        (dest / path).write_bytes(data)
    spec = tmp_path / "new.yaml"
    spec.write_text(NEW)
    _, killed = start_and_kill(spec, dest, 0, "between")
    assert killed and not dest.exists()
    [staging] = [p for p in tmp_path.iterdir() if p.name.startswith(".p.gaev-")]
    assert sorted(p.name for p in staging.iterdir()) == [swap.JOURNAL, "old", "tree"]
    with swap.parent_locked(tmp_path):
        swap.recover(dest)
    assert gaev_state(dest, [old, new]) == old and debris(dest) == []
    assert all((dest / p).read_bytes() == data for p, data in user_files(dest).items())
    start_and_kill(spec, dest, 0, "between")  # again; this time the CLI finishes it
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "gaev_tui", "generate", str(spec), "-o", str(dest), "--force"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert gaev_state(dest, [old, new]) == new and debris(dest) == []
    assert all((dest / p).read_bytes() == data for p, data in user_files(dest).items())


def swap_two(tmp_path: Path, call) -> tuple[str, str]:
    """Swap directories a/ and b/ with ``call``; what each holds after."""
    for name in "ab":
        (tmp_path / name).mkdir()
        (tmp_path / name / "was").write_text(name)
    assert call(os.fsencode(tmp_path / "a"), os.fsencode(tmp_path / "b")) == 0
    return (tmp_path / "a" / "was").read_text(), (tmp_path / "b" / "was").read_text()


def test_the_platform_probe_names_each_systems_exchange(tmp_path, monkeypatch):
    assert swap_two(tmp_path, swap.atomic_exchange("linux")) == ("b", "a")  # the real renameat2
    for other in ("win32", "cygwin", "freebsd14", "openbsd7", "sunos5"):
        assert swap.atomic_exchange(other) is None  # two renames there
    # macOS: renamex_np(from, to, RENAME_SWAP). No macOS here: a C library whose
    # renamex_np checks the call and does it with Linux's exchange.
    seen = []
    real = ctypes.CDLL(None, use_errno=True).renameat2

    def renamex_np(a, b, flags):
        seen.append((renamex_np.argtypes, flags))
        return real(-100, a, -100, b, 2)

    mac_libc = types.SimpleNamespace(renamex_np=renamex_np)  # and no renameat2
    monkeypatch.setattr(ctypes, "CDLL", lambda *args, **kwargs: mac_libc)
    (tmp_path / "mac").mkdir()
    assert swap_two(tmp_path / "mac", swap.atomic_exchange("darwin")) == ("b", "a")
    assert seen == [([ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint], 2)]


def test_a_system_without_an_exchange_gets_the_two_renames(tmp_path, monkeypatch):
    dest = tmp_path / "p"
    old, new = render(OLD), render(NEW)
    write_project(old, dest)
    monkeypatch.setattr(swap, "atomic_exchange", lambda platform="win32": None)
    renames = []
    real_rename = os.rename
    monkeypatch.setattr(os, "rename", lambda src, dst, **kw: renames.append(Path(dst).name) or real_rename(src, dst, **kw))
    write_project(new, dest, force=True)
    assert renames == ["old", "p"] and gaev_state(dest, [old, new]) == new and debris(dest) == []


def test_a_failed_first_rename_leaves_the_project_and_no_staging(tmp_path, monkeypatch):
    """Windows refuses to rename a directory a process sits in: the old project stays."""
    dest = tmp_path / "p"
    old, new = render(OLD), render(NEW)
    write_project(old, dest)
    monkeypatch.setattr(swap, "atomic_exchange", lambda platform="win32": None)

    def busy(src, dst, **kw):
        raise PermissionError(13, "The process cannot access the file because it is being used by another process",
                              str(src))

    monkeypatch.setattr(os, "rename", busy)
    with pytest.raises(InputError, match="cannot write the project: The process cannot access"):
        write_project(new, dest, force=True)
    assert gaev_state(dest, [old, new]) == old and debris(dest) == []


def test_without_descriptor_relative_calls_an_update_is_refused_naming_the_system(tmp_path, monkeypatch):
    dest = tmp_path / "p"
    old, new = render(OLD), render(NEW)
    write_project(old, dest)
    monkeypatch.setattr(tree, "DESCRIPTOR_RELATIVE", False)  # as on Windows
    monkeypatch.setattr(platform, "system", lambda: "Windows")
    before = {p: p.read_bytes() for p in dest.rglob("*") if p.is_file()}
    for attempt in (lambda: write_project(new, dest, force=True), lambda: plan_changes(new, dest)):
        with pytest.raises(InputError, match="updating an existing project is not possible on Windows"):
            attempt()
    assert {p: p.read_bytes() for p in dest.rglob("*") if p.is_file()} == before and debris(dest) == []
    write_project(new, tmp_path / "fresh")  # a new directory needs none of them
    assert gaev_state(tmp_path / "fresh", [new]) == new


def test_kill_during_a_fresh_write_leaves_nothing_or_everything(tmp_path):
    spec = tmp_path / "new.yaml"
    spec.write_text(NEW)
    files = render(NEW)
    dest = tmp_path / "p"
    span, _ = start_and_kill(spec, dest, -1)
    rng = random.Random(7)
    for _ in range(ROUNDS // 2):
        shutil.rmtree(dest, ignore_errors=True)
        start_and_kill(spec, dest, rng.uniform(0, span * 1.1))
        assert not dest.exists() or gaev_state(dest, [files]) == files
        write_project(files, dest, force=True)
        assert gaev_state(dest, [files]) == files and debris(dest) == []


class Crash(BaseException):
    """Stands for kill -9 at one exact point (BaseException: nothing may catch it)."""


def test_crash_right_after_the_swap_is_finished_by_the_next_write(tmp_path, monkeypatch):
    dest = tmp_path / "p"
    old, new = render(OLD), render(NEW)
    write_project(old, dest)
    (dest / "notes.txt").write_text("mine")

    def crash(*_args):
        raise Crash

    with monkeypatch.context() as patch:
        patch.setattr(swap, "clear_old_tree", crash)
        with pytest.raises(Crash):
            write_project(new, dest, force=True)
    assert gaev_state(dest, [old, new]) == new and (dest / "notes.txt").read_text() == "mine"
    [staging] = [p for p in tmp_path.iterdir() if p.name.startswith(".p.gaev-")]
    (staging / "tree" / "late.txt").write_text("written into the old tree just before the swap")
    write_project(new, dest, force=True)
    assert (dest / "late.txt").read_text().startswith("written into")  # given back, not deleted
    assert debris(dest) == [] and gaev_state(dest, [old, new]) == new


def test_without_an_atomic_exchange_a_crash_between_the_renames_restores_the_old_project(tmp_path, monkeypatch):
    dest = tmp_path / "p"
    old, new = render(OLD), render(NEW)
    write_project(old, dest)
    monkeypatch.setattr(swap, "exchange", lambda a, b: False)
    write_project(new, dest, force=True)  # the two-rename path works
    assert gaev_state(dest, [old, new]) == new and debris(dest) == []
    real_rename, calls = os.rename, []

    def rename(src, dst, *args, **kwargs):
        calls.append(dst)
        if len(calls) == 2:
            raise Crash
        return real_rename(src, dst, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(os, "rename", rename)
        with pytest.raises(Crash):
            write_project(old, dest, force=True)
    assert not dest.exists()  # the one moment without a project, which the next write repairs
    write_project(old, dest, force=True)
    assert gaev_state(dest, [old, new]) == old and debris(dest) == []


def test_concurrent_writers_are_serialised(tmp_path):
    dest = tmp_path / "p"
    specs = [tmp_path / "old.yaml", tmp_path / "new.yaml"]
    specs[0].write_text(OLD)
    specs[1].write_text(NEW)
    renderings = [render(OLD), render(NEW)]
    write_project(renderings[0], dest)
    (dest / "notes.txt").write_text("mine")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    children = [subprocess.Popen([sys.executable, "-c", CHILD, str(specs[i % 2]), str(dest)], env=env, text=True,
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE) for i in range(4)]
    for child in children:
        assert child.stdout.readline() == "ready\n"
    for child in children:
        child.stdin.write("go\n")
        child.stdin.flush()
    assert [child.wait(timeout=120) for child in children] == [0, 0, 0, 0]
    assert gaev_state(dest, renderings) in renderings
    assert (dest / "notes.txt").read_text() == "mine" and debris(dest) == []


def test_a_write_cleans_what_crashed_writes_left_for_sibling_projects(tmp_path, monkeypatch):
    files = render(NEW)
    real_replace = os.replace

    def crash_on_project(src, dst, *args, **kwargs):
        if Path(dst).name == "sibling":
            raise Crash
        return real_replace(src, dst, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", crash_on_project)
        patch.setattr(shutil, "rmtree", lambda *a, **k: None)  # a killed process cleans nothing
        with pytest.raises(Crash):
            write_project(files, tmp_path / "sibling")
    assert [p.name[:14] for p in tmp_path.iterdir()] == [".sibling.gaev-"]
    write_project(files, tmp_path / "other")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other"]
