"""The full walks a newcomer makes, with keys, at 80x24; the written project must be
byte-identical to what ``gaev generate`` writes for the same spec."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from gaev_tui.app import make_app
from gaev_tui.catalog import load_catalog
from gaev_tui.checks import validate_project
from gaev_tui.cli.main import main as gaev
from gaev_tui.envspec import load_spec
from gaev_tui.wizard_state import WizardState
from tests.pilot import FACTS, choose, next_step, settle, tick_apps, tick_packages, type_in
from tests.toolcheck import need_tool

SEED = """\
name: jupyterhub-vm
description: JupyterHub for a class, with the usual data-science Python packages and R.
os: ubuntu-22.04
provider: virtualbox
hostname: jupyterhub
resources: {cpus: 2, memory_mb: 2048, disk_gb: 18}
network:
  private_network: dhcp
  forwarded_ports: [{guest: 80, host: 8000}]
shared_folders: [{host: ./data, guest: /media/sf_DATA}]
packages:
  apt: [git]
  python: [numpy, pandas, matplotlib, scikit-learn]
  r: [ggplot2]
apps: [jupyterhub]
timezone: Europe/Paris
locale: fr_FR.UTF-8
"""

DEBIAN = """\
name: rnaseq-debian12
os: debian-12
provider: libvirt
provider_options: {driver: qemu}
resources: {cpus: 2, memory_mb: 4096, disk_gb: 30}
network:
  private_network: 192.168.121.50
shared_folders: [{host: ./data, guest: /srv/data}]
packages:
  apt: [git, libxml2-dev]
  r: [data.table]
  bioconductor: [DESeq2, edgeR]
timezone: UTC
locale: en_US.UTF-8
"""


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def generated(spec_text: str, tmp: Path) -> dict[str, bytes]:
    spec = tmp / "spec.yaml"
    spec.write_text(spec_text)
    assert gaev(["generate", str(spec), "-o", str(tmp / "generated")]) == 0
    return tree(tmp / "generated")


async def walk_seed(pilot) -> None:
    await pilot.press("n")
    await settle(pilot)
    await type_in(pilot, "f-name", "jupyterhub-vm")
    await type_in(pilot, "f-description", "JupyterHub for a class, with the usual data-science Python packages and R.")
    await choose(pilot, "os-list", "ubuntu-22.04")
    await choose(pilot, "provider-list", "virtualbox")
    await next_step(pilot)
    await next_step(pilot)  # base box: the catalogue's default
    await tick_packages(pilot, "apt", ["git"])
    await tick_packages(pilot, "python", ["numpy", "pandas", "matplotlib", "scikit-learn"])
    await tick_packages(pilot, "r", ["ggplot2"])
    await next_step(pilot)
    await tick_apps(pilot, ["jupyterhub"])
    await next_step(pilot)
    # Proposed by the apps step: JupyterHub's port 80 reached at localhost:8000.
    assert pilot.app.screen.query_one("#f-ports-input").value == "8000:80"
    await type_in(pilot, "f-disk", "18")
    await type_in(pilot, "f-network", "dhcp")
    await type_in(pilot, "f-folders", "./data -> /media/sf_DATA")
    await type_in(pilot, "f-hostname", "jupyterhub")
    await type_in(pilot, "f-timezone", "Europe/Paris")
    await type_in(pilot, "f-locale", "fr_FR.UTF-8")
    await next_step(pilot)
    assert type(pilot.app.screen).__name__ == "ReviewScreen"
    await next_step(pilot)


async def write(pilot) -> None:
    assert type(pilot.app.screen).__name__ == "WriteScreen"
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert pilot.app.screen.query_one("#write-done").display, "the project was not written"


async def walk_debian(pilot) -> None:
    await pilot.press("n")
    await settle(pilot)
    await type_in(pilot, "f-name", "rnaseq-debian12")
    await choose(pilot, "os-list", "debian-12")
    await choose(pilot, "provider-list", "libvirt")
    await settle(pilot)
    pilot.app.screen.query_one("#opt-driver").focus()
    await pilot.press("right", "right")  # the driver: default, kvm, then qemu
    await settle(pilot)
    await next_step(pilot)
    await next_step(pilot)
    await tick_packages(pilot, "apt", ["git", "libxml2-dev"])
    await tick_packages(pilot, "r", ["data.table"])
    await tick_packages(pilot, "bioconductor", ["DESeq2", "edgeR"])
    await next_step(pilot)
    await next_step(pilot)  # no app
    await type_in(pilot, "f-memory", "4096")
    await type_in(pilot, "f-disk", "30")
    await type_in(pilot, "f-network", "192.168.121.50")
    await type_in(pilot, "f-folders", "./data -> /srv/data")
    await type_in(pilot, "f-timezone", "UTC")
    await type_in(pilot, "f-locale", "en_US.UTF-8")
    await next_step(pilot)
    await next_step(pilot)


async def walk_and_write(walk) -> str:
    """Walk the wizard on the installed catalogue at 80x24, write; the "what next" text."""
    app = make_app(catalog=load_catalog(include_user=False), probe=lambda: FACTS)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk(pilot)
        await write(pilot)
        return str(pilot.app.screen.query_one("#write-next").render())


@pytest.fixture(scope="module")
def walked(tmp_path_factory):
    """Both walks, once for this module: (directory they ran in, "what next" texts)."""
    root = tmp_path_factory.mktemp("walks")
    with pytest.MonkeyPatch.context() as patch:  # the function-scoped isolation, by hand
        for name in ("CONFIG", "DATA", "STATE", "CACHE"):
            (root / name.lower()).mkdir()
            patch.setenv(f"GAEV_{name}_DIR", str(root / name.lower()))
        patch.chdir(root)
        texts = {name: asyncio.run(walk_and_write(walk)) for name, walk in (("seed", walk_seed), ("debian", walk_debian))}
    return root, texts


def test_seed_jupyterhub_walk_writes_what_generate_writes(walked, tmp_path):
    root, texts = walked
    written = tree(root / "jupyterhub-vm")
    expected = generated(SEED, tmp_path)
    assert sorted(written) == sorted(expected)
    for path, data in expected.items():
        assert written[path] == data, path
    assert "cd ./jupyterhub-vm" in texts["seed"] and "vagrant up --provider=virtualbox" in texts["seed"]


def test_debian_libvirt_bioconductor_walk_writes_what_generate_writes(walked, tmp_path):
    root, texts = walked
    assert tree(root / "rnaseq-debian12") == generated(DEBIAN, tmp_path)
    assert "vagrant up --provider=libvirt" in texts["debian"]


@pytest.mark.tools
def test_walked_projects_pass_gaev_validate(walked):
    need_tool("ruby", "ansible-playbook", "ansible-lint")
    root, _texts = walked
    for name in ("jupyterhub-vm", "rnaseq-debian12"):
        results = list(validate_project(root / name))
        assert {r.name for r in results} >= {"ruby -c Vagrantfile", "ansible-lint --profile production"}
        assert all(r.status in ("ok", "warning") for r in results), [(r.name, r.detail[:500]) for r in results if r.status != "ok"]
        # The walk's 18 GB cap on a bento box (64 GB disk) cannot hold, and validate says so.
        warned = [r.name for r in results if r.status == "warning"]
        assert warned == (["gaev.yaml: resources.disk_gb"] if name == "jupyterhub-vm" else []), warned


async def test_open_brings_every_answer_back(tmp_path):
    """gaev open: wizard -> gaev.yaml -> wizard loses nothing, and rewriting is a no-op."""
    catalog = load_catalog(include_user=False)
    project = tmp_path / "seed"
    (tmp_path / "spec.yaml").write_text(SEED)
    assert gaev(["generate", str(tmp_path / "spec.yaml"), "-o", str(project)]) == 0
    before = tree(project)
    app = make_app(catalog=catalog, probe=lambda: FACTS, spec_path=project)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert type(pilot.app.screen).__name__ == "ReviewScreen"
        assert app.state == WizardState.from_spec(load_spec(project, catalog), str(project))
        for _ in range(5):  # Back through every step: each saves what it shows
            await pilot.press("escape")
            await settle(pilot)
        assert type(pilot.app.screen).__name__ == "OsProviderScreen"
        for _ in range(6):
            await next_step(pilot)
        assert "44 unchanged" in str(pilot.app.screen.query_one("#write-plan").render())
        pilot.app.screen.query_one("#write-confirm").value = True
        await write(pilot)
    assert tree(project) == before
