"""``gaev ci gitlab|github``: the files validate against the CI services' published
schemas (check-jsonschema's vendored GitLab CI and GitHub workflow schemas), the shell
they run passes ``sh -n`` and shellcheck, one job set per project, no secret in the file,
and a hostile directory name is refused rather than written into shell."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.toolcheck import need_tool

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def gaev(*args, cwd=None, env=None):
    return subprocess.run([sys.executable, "-m", "gaev_tui", *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}, stdin=subprocess.DEVNULL,
                          timeout=300)


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """A lab's repository: its Linux R VM and its Windows R VM, side by side."""
    root = tmp_path_factory.mktemp("repo")
    for spec, name in (("debian12-libvirt.yaml", "linux-r"), ("r-windows11.yaml", "windows-r")):
        assert gaev("generate", str(EXAMPLES / spec), "-o", str(root / name)).returncode == 0
    return root


def scripts(doc: dict, kind: str) -> list[str]:
    if kind == "gitlab":
        jobs = [v for k, v in doc.items() if isinstance(v, dict) and "script" in v]
        return [line for job in jobs for line in doc["default"]["before_script"] + job["script"]]
    return [step["run"] for job in doc["jobs"].values() for step in job["steps"] if "run" in step]


@pytest.mark.parametrize("kind, schema, path", [("gitlab", "vendor.gitlab-ci", ".gitlab-ci.yml"),
                                                ("github", "vendor.github-workflows", ".github/workflows/gaev.yml")])
@pytest.mark.parametrize("registry", [None, "s3://lab-boxes/registry"])
def test_pipelines_validate_and_their_shell_parses(repo, tmp_path, kind, schema, path, registry):
    check = need_tool("check-jsonschema")["check-jsonschema"]
    out = tmp_path / Path(path).name
    done = gaev("ci", kind, str(repo), "-o", str(out), *(["--registry", registry] if registry else []),
                env={"GAEV_WINDOWS_ADMIN_PASSWORD": "s3cr3t-Pa55", "AWS_SECRET_ACCESS_KEY": "aws-s3cr3t"})
    assert done.returncode == 0, done.stderr
    assert "2 project(s)" in done.stdout
    subprocess.run([check, "--builtin-schema", schema, str(out)], check=True, capture_output=True)
    text = out.read_text()
    assert "s3cr3t-Pa55" not in text and "aws-s3cr3t" not in text  # secrets stay CI variables
    doc = yaml.safe_load(text)
    shellcheck = need_tool("shellcheck")["shellcheck"]
    for script in scripts(doc, kind):
        assert subprocess.run(["sh", "-n"], input=script, text=True).returncode == 0, script
        # $-expressions GitHub expands before the shell runs are not shell: none in run lines.
        assert "${{" not in script
        done = subprocess.run([shellcheck, "-s", "sh", "-"], input=script, text=True, capture_output=True)
        assert done.returncode == 0, done.stdout + script
    if kind == "gitlab":
        assert {k for k in doc if k.startswith("build:")} == {"build:linux-r", "build:windows-r"}
        assert doc["build:linux-r"]["tags"] == ["gaev", "libvirt"]
        assert doc["build:windows-r"]["tags"] == ["gaev", "virtualbox"]
        assert doc["build:linux-r"]["artifacts"]["reports"]["junit"] == "linux-r/builds/junit.xml"
        assert doc["build:linux-r"]["cache"]["paths"] == [".vagrant.d/boxes/"]
        kept = doc["build:linux-r"]["artifacts"]["paths"]
        assert ("linux-r/builds/*.box" in kept) == (registry is None)
        assert doc["variables"]["GAEV_REGISTRY"] == (registry or "")
    else:
        assert doc["jobs"]["build-windows-r"]["runs-on"] == ["self-hosted", "gaev", "virtualbox"]
        assert doc["env"]["GAEV_WINDOWS_ADMIN_PASSWORD"] == "${{ secrets.GAEV_WINDOWS_ADMIN_PASSWORD }}"
        names = [s.get("name") for s in doc["jobs"]["build-linux-r"]["steps"]]
        assert ("Keep the box" in names) == (registry is None)


def test_a_single_project_is_its_own_repository(repo, tmp_path):
    check = need_tool("check-jsonschema")["check-jsonschema"]
    done = gaev("ci", "gitlab", str(repo / "linux-r"))
    assert done.returncode == 0, done.stderr
    written = repo / "linux-r" / ".gitlab-ci.yml"
    subprocess.run([check, "--builtin-schema", "vendor.gitlab-ci", str(written)], check=True, capture_output=True)
    doc = yaml.safe_load(written.read_text())
    assert doc["build:rnaseq-debian12"]["script"][0].endswith("--yes .")
    again = gaev("ci", "gitlab", str(repo / "linux-r"))
    assert again.returncode == 2 and "use --force" in again.stderr
    written.unlink()


def test_hostile_names_never_reach_the_shell(tmp_path):
    root = tmp_path / "repo"
    hostile = root / "a$(touch pwned)"
    assert gaev("generate", str(EXAMPLES / "debian12-libvirt.yaml"), "-o", str(hostile)).returncode == 0
    done = gaev("ci", "github", str(root), "-o", "-")
    assert done.returncode == 2 and "rename the directory" in done.stderr and done.stdout == ""
    done = gaev("ci", "gitlab", str(hostile.parent / "nothing-here"))
    assert done.returncode == 2
    done = gaev("ci", "gitlab", str(hostile), "--registry", "s3://x/$(id)", "-o", "-")
    assert done.returncode == 2 and "--registry" in done.stderr


def test_no_project_is_one_line(tmp_path):
    done = gaev("ci", "gitlab", str(tmp_path))
    assert done.returncode == 2 and "no GAEV project" in done.stderr and done.stderr.count("\n") == 1
