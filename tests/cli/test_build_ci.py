"""``gaev build --ci --junit`` as a CI runner runs it: stage sections GitLab folds and
GitHub groups, and a JUnit report that a JUnit parser (junitparser) reads with one case
per stage, the failed stage failing with its reason."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.fakes.project import write_project


def gaev(*args, env):
    return subprocess.run([sys.executable, "-m", "gaev_tui", *args], capture_output=True, text=True, timeout=120,
                          env=env, stdin=subprocess.DEVNULL)


@pytest.fixture
def project(fake_project):
    write_project(fake_project.dir, provider="vmware_desktop")
    return fake_project


def cases(path):
    from junitparser import JUnitXml

    xml = JUnitXml.fromfile(str(path))
    return [(case.name, [type(r).__name__ for r in case.result]) for suite in xml for case in suite]


def test_gitlab_sections_and_a_passing_report(project, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS",)}
    env.update(CI="true", GITLAB_CI="true")
    report = tmp_path / "junit.xml"
    done = gaev("build", str(project.dir), "--yes", "--junit", str(report), env=env)
    assert done.returncode == 0, done.stderr
    starts = [line for line in done.stdout.splitlines() if "section_start:" in line]
    ends = [line for line in done.stdout.splitlines() if "section_end:" in line]
    assert [s.split(":")[2].split("[")[0] for s in starts] == ["up", "manifest", "package", "checksum", "destroy"]
    assert len(ends) == len(starts)
    got = cases(report)
    assert [name.split(":")[0] for name, _ in got] == ["up", "manifest", "package", "checksum", "destroy"]
    assert all(result == [] for _, result in got)  # all passed


def test_github_groups_and_the_failed_stage(project, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("GITLAB_CI",)}
    env.update(GITHUB_ACTIONS="true", FAKE_VAGRANT_FAIL="up")
    report = tmp_path / "junit.xml"
    done = gaev("build", str(project.dir), "--yes", "--ci", "--junit", str(report), env=env)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert "::group::up: Create and provision the VM (vagrant up)" in lines
    assert lines.count("::endgroup::") == sum(x.startswith("::group::") for x in lines)
    # Tool output never starts a workflow command: it is always prefixed by its stage.
    assert all(not x.startswith("::") or x.startswith(("::group::", "::endgroup::")) for x in lines)
    got = dict(cases(report))
    up = next(k for k in got if k.startswith("up:"))
    assert got[up] == ["Failure"]
    by_stage = {name.split(":")[0]: result for name, result in got.items()}
    assert by_stage["destroy"] == []  # the clean-up ran and passed
    assert by_stage["package"] == by_stage["manifest"] == ["Skipped"]


def test_a_refused_preflight_is_a_failed_case(project, tmp_path):
    write_project(project.dir, provider="vmware_desktop", extra="resources:\n  disk_gb: 16384\n")
    report = tmp_path / "junit.xml"
    done = gaev("build", str(project.dir), "--ci", "--junit", str(report), env={**os.environ, "CI": "true"})
    assert done.returncode == 1
    assert cases(report) == [("preflight: pre-flight checks", ["Failure"])]
