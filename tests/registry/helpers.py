"""Running ``gaev`` and the real ``vagrant`` as a user would, each in its own process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def gaev(*args: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    full = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    done = subprocess.run([sys.executable, "-m", "gaev_tui", *args], env=full, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=600)
    if check and done.returncode != 0:
        raise AssertionError(f"gaev {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done


def vagrant(home: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "VAGRANT_HOME": str(home), "VAGRANT_CHECKPOINT_DISABLE": "1"}
    done = subprocess.run(["vagrant", *args], env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          timeout=300, cwd=home.parent)
    if check and done.returncode != 0:
        raise AssertionError(f"vagrant {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done


def boxes_in(home: Path) -> set[tuple[str, str, str]]:
    """(name, version, provider) of every box in a Vagrant home, as Vagrant lists them."""
    rows = [line.split(",") for line in vagrant(home, "box", "list", "--machine-readable").stdout.splitlines()]
    def col(kind):
        return [r[3] for r in rows if len(r) > 3 and r[2] == kind]
    return set(zip(col("box-name"), col("box-version"), col("box-provider"), strict=True))


def make_box(path: Path, payload: bytes = b"", provider: str = "libvirt", disk_format: str = "qcow2") -> Path:
    """A small real Vagrant box archive: metadata.json, a Vagrantfile and a disk stand-in
    (``disk_format`` in its metadata.json)."""
    src = path.parent / (path.name + ".src")
    src.mkdir(parents=True)
    (src / "metadata.json").write_text(json.dumps({"provider": provider, "format": disk_format, "virtual_size": 1}))
    (src / "Vagrantfile").write_text("Vagrant.configure('2') do |c| end\n")
    (src / "box.img").write_bytes(payload or os.urandom(64 * 1024))
    subprocess.run(["tar", "-czf", str(path), "-C", str(src), "."], check=True)
    return path


def lab_registry(tmp_path: Path) -> Path:
    """A directory registry (org ``lab``) made by ``gaev publish``: ``lab/debian12``, a
    generated project's box (its lock gives the OS), libvirt, 1.0.0 then 1.0.1; and
    ``lab/vbox-only``, a bare VirtualBox box."""
    registry = tmp_path / "registry"
    gaev("registry", "init", str(registry), "--org", "lab")
    project = tmp_path / "debian12"
    gaev("generate", str(ROOT / "examples" / "debian12-libvirt.yaml"), "-o", str(project))
    name = json.loads((project / "gaev.lock.json").read_text())["name"]
    for version in ("1.0.0", "1.0.1"):
        (project / "builds").mkdir()
        make_box(project / "builds" / f"{name}-libvirt.box", payload=version.encode() * 1000)
        gaev("publish", str(project), "--to", str(registry), "--name", "lab/debian12", "--version", version,
             "--description", "Debian 12 with the lab's tools")
        shutil.rmtree(project / "builds")
    gaev("publish", str(make_box(tmp_path / "vbox.box", provider="virtualbox")), "--to", str(registry),
         "--name", "lab/vbox-only", "--version", "2.0.0")
    return registry
