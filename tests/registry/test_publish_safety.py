"""Publishing is safe: versions are immutable, concurrent publishers lose nothing, a
killed publish leaves metadata.json as it was, a corrupt metadata.json is reported and
kept, and bad input is one line."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.registry.helpers import ROOT, gaev, make_box


@pytest.fixture
def registry(tmp_path):
    reg = tmp_path / "registry"
    gaev("registry", "init", str(reg))
    return reg


def listed(registry) -> list[tuple[str, str]]:
    meta = json.loads((registry / "lab/demo/metadata.json").read_text())
    return [(v["version"], p["checksum"]) for v in meta["versions"] for p in v["providers"]]


def test_a_published_version_never_changes(tmp_path, registry):
    box = make_box(tmp_path / "a.box")
    first = json.loads(gaev("publish", str(box), "--to", str(registry), "--name", "lab/demo", "--version", "1.0.0",
                            "--json").stdout)
    assert first["identifier"] == f"sha256:{first['sha256']}" and not first["already"]
    again = json.loads(gaev("publish", str(box), "--to", str(registry), "--name", "lab/demo", "--version", "1.0.0",
                            "--json").stdout)
    assert again["already"] and again["sha256"] == first["sha256"]
    before = (registry / "lab/demo/metadata.json").read_bytes()
    other = gaev("publish", str(make_box(tmp_path / "b.box")), "--to", str(registry), "--name", "lab/demo",
                 "--version", "1.0.0", check=False)
    assert other.returncode == 2 and "already published with another file" in other.stderr
    assert (registry / "lab/demo/metadata.json").read_bytes() == before
    (box_file,) = (registry / "lab/demo/1.0.0/libvirt/amd64").glob("*.box")
    assert box_file.read_bytes() == box.read_bytes()
    sha = (registry / "lab/demo/1.0.0/libvirt/amd64" / (box_file.name + ".sha256")).read_text()
    assert sha.split()[0] == first["sha256"]


def test_two_publishes_at_once_lose_neither(tmp_path, registry):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-m", "gaev_tui", "publish", str(make_box(tmp_path / f"{v}.box")),
                               "--to", str(registry), "--name", "lab/demo", "--version", v], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for v in ("1.0.0", "1.1.0", "2.0.0")]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    assert [v for v, _ in listed(registry)] == ["1.0.0", "1.1.0", "2.0.0"]
    index = json.loads((registry / "index.json").read_text())
    assert [v["version"] for v in index["boxes"][0]["versions"]] == ["1.0.0", "1.1.0", "2.0.0"]


SLOW_PUBLISH = """
import sys, time
from pathlib import Path
from gaev_tui.registry import stores
from gaev_tui.registry.open_store import open_store
from gaev_tui.registry.publish import BoxToPublish, publish
stores.CHUNK = 64 * 1024
def slow(done):
    print(done, flush=True)
    time.sleep(0.05)
publish(open_store(sys.argv[1]), BoxToPublish(Path(sys.argv[2]), "lab/demo", sys.argv[3], "libvirt"), slow)
"""


def test_a_killed_publish_leaves_the_registry_as_it_was(tmp_path, registry):
    gaev("publish", str(make_box(tmp_path / "a.box")), "--to", str(registry), "--name", "lab/demo",
         "--version", "1.0.0")
    before = (registry / "lab/demo/metadata.json").read_bytes()
    big = make_box(tmp_path / "big.box", payload=os.urandom(4 * 1024 * 1024))
    proc = subprocess.Popen([sys.executable, "-c", SLOW_PUBLISH, str(registry), str(big), "1.1.0"],
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, text=True)
    for _ in range(5):  # some chunks copied: killed mid-upload
        assert proc.stdout.readline()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert (registry / "lab/demo/metadata.json").read_bytes() == before
    landed = registry / "lab/demo/1.1.0/libvirt/amd64"
    assert not list(landed.glob("*.box")) and not list(landed.glob("*.sha256"))  # only a hidden partial copy
    # The next publish of that version goes through (the partial copy is not in its way).
    gaev("publish", str(big), "--to", str(registry), "--name", "lab/demo", "--version", "1.1.0")
    assert [v for v, _ in listed(registry)] == ["1.0.0", "1.1.0"]


def test_a_corrupt_metadata_file_is_reported_and_kept(tmp_path, registry):
    (registry / "lab/demo").mkdir(parents=True)
    (registry / "lab/demo/metadata.json").write_text('{"name": "lab/demo", "versions": [')
    done = gaev("publish", str(make_box(tmp_path / "a.box")), "--to", str(registry), "--name", "lab/demo",
                "--version", "1.0.0", check=False)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "lab/demo/metadata.json: not valid JSON" in done.stderr
    assert (registry / "lab/demo/metadata.json").read_text() == '{"name": "lab/demo", "versions": ['
    assert not (registry / "lab/demo/1.0.0").exists()


@pytest.mark.parametrize("args, code, message", [
    (["--to", "ftp://host/boxes"], 2, "unknown registry scheme 'ftp:'"),
    (["--to", "https://boxes.example.org"], 2, "not its public URL"),
    (["--version", "2024-01-01"], 2, "a date sorts as a pre-release"),
    (["--name", "Lab/Demo"], 2, "box name must be ORG/BOX"),
])
def test_bad_arguments_are_one_line(tmp_path, registry, args, code, message):
    argv = ["publish", str(make_box(tmp_path / "a.box")), "--to", str(registry), "--name", "lab/demo", *args]
    done = gaev(*argv, check=False)
    assert done.returncode == code and message in done.stderr and done.stderr.count("\n") == 1, done.stderr


def test_a_file_that_is_not_a_box(tmp_path, registry):
    fake = tmp_path / "notabox.box"
    fake.write_bytes(b"this is not a tar archive at all")
    done = gaev("publish", str(fake), "--to", str(registry), check=False)
    assert done.returncode == 2 and "not a Vagrant box" in done.stderr and done.stderr.count("\n") == 1
    empty_tar = tmp_path / "empty.box"
    subprocess.run(["tar", "-czf", str(empty_tar), "-T", "/dev/null"], check=True)
    done = gaev("publish", str(empty_tar), "--to", str(registry), check=False)
    assert done.returncode == 2 and "no metadata.json" in done.stderr


def test_not_a_registry(tmp_path):
    done = gaev("publish", str(make_box(tmp_path / "a.box")), "--to", str(tmp_path / "nowhere"), check=False)
    assert done.returncode == 2 and "is not a GAEV box registry" in done.stderr and "gaev registry init" in done.stderr


def test_unreachable_s3_endpoint_is_one_line(tmp_path):
    from tests.registry.servers import free_port

    dead = f"http://127.0.0.1:{free_port()}"
    env = {"AWS_ENDPOINT_URL_S3": dead, "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x",
           "AWS_DEFAULT_REGION": "us-east-1"}
    start = time.monotonic()
    done = gaev("registry", "init", "s3://boxes/reg", "--url", "https://boxes.example.org", env=env, check=False)
    assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr
    assert f"s3://boxes/reg at {dead}" in done.stderr and "endpoint is unreachable" in done.stderr
    for args in (("registry", "list", "s3://boxes/reg"), ("publish", str(make_box(tmp_path / "a.box")), "--to",
                                                          "s3://boxes/reg", "--json")):
        done = gaev(*args, env=env, check=False)
        assert done.returncode == 1 and done.stderr.count("\n") == 1 and "unreachable" in done.stderr, done.stderr
    assert time.monotonic() - start < 120  # bounded: connect timeout and three attempts
