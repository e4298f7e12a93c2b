"""A generated-looking project whose ``vagrant`` is tests/fakes/vagrant.py, first on PATH
(pipeline-logic and dashboard tests; the real Vagrant is the ``vm`` tests' job). The
``fake_project`` fixture (tests/conftest.py) makes one per test."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

FAKE_VAGRANT = Path(__file__).parent / "vagrant.py"
#: Set per test by the fixture; tests set them to script the fake (see vagrant.py).
SCRIPT_VARIABLES = ("FAKE_VAGRANT_FAIL", "FAKE_VAGRANT_SLOW", "FAKE_VAGRANT_LINES", "FAKE_VAGRANT_MANIFEST",
                    "FAKE_VAGRANT_PLUGINS", "FAKE_VAGRANT_REPLAY")


@dataclass
class FakeProject:
    dir: Path
    calls_file: Path
    pids_file: Path

    def calls(self) -> list[list[str]]:
        if not self.calls_file.exists():
            return []
        return [json.loads(line) for line in self.calls_file.read_text().splitlines()]

    def commands(self) -> list[str]:
        """The stages' vagrant commands (version queries for GAEV's records left out)."""
        return [argv[0] for argv in self.calls() if argv[:1] != ["--version"]]

    def pids(self) -> list[int]:
        """Every fake vagrant started, and the slow one's child."""
        return [int(p) for p in self.pids_file.read_text().split()] if self.pids_file.exists() else []


def write_project(directory: Path, *, name="demo", provider="libvirt", extra="", family="debian") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Vagrantfile").write_text("Vagrant.configure('2') do |config|\nend\n")
    options = "provider_options:\n  driver: qemu\n" if provider == "libvirt" else ""
    (directory / "gaev.yaml").write_text(f"name: {name}\nos: ubuntu-22.04\nprovider: {provider}\n{options}{extra}")
    lock = {"name": name, "os": {"family": family}, "base_box": {"name": "gaev/test", "version": None}}
    (directory / "gaev.lock.json").write_text(json.dumps(lock))
    return directory
