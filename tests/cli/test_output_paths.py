"""Output paths GAEV cannot or must not write to are one message and exit 2, never a
traceback; `-o .` writes into the (empty) current directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from gaev_tui.cli.main import main
from tests.ordinary import as_ordinary_user

SPEC = "name: p\nos: debian-12\nprovider: libvirt\n"


@pytest.fixture
def spec(tmp_path) -> Path:
    path = tmp_path / "gaev.yaml"
    path.write_text(SPEC)
    return path


def refused(capsys, args: list[str], words: str) -> str:
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Traceback" not in err and words in err, err
    return err


def test_under_a_file(spec, tmp_path, capsys):
    (tmp_path / "afile").write_text("x")
    refused(capsys, ["generate", str(spec), "-o", str(tmp_path / "afile" / "p")], "a parent of this path is a file")
    assert (tmp_path / "afile").read_text() == "x"


def test_a_file_in_place_of_the_directory(spec, tmp_path, capsys):
    (tmp_path / "p").write_text("x")
    refused(capsys, ["generate", str(spec), "-o", str(tmp_path / "p"), "--force"], "exists and is not a directory")


@pytest.mark.parametrize("place", ["/proc/gaev-test/p", "/proc/self/gaev-test", "/sys/gaev-test"])
def test_under_proc_and_sys(spec, capsys, place):
    refused(capsys, ["generate", str(spec), "-o", place], f"{place}: cannot write the project")


def test_read_only_parent(spec, tmp_path):
    parent = tmp_path / "ro"
    parent.mkdir()
    parent.chmod(0o555)
    try:
        result = as_ordinary_user(["generate", str(spec), "-o", str(parent / "p")], tmp_path)
        err = result.stderr.strip()
        assert result.returncode == 2 and err.count("\n") == 0 and "Traceback" not in err, err
        assert f"{parent / 'p'}: cannot write the project: Permission denied (in {parent})" in err
        assert list(parent.iterdir()) == []
    finally:
        parent.chmod(0o755)


def test_unreadable_directory_in_the_project_is_named(spec, tmp_path):
    project = tmp_path / "p"
    assert main(["generate", str(spec), "-o", str(project)]) == 0
    (project / "locked").mkdir(mode=0o000)
    try:
        result = as_ordinary_user(["generate", str(spec), "-o", str(project), "--force"], tmp_path)
        assert result.returncode == 2 and result.stderr.strip().endswith("Permission denied: locked"), result.stderr
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(".p.")]
    finally:
        (project / "locked").chmod(0o755)


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_symlink_to_an_empty_directory(spec, tmp_path, capsys, force):
    (tmp_path / "empty").mkdir()
    (tmp_path / "link").symlink_to("empty")
    refused(capsys, ["generate", str(spec), "-o", str(tmp_path / "link"), *force], "is a symbolic link")
    assert list((tmp_path / "empty").iterdir()) == [] and (tmp_path / "link").is_symlink()


def test_dot_in_an_empty_directory(spec, tmp_path, monkeypatch, capsys):
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    assert main(["generate", str(spec), "-o", "."]) == 0
    captured = capsys.readouterr()
    assert "cd ." in captured.err  # the shell still sits in the directory that was replaced
    assert (here / "Vagrantfile").is_file() and Path.cwd() == here and Path("Vagrantfile").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gaev.yaml", "here"]
    refused(capsys, ["generate", str(spec), "-o", "."], "use --force")
    assert main(["generate", str(spec), "-o", ".", "--force"]) == 0  # and again, from inside it
    assert Path("Vagrantfile").is_file()


def test_the_root_directory(spec, capsys):
    refused(capsys, ["generate", str(spec), "-o", "/"], "cannot be the root directory")
