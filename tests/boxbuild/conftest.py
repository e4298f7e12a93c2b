"""A generated-looking project whose ``vagrant`` is tests/boxbuild/fake_vagrant.py, first
on PATH (pipeline-logic tests only; the real Vagrant is the ``vm`` test's job)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fakebin import install_fake_tool

FAKE = Path(__file__).parent / "fake_vagrant.py"


@dataclass
class FakeProject:
    dir: Path
    calls_file: Path

    def calls(self) -> list[list[str]]:
        if not self.calls_file.exists():
            return []
        return [json.loads(line) for line in self.calls_file.read_text().splitlines()]

    def commands(self) -> list[str]:
        """The stages' vagrant commands (version queries for GAEV's records left out)."""
        return [argv[0] for argv in self.calls() if argv[:1] != ["--version"]]


def write_project(directory: Path, *, name="demo", provider="libvirt", extra="", family="debian") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Vagrantfile").write_text("Vagrant.configure('2') do |config|\nend\n")
    options = "provider_options:\n  driver: qemu\n" if provider == "libvirt" else ""
    (directory / "gaev.yaml").write_text(f"name: {name}\nos: ubuntu-22.04\nprovider: {provider}\n{options}{extra}")
    lock = {"name": name, "os": {"family": family}, "base_box": {"name": "gaev/test", "version": None}}
    (directory / "gaev.lock.json").write_text(json.dumps(lock))
    return directory


@pytest.fixture
def fake_project(tmp_path, monkeypatch) -> FakeProject:
    install_fake_tool(tmp_path, monkeypatch, "vagrant", FAKE)
    calls = tmp_path / "calls.jsonl"
    monkeypatch.setenv("FAKE_VAGRANT_CALLS", str(calls))
    for var in ("FAKE_VAGRANT_FAIL", "FAKE_VAGRANT_SLOW", "FAKE_VAGRANT_MANIFEST", "FAKE_VAGRANT_REPLAY"):
        monkeypatch.delenv(var, raising=False)
    return FakeProject(write_project(tmp_path / "proj"), calls)
