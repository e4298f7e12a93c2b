"""Running ``gaev`` and the real ``vagrant`` as a user would, each in its own process."""

from __future__ import annotations

import json
import os
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


def make_box(path: Path, payload: bytes = b"", provider: str = "libvirt") -> Path:
    """A small real Vagrant box archive: metadata.json, a Vagrantfile and a disk stand-in."""
    src = path.parent / (path.name + ".src")
    src.mkdir(parents=True)
    (src / "metadata.json").write_text(json.dumps({"provider": provider, "format": "qcow2", "virtual_size": 1}))
    (src / "Vagrantfile").write_text("Vagrant.configure('2') do |c| end\n")
    (src / "box.img").write_bytes(payload or os.urandom(64 * 1024))
    subprocess.run(["tar", "-czf", str(path), "-C", str(src), "."], check=True)
    return path
