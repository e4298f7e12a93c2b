"""The CLI's contract: exit codes, one-line errors, nothing half-written, and
`gaev validate` passing with every real tool on the example projects."""

from __future__ import annotations

import subprocess
import sys

import pytest

from gaev_tui import __version__
from gaev_tui.cli.main import main
from tests.toolcheck import need_tool


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0 and __version__ in capsys.readouterr().out


def test_bad_spec_exit_2_one_line_nothing_written(tmp_path, capsys):
    spec = tmp_path / "gaev.yaml"
    spec.write_text("name: vm1\nos: ubuntu-22.04\nprovider: virtualbox\nresources: {cpus: 99}\n")
    assert main(["generate", str(spec), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and f"{spec}:4: resources.cpus" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["gaev.yaml"]


def test_missing_spec_file(tmp_path, capsys):
    assert main(["generate", str(tmp_path / "nope.yaml")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_generate_refuses_then_forces(tmp_path, examples, capsys):
    out = tmp_path / "proj"
    assert main(["generate", str(examples[0]), "-o", str(out)]) == 0
    assert main(["generate", str(examples[0]), "-o", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["generate", str(examples[0]), "-o", str(out), "--force"]) == 0


def test_no_traceback_from_the_installed_command(tmp_path):
    spec = tmp_path / "s.yaml"
    spec.write_text("name: [oops\n")
    proc = subprocess.run([sys.executable, "-m", "gaev_tui", "generate", str(spec)], capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "starts on line 1" in proc.stderr


@pytest.mark.tools
@pytest.mark.parametrize("example", ["jupyterhub-vm.yaml", "debian12-libvirt.yaml", "r-windows11.yaml"])
def test_validate_passes_with_every_tool(example, examples, tmp_path, capsys):
    need_tool("ruby", "ansible-playbook", "ansible-lint")
    spec = next(p for p in examples if p.name == example)
    out = tmp_path / "proj"
    assert main(["generate", str(spec), "-o", str(out)]) == 0
    code = main(["validate", str(out)])
    report = capsys.readouterr().out
    assert code == 0, report
    assert "skipped" not in report and "ok      ansible-lint --profile production" in report


@pytest.mark.tools
def test_validate_reports_a_broken_project(examples, tmp_path, capsys):
    need_tool("ruby")
    out = tmp_path / "proj"
    assert main(["generate", str(examples[0]), "-o", str(out)]) == 0
    vagrantfile = out / "Vagrantfile"
    vagrantfile.write_text(vagrantfile.read_text() + "\nend end\n")
    assert main(["validate", str(out)]) == 1
    report = capsys.readouterr().out
    assert "FAILED  ruby -c Vagrantfile" in report and "FAILED  generated files match gaev.yaml" in report
