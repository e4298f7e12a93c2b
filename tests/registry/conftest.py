from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.registry.servers import seaweed_s3
from tests.toolcheck import need_tool


def make_box(path: Path, payload: bytes = b"", provider: str = "libvirt") -> Path:
    """A small real Vagrant box archive: metadata.json, a Vagrantfile and a disk stand-in."""
    src = path.parent / (path.name + ".src")
    src.mkdir(parents=True)
    (src / "metadata.json").write_text(json.dumps({"provider": provider, "format": "qcow2", "virtual_size": 1}))
    (src / "Vagrantfile").write_text("Vagrant.configure('2') do |c| end\n")
    (src / "box.img").write_bytes(payload or os.urandom(64 * 1024))
    subprocess.run(["tar", "-czf", str(path), "-C", str(src), "."], check=True)
    return path


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory):
    weed = need_tool("weed")["weed"]
    with seaweed_s3(weed, tmp_path_factory.mktemp("seaweed")) as endpoint:
        yield endpoint


@pytest.fixture
def s3_env(s3_endpoint, monkeypatch):
    """boto3's standard variables pointed at the local server (as a user sets them)."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", s3_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    return s3_endpoint
