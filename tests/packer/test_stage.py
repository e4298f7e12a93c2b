"""The base-box stages: their plan, ``packer build`` without the plugins file on an old
Packer, and ``vagrant box add`` of the built box with its checksum (real Vagrant)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from gaev_tui.boxbuild.project import load_project
from gaev_tui.boxbuild.stages import plan
from gaev_tui.boxcache import records
from gaev_tui.boxcache.scan import scan
from gaev_tui.catalog import load_catalog
from gaev_tui.envspec import parse_spec_text
from gaev_tui.packer.stage import box_metadata
from gaev_tui.packer.tool import knows_plugins_block, packer_version
from gaev_tui.render import render_project, write_project
from tests.packer.helpers import spec_text
from tests.toolcheck import need_tool

REPO = Path(__file__).resolve().parents[2]


def generated(tmp_path: Path, os_id: str = "debian-12", provider: str = "libvirt") -> Path:
    cat = load_catalog()
    project = tmp_path / "project"
    write_project(render_project(parse_spec_text(spec_text(os_id, provider, name="pb"), cat), cat), project)
    return project


def stage_module(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gaev_tui.packer.stage", *args], check=False, cwd=cwd, capture_output=True,
                          text=True, timeout=600, env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})})


def test_build_plan_starts_with_packer_then_box_add(tmp_path):
    project = load_project(generated(tmp_path))
    stages = plan(project)
    assert [s.id for s in stages][:3] == ["base-box", "base-box-add", "up"]
    build, add = stages[0], stages[1]
    assert build.argv[1:] == ["-m", "gaev_tui.packer.stage", "build"] and build.cwd == "packer"
    assert build.tool == "packer"  # cancelled with SIGTERM, output parsed as machine-readable
    assert add.argv[3:] == ["add", "gaev/pb-base", "libvirt", "output/pb-libvirt.box"]
    # The name added is the one the Vagrantfile uses.
    assert "config.vm.box = 'gaev/pb-base'" in (project.dir / "Vagrantfile").read_text()
    assert '"output/pb-libvirt.box"' in (project.dir / "packer" / "variables.pkr.hcl").read_text()


def test_usage_error():
    out = stage_module(["frobnicate"], REPO)
    assert out.returncode == 2 and "usage:" in out.stderr


@pytest.mark.tools
def test_build_leaves_the_plugins_file_out_on_old_packer(tmp_path):
    """Packer 1.6 builds the folder's other files; plugins.pkr.hcl stays in place."""
    need_tool("packer")
    if knows_plugins_block(packer_version()):
        pytest.skip("this Packer reads plugins files itself")
    packer_dir = generated(tmp_path) / "packer"
    for name in ("variables.pkr.hcl", "sources.pkr.hcl", "build.pkr.hcl"):
        (packer_dir / name).unlink()
    # A build that needs no VM, so the stage itself is what is tested.
    (packer_dir / "null.pkr.hcl").write_text(
        'source "null" "base" {\n  communicator = "none"\n}\n\n'
        'build {\n  sources = ["source.null.base"]\n\n'
        '  provisioner "shell-local" {\n    inline = ["echo built in $PWD"]\n  }\n}\n')
    out = stage_module(["build"], packer_dir)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "predates plugins: building without packer/plugins.pkr.hcl" in out.stdout
    assert f"built in {packer_dir}" in out.stdout  # relative paths resolve from packer/
    assert "$ packer build -machine-readable -force /" in out.stdout
    assert (packer_dir / "plugins.pkr.hcl").exists()


def tiny_box(path: Path) -> Path:
    """A minimal libvirt box file (what Vagrant reads at 'box add'; never booted)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as tar:
        for name, data in (("metadata.json", b'{"provider": "libvirt", "format": "qcow2", "virtual_size": 1}\n'),
                           ("Vagrantfile", b"Vagrant.configure('2') do |config|\nend\n"),
                           ("box.img", b"not really an image\n")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def boxes(vagrant_home: Path) -> list[list[str]]:
    out = subprocess.run([need_tool("vagrant")["vagrant"], "box", "list", "--machine-readable"], check=False, capture_output=True,
                         text=True, timeout=300, env={**os.environ, "VAGRANT_HOME": str(vagrant_home)})
    rows = [line.split(",") for line in out.stdout.splitlines()]
    return [[r[3] for r in rows if r[2] == key] for key in ("box-name", "box-provider", "box-version")]


@pytest.mark.tools
def test_box_add_registers_the_box_with_its_checksum(tmp_path):
    need_tool("vagrant")
    home = tmp_path / "vagrant.d"
    packer_dir = tmp_path / "packer"
    box = tiny_box(packer_dir / "output" / "pb-libvirt.box")
    out = stage_module(["add", "gaev/pb-base", "libvirt", "output/pb-libvirt.box"], packer_dir,
                       {"VAGRANT_HOME": str(home)})
    assert out.returncode == 0, out.stdout + out.stderr
    sha = hashlib.sha256(box.read_bytes()).hexdigest()
    assert f"{sha}  pb-libvirt.box" in out.stdout
    metadata = json.loads((packer_dir / "output" / "pb-libvirt.json").read_text())
    provider = metadata["versions"][0]["providers"][0]
    assert (provider["checksum_type"], provider["checksum"], provider["name"]) == ("sha256", sha, "libvirt")
    names, providers, versions = boxes(home)
    assert names == ["gaev/pb-base"] and providers == ["libvirt"]
    assert versions == [metadata["versions"][0]["version"]]
    # GAEV's records know it built that box, as they know the final boxes.
    (record,) = [b for b in records.load()[0]["built"] if b["name"] == "gaev/pb-base"]
    assert (record["version"], record["provider"], record["checksum"], record["role"]) == (
        versions[0], "libvirt", sha, "base")
    assert record["box_file"] == str(box.resolve()) and "vagrant" in record["tools"]
    (cached,) = scan(home)[0]
    records.apply([cached], records.load()[0])
    assert cached.built_by_gaev
    # Adding the same build again (a retried stage) succeeds.
    again = stage_module(["add", "gaev/pb-base", "libvirt", "output/pb-libvirt.box"], packer_dir,
                         {"VAGRANT_HOME": str(home)})
    assert again.returncode == 0, again.stdout + again.stderr
    assert boxes(home)[0] == ["gaev/pb-base"]


@pytest.mark.tools
def test_vagrant_refuses_a_box_whose_checksum_differs(tmp_path):
    """The checksum in the metadata is enforced by Vagrant, not only recorded."""
    vagrant = need_tool("vagrant")["vagrant"]
    box = tiny_box(tmp_path / "output" / "pb-libvirt.box")
    metadata = tmp_path / "output" / "pb-libvirt.json"
    metadata.write_text(json.dumps(box_metadata("gaev/pb-base", "libvirt", box, "0" * 64, "1.0.0")))
    out = subprocess.run([vagrant, "box", "add", "--provider", "libvirt", str(metadata)], check=False, capture_output=True,
                         text=True, timeout=300, env={**os.environ, "VAGRANT_HOME": str(tmp_path / "home")})
    assert out.returncode != 0 and "checksum" in (out.stdout + out.stderr).lower()
    assert boxes(tmp_path / "home")[0] == []


def test_add_without_a_box_fails_clearly(tmp_path):
    out = stage_module(["add", "gaev/pb-base", "libvirt", "output/pb-libvirt.box"], tmp_path)
    assert out.returncode == 1 and "'packer build' did not write the base box" in out.stdout
