"""End to end with the real ``vagrant``: boxes added from hand-made box files and from
file:// catalogues, a machine index, a stray directory, a 2.4-style architecture
directory and a sparse disk; removal is checked with ``vagrant box list``.

The tests of this module run in order on one cache (adding boxes takes seconds each).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.boxcache.helpers import machine, make_box, write_index
from tests.toolcheck import need_tool

pytestmark = pytest.mark.tools

SPARSE = 2 * 1024**3  # apparent size of the sparse disk in every box


def make_box_file(path: Path, tmp: Path) -> None:
    """A libvirt .box as vagrant-libvirt expects it: metadata.json (format, virtual_size),
    a Vagrantfile, and box.img (sparse) plus some real data. bsdtar keeps the hole."""
    src = tmp / "box-src"
    src.mkdir()
    (src / "metadata.json").write_text(json.dumps({"provider": "libvirt", "format": "qcow2", "virtual_size": 2}))
    (src / "Vagrantfile").write_text("Vagrant.configure('2') do |c| end\n")
    (src / "data.bin").write_bytes(os.urandom(256 * 1024))
    with open(src / "box.img", "wb") as fh:
        fh.truncate(SPARSE)
    subprocess.run(["tar", "-S", "-czf", str(path), "-C", str(src), "."], check=True)


def vagrant(home: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "VAGRANT_HOME": str(home), "VAGRANT_CHECKPOINT_DISABLE": "1"}
    return subprocess.run(["vagrant", *args], env=env, capture_output=True, text=True,
                          check=check, stdin=subprocess.DEVNULL, timeout=300)


def vagrant_list(home: Path) -> set[tuple[str, str, str]]:
    out = vagrant(home, "box", "list", "--machine-readable").stdout
    rows = [line.split(",") for line in out.splitlines()]
    names = [r[3] for r in rows if len(r) > 3 and r[2] == "box-name"]
    provs = [r[3] for r in rows if len(r) > 3 and r[2] == "box-provider"]
    vers = [r[3] for r in rows if len(r) > 3 and r[2] == "box-version"]
    return set(zip(names, vers, provs, strict=True))


def gaev(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "VAGRANT_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "gaev_tui", "boxes", *args], env=env,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=600)


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    need_tool("vagrant", "bsdtar")
    tmp = tmp_path_factory.mktemp("real-cache")
    home = tmp / "vagrant.d"
    box_file = tmp / "tiny.box"
    make_box_file(box_file, tmp)
    digest = hashlib.sha256(box_file.read_bytes()).hexdigest()
    provider = {"name": "libvirt", "url": box_file.as_uri(), "checksum_type": "sha256", "checksum": digest}
    catalogues = {"gaev/sci": ["1.0.0", "1.1.0", "1.2.0", "2.0.0"], "gaev/tools": ["1.0", "1.5", "2.0"]}
    for name, versions in catalogues.items():
        cat = tmp / (name.replace("/", "-") + ".json")
        cat.write_text(json.dumps({"name": name, "versions": [
            {"version": v, "providers": [provider]} for v in versions]}))
        for v in versions[:-1] if name == "gaev/sci" else versions:
            vagrant(home, "box", "add", cat.as_uri(), "--box-version", v)
    vagrant(home, "box", "add", "--name", "local/file", str(box_file))
    project = tmp / "project"
    project.mkdir()
    write_index(home, {
        "m1": machine("gaev/sci", "1.0.0", project=project),
        "m2": machine("gaev/tools", "1.0", project=tmp / "project-deleted"),
    })
    (home / "boxes" / "stray-dir" / "not-a-version").mkdir(parents=True)
    (home / "boxes" / "README.txt").write_text("someone's notes")
    make_box(home, "gaev/arm", "1.0", arch="arm64", sparse=SPARSE)
    return home


def by_key(items):
    return {(b["name"], b["version"]): b for b in items}


def test_list_json_matches_vagrant_and_flags(cache):
    out = gaev(cache, "list", "--json")
    assert out.returncode == 0, out.stderr
    boxes = by_key(json.loads(out.stdout))
    assert {(n, v, b["provider"]) for (n, v), b in boxes.items() if not b["architecture"]} == vagrant_list(cache)
    assert boxes[("gaev/arm", "1.0")]["architecture"] == "arm64"
    for b in boxes.values():
        assert {"name", "version", "provider", "architecture", "size_bytes", "in_use", "outdated", "path"} <= set(b)
        assert Path(b["path"]).is_dir()
    sci = boxes[("gaev/sci", "1.1.0")]
    assert 256 * 1024 <= sci["size_bytes"] < 8 * 1024**2  # allocated, not the 2 GiB apparent
    assert boxes[("gaev/sci", "1.0.0")]["in_use"] is True
    assert boxes[("gaev/tools", "1.0")]["in_use"] is None
    assert boxes[("gaev/tools", "2.0")]["in_use"] is False
    assert [boxes[("gaev/sci", v)]["outdated"] for v in ("1.0.0", "1.1.0", "1.2.0")] == [True] * 3
    assert [boxes[("gaev/tools", v)]["outdated"] for v in ("1.0", "1.5", "2.0")] == [True, True, False]
    assert boxes[("local/file", "0")]["outdated"] is None
    assert "stray-dir" in out.stderr and "README.txt" in out.stderr


def test_prune_plan_and_refusal_off_a_terminal(cache):
    before = vagrant_list(cache)
    dry = gaev(cache, "prune", "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    plan = json.loads(dry.stdout)
    assert sorted((b["name"], b["version"]) for b in plan["remove"]) == [
        ("gaev/sci", "1.1.0"), ("gaev/tools", "1.5")]
    assert plan["reclaim_bytes"] == sum(b["size_bytes"] for b in plan["remove"]) > 0
    kept = {(b["name"], b["version"]): b["reason"] for b in plan["keep"]}
    assert kept[("gaev/sci", "1.0.0")].startswith("in use")
    assert kept[("gaev/tools", "1.0")].startswith("unknown")
    refused = gaev(cache, "prune")
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert vagrant_list(cache) == before


def test_pinned_box_survives_prune_and_prune_yes_removes_exactly_the_plan(cache):
    assert gaev(cache, "pin", "gaev/tools", "--version", "1.5").returncode == 0
    before = vagrant_list(cache)
    done = gaev(cache, "prune", "--yes", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert [(b["name"], b["version"]) for b in result["removed"]] == [("gaev/sci", "1.1.0")]
    assert result["failed"] == []
    assert vagrant_list(cache) == before - {("gaev/sci", "1.1.0", "libvirt")}
    assert not (cache / "boxes/gaev-VAGRANTSLASH-sci/1.1.0/libvirt").exists()


def test_remove_refuses_in_use_and_removes_through_vagrant(cache):
    used = gaev(cache, "remove", "gaev/sci", "--version", "1.0.0")
    assert used.returncode == 1 and "in use" in used.stdout
    assert ("gaev/sci", "1.0.0", "libvirt") in vagrant_list(cache)
    ambiguous = gaev(cache, "remove", "gaev/tools")
    assert ambiguous.returncode == 2 and "several boxes" in ambiguous.stderr
    missing = gaev(cache, "remove", "no/such")
    assert missing.returncode == 2 and "no installed box" in missing.stderr
    gone = gaev(cache, "remove", "local/file")
    assert gone.returncode == 0, gone.stdout + gone.stderr
    assert not any(n == "local/file" for n, _, _ in vagrant_list(cache))
    assert not (cache / "boxes/local-VAGRANTSLASH-file").exists()  # Vagrant cleaned its dir


def test_architecture_box_needs_a_vagrant_that_knows_architectures(cache):
    help_text = vagrant(cache, "box", "remove", "--help").stdout
    out = gaev(cache, "remove", "gaev/arm")
    if "--architecture" in help_text:
        assert out.returncode == 0, out.stdout + out.stderr
        assert not (cache / "boxes/gaev-VAGRANTSLASH-arm/1.0/arm64").exists()
    else:  # Vagrant <= 2.3 cannot address it; GAEV must not delete behind its back
        assert out.returncode == 1 and "Vagrant 2.4" in out.stdout
        assert (cache / "boxes/gaev-VAGRANTSLASH-arm/1.0/arm64/libvirt/metadata.json").exists()
