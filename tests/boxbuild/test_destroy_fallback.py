"""When Vagrant can no longer destroy the build VM (its project directory was removed,
or ``vagrant destroy`` failed), the pipeline destroys it through the provider, from the
identity recorded when ``vagrant up`` created it (issue 11, item 11). Scripted vagrant
and virsh here; the real ones in tests/vm/test_build_isolation.py."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from gaev_tui.boxbuild.logstore import LogWriter
from gaev_tui.boxbuild.machine import Machine
from gaev_tui.boxbuild.pipeline import Pipeline
from gaev_tui.boxbuild.project import load_project
from tests.fakes import install_fake_tool

UUID = "00000000-0000-0000-0000-000000000001"  # what fake_vagrant's `up` writes


@pytest.fixture
def virsh(tmp_path, monkeypatch, fake_project):
    install_fake_tool(tmp_path, monkeypatch, "virsh", Path(__file__).parent / "fake_virsh.py")
    calls, domain = tmp_path / "virsh.jsonl", tmp_path / "domain"
    domain.write_text(UUID)
    monkeypatch.setenv("FAKE_VIRSH_CALLS", str(calls))
    monkeypatch.setenv("FAKE_VIRSH_DOMAIN", str(domain))

    class Virsh:
        def calls(self):
            return [json.loads(line) for line in calls.read_text().splitlines()] if calls.exists() else []

        def defined(self):
            return domain.exists()

    return Virsh()


def run(fake, remove_at: str | None = None):
    project = load_project(fake.dir)
    log = LogWriter(fake.dir.parent / "job" / "build.log")
    machines: list[Machine] = []

    def on_stage(stage):
        if stage.id == remove_at and stage.state == "running" and project.dir.exists():
            shutil.rmtree(project.dir)  # a cleaned CI workspace, a user's rm -rf

    pipeline = Pipeline(project, log, on_stage=on_stage, on_machine=machines.append)
    result = pipeline.run()
    log.close()
    return result, machines, log.path.read_text()


def test_project_removed_mid_build_is_destroyed_through_libvirt(fake_project, virsh):
    result, machines, log = run(fake_project, remove_at="manifest")
    assert [m.id for m in machines] == [UUID]  # recorded as soon as `up` made it
    assert machines[0].name.startswith("demo-") and machines[0].name.endswith("_default")
    destroy = next(s for s in result.stages if s.id == "destroy")
    assert destroy.state == "ok" and "the project directory is gone" in destroy.detail
    assert ["undefine", UUID, "--remove-all-storage", "--managed-save", "--snapshots-metadata"] in virsh.calls()
    assert not virsh.defined()
    assert "destroyed through libvirt" in destroy.detail and "and its disks destroyed" in log
    assert fake_project.commands() == ["up"]  # neither ssh nor destroy had a directory to run in


def test_failed_vagrant_destroy_falls_back_to_the_provider(fake_project, virsh, monkeypatch):
    monkeypatch.setenv("FAKE_VAGRANT_FAIL", "destroy")
    result, _, _ = run(fake_project)
    destroy = next(s for s in result.stages if s.id == "destroy")
    assert destroy.state == "ok" and "vagrant destroy failed" in destroy.detail
    assert not virsh.defined()


def test_a_vm_still_defined_after_the_provider_destroy_fails_the_stage(fake_project, virsh, monkeypatch):
    monkeypatch.setenv("FAKE_VAGRANT_FAIL", "destroy")
    monkeypatch.setenv("FAKE_VIRSH_DOMAIN", str(fake_project.dir.parent / "domain-that-stays"))
    (fake_project.dir.parent / "domain-that-stays").write_text(UUID)
    monkeypatch.setattr("gaev_tui.boxbuild.machine._run", lambda argv: (0, ["pretends"]))
    result, _, _ = run(fake_project)
    destroy = next(s for s in result.stages if s.id == "destroy")
    assert destroy.state == "failed" and "STILL defined" in destroy.detail
    assert result.status == "failed"


def test_without_a_recorded_id_a_present_project_is_left_to_vagrant(fake_project, virsh, monkeypatch):
    monkeypatch.setenv("FAKE_VAGRANT_FAIL", "destroy")
    monkeypatch.setattr("gaev_tui.boxbuild.machine.read_id", lambda *a: None)
    result, machines, _ = run(fake_project)
    assert machines == [] and virsh.calls() == []
    assert next(s for s in result.stages if s.id == "destroy").state == "failed"
