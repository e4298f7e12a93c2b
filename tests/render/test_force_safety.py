"""`gaev generate --force` never touches anything outside the project, whatever its lock
or its symlinks say, and never loses a file of the user's: forged locks, symlinked
directories, hand-edited files, a directory that was never a GAEV project."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from gaev_tui.catalog import load_catalog
from gaev_tui.cli.main import main
from gaev_tui.envspec import parse_spec_text
from gaev_tui.errors import InputError
from gaev_tui.render import plan_changes, render_project, tree, write_project
from tests.ordinary import as_ordinary_user

SPEC = "name: p\nos: debian-12\nprovider: libvirt\n"
WITH_HOST = SPEC + "hostname: h1\n"  # adds the vm role: files that go away again without it


def render(text: str = SPEC) -> dict[str, bytes]:
    catalog = load_catalog()
    return render_project(parse_spec_text(text, catalog), catalog)


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Every entry under ``root``: file bytes, symlink targets, 'dir' for directories."""
    result: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            result[rel] = "-> " + os.readlink(path)
        elif path.is_dir():
            result[rel] = "dir"
        else:
            result[rel] = path.read_bytes()
    return result


@pytest.fixture
def outside(tmp_path) -> Path:
    """Files beside the project that no write may change."""
    place = tmp_path / "outside"
    (place / "sub").mkdir(parents=True)
    (place / "victim.txt").write_text("precious")
    (place / "sub" / "cleanup.sh").write_text("not GAEV's")
    return place


@pytest.fixture
def project(tmp_path) -> Path:
    dest = tmp_path / "p"
    write_project(render(), dest)
    return dest


def forge_lock(project: Path, **changes) -> None:
    lock = json.loads((project / "gaev.lock.json").read_text())
    lock.update(changes)
    (project / "gaev.lock.json").write_text(json.dumps(lock))


@pytest.mark.parametrize("entry", ["../outside/victim.txt", "{outside}/victim.txt", "./Vagrantfile",
                                   "scripts/../../outside/victim.txt", "a//b", "", "C:/x", "back\\slash", "new\nline"])
def test_forged_lock_paths_are_refused_and_nothing_is_touched(project, outside, entry, capsys):
    entry = entry.format(outside=outside)
    lock = json.loads((project / "gaev.lock.json").read_text())
    forge_lock(project, files=[*lock["files"], entry], sha256={**lock["sha256"], entry: "0" * 64})
    before, around = snapshot(project), snapshot(outside)
    spec = project.parent / "spec.yaml"
    spec.write_text(WITH_HOST)
    assert main(["generate", str(spec), "-o", str(project), "--force"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "gaev.lock.json: files[" in err and "not written by GAEV" in err
    assert snapshot(project) == before and snapshot(outside) == around


@pytest.mark.parametrize("lock", ["[" * 200_000, '{"files": "Vagrantfile"}', '{"files": [1, 2]}', '{"sha256": {"Vagrantfile": 5}}',
                                  "[]", "not json", '{"files": [], "sha256": {"x": "' + "a" * 64 + '"}}'])
def test_malformed_locks_are_one_message(project, lock):
    (project / "gaev.lock.json").write_text(lock)
    before = snapshot(project)
    with pytest.raises(InputError, match=r"gaev\.lock\.json"):
        write_project(render(WITH_HOST), project, force=True)
    assert snapshot(project) == before


def test_a_lock_that_is_a_symlink_or_a_directory_is_refused(project, outside):
    (project / "gaev.lock.json").unlink()
    (project / "gaev.lock.json").symlink_to(outside / "victim.txt")
    with pytest.raises(InputError, match=r"gaev\.lock\.json"):
        write_project(render(), project, force=True)
    (project / "gaev.lock.json").unlink()
    (project / "gaev.lock.json").mkdir()
    with pytest.raises(InputError, match=r"gaev\.lock\.json"):
        write_project(render(), project, force=True)
    assert (outside / "victim.txt").read_text() == "precious"


def test_a_lock_entry_that_is_a_directory_is_kept_not_a_traceback(project):
    (project / "notes").mkdir()
    (project / "notes" / "mine.txt").write_text("mine")
    lock = json.loads((project / "gaev.lock.json").read_text())
    forge_lock(project, files=[*lock["files"], "notes"], sha256={**lock["sha256"], "notes": "0" * 64})
    write_project(render(), project, force=True)
    assert (project / "notes" / "mine.txt").read_text() == "mine"


def test_symlinked_scripts_directory_is_never_written_through(project, outside):
    shutil.rmtree(project / "scripts")  # every script GAEV wrote there (cleanup, install-ansible...)
    (project / "scripts").symlink_to(outside / "sub")
    around = snapshot(outside)
    changes = write_project(render(), project, force=True)
    assert snapshot(outside) == around
    assert (project / "scripts").is_dir() and not (project / "scripts").is_symlink()
    assert (project / "scripts" / "cleanup.sh").read_bytes() == render()["scripts/cleanup.sh"]
    assert os.readlink(project / "scripts.gaev-saved") == str(outside / "sub")
    assert any(c.status == "kept" and c.kept_as == "scripts.gaev-saved" for c in changes)


def test_symlinked_files_are_never_read_or_written_through(project, outside):
    (project / "Vagrantfile").unlink()
    (project / "Vagrantfile").symlink_to(outside / "victim.txt")
    forge_lock(project, sha256={**json.loads((project / "gaev.lock.json").read_text())["sha256"],
                                "Vagrantfile": hashlib.sha256(b"precious").hexdigest()})
    write_project(render(), project, force=True)
    assert (outside / "victim.txt").read_text() == "precious"
    assert not (project / "Vagrantfile").is_symlink()
    assert (project / "Vagrantfile.gaev-saved").is_symlink()


def test_symlinked_subdirectory_deep_in_the_project(project, outside):
    roles = project / "ansible" / "roles"
    real = roles / "manifest"
    os.rename(real, project / "manifest-moved")
    real.symlink_to(outside)
    around = snapshot(outside)
    write_project(render(), project, force=True)
    assert snapshot(outside) == around
    assert (roles / "manifest").is_dir() and not (roles / "manifest").is_symlink()
    assert (roles / "manifest.gaev-saved").is_symlink()


def test_only_recognised_files_are_removed(tmp_path):
    dest = tmp_path / "p"
    write_project(render(WITH_HOST), dest)
    role = dest / "ansible" / "roles" / "vm"
    (role / "tasks" / "main.yml").write_text("# my own tasks\n")  # the user edited one file of the role
    changes = {c.path: c for c in write_project(render(), dest, force=True)}
    assert changes["ansible/roles/vm/defaults/main.yml"].status == "removed"
    assert not (role / "defaults").exists()
    assert (role / "tasks" / "main.yml").read_text() == "# my own tasks\n"  # kept: GAEV no longer writes it
    assert all(c.status == "unchanged" for c in plan_changes(render(), dest) if c.path != "ansible/roles/vm/tasks/main.yml")


def test_hand_edited_generated_file_is_kept_aside(project, capsys):
    (project / "Vagrantfile").write_text("# edited by hand\n")
    spec = project.parent / "spec.yaml"
    spec.write_text(WITH_HOST)
    assert main(["generate", str(spec), "-o", str(project), "--force"]) == 0
    assert (project / "Vagrantfile.gaev-saved").read_text() == "# edited by hand\n"
    assert (project / "Vagrantfile").read_bytes() == render(WITH_HOST)["Vagrantfile"]
    assert "kept Vagrantfile as Vagrantfile.gaev-saved" in capsys.readouterr().err


def test_the_projects_own_spec_is_consumed_not_kept(project):
    (project / "gaev.yaml").write_text(WITH_HOST + "# my comment\n")
    main(["generate", str(project / "gaev.yaml"), "-o", str(project), "--force"])
    assert not (project / "gaev.yaml.gaev-saved").exists()
    assert b"hostname: h1" in (project / "gaev.yaml").read_bytes()


def test_force_on_a_directory_without_a_lock_keeps_the_users_files(tmp_path):
    dest = tmp_path / "mine"
    (dest / "scripts").mkdir(parents=True)
    (dest / "README.md").write_text("my readme")
    (dest / "scripts" / "cleanup.sh").write_text("my script")
    (dest / "data").mkdir()
    changes = write_project(render(), dest, force=True)
    assert (dest / "README.md.gaev-saved").read_text() == "my readme"
    assert (dest / "scripts" / "cleanup.sh.gaev-saved").read_text() == "my script"
    assert (dest / "data").is_dir()  # an empty directory of the user's survives
    assert {c.kept_as for c in changes if c.status == "kept"} == {"README.md.gaev-saved", "scripts/cleanup.sh.gaev-saved"}


def test_users_files_keep_their_identity(project):
    machine = project / ".vagrant" / "machines" / "default" / "libvirt"
    machine.mkdir(parents=True)
    (machine / "id").write_text("uuid")
    (project / "data.csv").write_text("1,2\n")
    (project / "link").symlink_to("data.csv")
    inodes = {p: (project / p).lstat().st_ino for p in (".vagrant/machines/default/libvirt/id", "data.csv", "link")}
    write_project(render(WITH_HOST), project, force=True)
    assert {p: (project / p).lstat().st_ino for p in inodes} == inodes  # the same files, not copies
    assert not [p for p in project.parent.iterdir() if p.name.startswith(".p.")]


@pytest.mark.parametrize("existing", ["Vagrantfile.gaev-saved", "Vagrantfile.gaev-saved.2"])
def test_saved_names_never_overwrite(project, existing):
    (project / "Vagrantfile.gaev-saved").write_text("first")
    (project / "Vagrantfile.gaev-saved.2").write_text("second")
    (project / "Vagrantfile").write_text("third")
    write_project(render(), project, force=True)
    assert [(project / n).read_text() for n in ("Vagrantfile.gaev-saved", "Vagrantfile.gaev-saved.2", "Vagrantfile.gaev-saved.3")] == ["first", "second", "third"]


def test_a_fifo_in_place_of_a_generated_file_is_kept_without_blocking(project):
    (project / "README.md").unlink()
    os.mkfifo(project / "README.md")
    assert any(c.status == "kept" for c in plan_changes(render(), project))
    write_project(render(), project, force=True)  # a blocking open would hang here
    assert (project / "README.md").read_bytes() == render()["README.md"]
    assert (project / "README.md.gaev-saved").is_fifo()


def test_planning_looks_only_where_gaev_writes(project, monkeypatch):
    (project / "data" / "deep").mkdir(parents=True)
    (project / "data" / "deep" / "x.csv").write_text("1")
    seen: list[str] = []
    real_walk = tree.walk

    def spy(root_fd, descend=None):
        entries = real_walk(root_fd, descend)
        seen.extend(entry.rel for entry in entries)
        return entries

    monkeypatch.setattr(tree, "walk", spy)
    plan_changes(render(), project)
    assert "data" in seen and "data/deep" not in seen


def test_read_only_directories_of_the_user_keep_their_mode_and_leave_no_debris(project):
    data = project / "data"
    data.mkdir()
    (data / "x.csv").write_text("1")
    data.chmod(0o555)
    spec = project.parent / "spec.yaml"
    spec.write_text(WITH_HOST)
    try:
        result = as_ordinary_user(["generate", str(spec), "-o", str(project), "--force"], project.parent)
        assert result.returncode == 0, result.stderr
        assert (data / "x.csv").read_text() == "1" and (data.stat().st_mode & 0o777) == 0o555
        assert not [p for p in project.parent.iterdir() if p.name.startswith(".p.")]
    finally:
        data.chmod(0o755)


def test_a_lock_claiming_the_users_files_removes_none_of_them(project):
    (project / "data").mkdir()
    (project / "data" / "empty.csv").write_text("")  # predictable content: sha256 of nothing
    (project / ".vagrant").mkdir()
    (project / ".vagrant" / "id").write_text("x")
    lock = json.loads((project / "gaev.lock.json").read_text())
    claims = {"data/empty.csv": hashlib.sha256(b"").hexdigest(), ".vagrant/id": hashlib.sha256(b"x").hexdigest()}
    forge_lock(project, files=[*lock["files"], *claims], sha256={**lock["sha256"], **claims})
    changes = write_project(render(), project, force=True)
    assert (project / "data" / "empty.csv").exists() and (project / ".vagrant" / "id").read_text() == "x"
    assert not [c for c in changes if c.status == "removed"]
