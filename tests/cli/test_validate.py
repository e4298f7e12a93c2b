"""`gaev validate` tells the truth: a check that did not run is named with why, never
counted as a pass, and `--strict` fails on it. Tools installed next to GAEV's own
interpreter (a venv that was never activated) are found, by validate and by Home."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gaev_tui import tools
from gaev_tui.cli.main import main
from tests.toolcheck import need_tool

ROOT = Path(__file__).resolve().parents[2]


def project(examples, tmp_path) -> Path:
    out = tmp_path / "proj"
    spec = next(p for p in examples if p.name == "debian12-libvirt.yaml")
    assert main(["generate", str(spec), "-o", str(out)]) == 0
    return out


def hide_tools(monkeypatch, tmp_path, keep: tuple[str, ...] = ()) -> None:
    """A PATH with only ``keep`` on it, and no interpreter directories to fall back on."""
    bin_dir = tmp_path / "only"
    bin_dir.mkdir()
    for name in keep:
        (bin_dir / name).symlink_to(shutil.which(name))
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setattr(tools, "interpreter_dirs", list)


@pytest.mark.tools
def test_skipped_checks_are_named_and_not_called_valid(examples, tmp_path, monkeypatch, capsys):
    need_tool("ruby")
    out = project(examples, tmp_path)
    capsys.readouterr()
    hide_tools(monkeypatch, tmp_path, keep=("ruby",))
    assert main(["validate", str(out)]) == 0
    report = capsys.readouterr().out
    assert "project is valid" not in report
    assert "gaev: 2 check(s) did not run:" in report
    assert "  - ansible-playbook --syntax-check: ansible-playbook not found; install Ansible" in report
    assert "  - ansible-lint --profile production: ansible-lint not found" in report
    assert "not fully validated" in report and "--strict" in report
    # --strict (what CI runs) turns the same situation into a failure.
    assert main(["validate", "--strict", str(out)]) == 1
    assert "(--strict: failing)" in capsys.readouterr().out


@pytest.mark.tools
def test_strict_passes_when_every_check_ran(examples, tmp_path, capsys):
    need_tool("ruby", "ansible-playbook", "ansible-lint")
    out = project(examples, tmp_path)
    assert main(["validate", "--strict", str(out)]) == 0
    report = capsys.readouterr().out
    ran = sum(line.startswith("ok ") for line in report.splitlines())
    assert ran >= 4 and "skipped" not in report and f"gaev: project is valid ({ran} checks passed)" in report


def test_which_looks_next_to_the_interpreter(tmp_path, monkeypatch):
    venv_bin = tmp_path / "venv" / "bin"
    venv_bin.mkdir(parents=True)
    tool = venv_bin / "ansible-playbook"
    tool.write_text("#!/bin/sh\n")
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(sys, "executable", str(venv_bin / "python"))
    assert tools.which("ansible-playbook") == str(tool)
    # What GAEV runs finds it too (ansible-lint runs ansible-playbook by name).
    assert str(venv_bin) in tools.quiet_env()["PATH"].split(os.pathsep)
    assert tools.which("no-such-tool-gaev") is None


def make_venv(tmp_path: Path) -> Path:
    """A real venv (sharing this Python's packages) with Ansible's entry points in its
    bin, as 'pip install ansible' writes them: shebang on the venv's python."""
    ansible = need_tool("ansible-playbook", "ansible-lint")["ansible-playbook"]
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(venv)], check=True)
    python = venv / "bin" / "python"
    real_bin = Path(subprocess.run([ansible, "--version"], capture_output=True, text=True).stdout.partition(
        "executable location = ")[2].splitlines()[0]).parent
    for script in real_bin.glob("ansible*"):
        lines = script.read_text().splitlines(keepends=True)
        if lines and lines[0].startswith("#!") and "python" in lines[0]:
            target = venv / "bin" / script.name
            target.write_text(f"#!{python}\n" + "".join(lines[1:]))
            target.chmod(0o755)
    assert (venv / "bin" / "ansible-playbook").exists(), f"no Python entry point for Ansible in {real_bin}"
    return python


@pytest.mark.tools
def test_ansible_in_an_unactivated_venv_is_used(examples, tmp_path):
    need_tool("ruby")
    python = make_venv(tmp_path)
    out = project(examples, tmp_path)
    # PATH has ruby (in /usr/bin) but no Ansible: only the venv has it.
    env = {**os.environ, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)}
    assert shutil.which("ansible-playbook", path=env["PATH"]) is None
    proc = subprocess.run([str(python), "-m", "gaev_tui", "validate", "--strict", str(out)],
                          capture_output=True, text=True, env=env, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ok      ansible-playbook --syntax-check" in proc.stdout
    assert "ok      ansible-lint --profile production" in proc.stdout
    # Home's tool list (hostfacts.probe_host -> tools.version) looks it up the same way.
    # (Its 30 s version probe is not asserted: a loaded machine would make that a timing test.)
    home = subprocess.run([str(python), "-c", "from gaev_tui import hostfacts, tools; "
                           "print(tools.which('ansible-playbook'), 'ansible-playbook' in hostfacts.HOME_TOOLS)"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert home.stdout.split() == [str(python.parent / "ansible-playbook"), "True"], home.stdout + home.stderr
