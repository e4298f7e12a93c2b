"""The real Vagrant adds, reports outdated and updates boxes published by GAEV to a
registry on a directory (file://), over HTTP (a static server on 127.0.0.1) and on a
real S3 server (SeaweedFS on 127.0.0.1)."""

from __future__ import annotations

import json

import pytest

from tests.registry.helpers import boxes_in, gaev, make_box, vagrant
from tests.registry.servers import static_server
from tests.toolcheck import need_tool

pytestmark = pytest.mark.tools


def publish_two_versions_and_update(tmp_path, registry: str, metadata_url: str, env=None) -> None:
    gaev("publish", str(make_box(tmp_path / "one.box")), "--to", registry, "--name", "lab/demo",
         "--version", "1.0.0", env=env)
    home = tmp_path / "vagrant.d"
    vagrant(home, "box", "add", metadata_url)
    assert boxes_in(home) == {("lab/demo", "1.0.0", "libvirt")}
    # GAEV's cache view reads the same metadata_url Vagrant stored: up to date for now.
    listed = json.loads(gaev("boxes", "list", "--json", env={"VAGRANT_HOME": str(home)}).stdout)
    (box,) = [b for b in listed if b["name"] == "lab/demo"]
    assert box["latest_version"] == "1.0.0" and box["outdated"] is False

    gaev("publish", str(make_box(tmp_path / "two.box")), "--to", registry, "--name", "lab/demo", env=env)
    outdated = vagrant(home, "box", "outdated", "--global").stdout
    assert "lab/demo" in outdated and "1.0.1" in outdated, outdated
    # A new cache directory: remote catalogues are cached for an hour.
    later = {"VAGRANT_HOME": str(home), "GAEV_CACHE_DIR": str(tmp_path / "cache-later")}
    listed = json.loads(gaev("boxes", "list", "--json", env=later).stdout)
    (box,) = [b for b in listed if b["name"] == "lab/demo"]
    assert box["latest_version"] == "1.0.1" and box["outdated"] is True
    vagrant(home, "box", "update", "--box", "lab/demo")
    assert ("lab/demo", "1.0.1", "libvirt") in boxes_in(home)


def test_directory_registry_over_file_url(tmp_path):
    need_tool("vagrant")
    registry = tmp_path / "registry"
    gaev("registry", "init", str(registry))
    publish_two_versions_and_update(tmp_path, str(registry), f"{registry.as_uri()}/lab/demo/metadata.json")


def test_directory_registry_over_http(tmp_path):
    need_tool("vagrant")
    registry = tmp_path / "registry"
    registry.mkdir()
    with static_server(registry) as url:
        gaev("registry", "init", str(registry), "--url", url)
        publish_two_versions_and_update(tmp_path, str(registry), f"{url}/lab/demo/metadata.json")


def test_s3_registry(tmp_path, s3_env):
    need_tool("vagrant")
    public = f"{s3_env}/boxes/lab-registry"
    gaev("registry", "init", "s3://boxes/lab-registry", "--url", public)
    publish_two_versions_and_update(tmp_path, "s3://boxes/lab-registry", f"{public}/lab/demo/metadata.json")


def test_vagrant_refuses_a_box_changed_after_publishing(tmp_path):
    """The checksum is set and Vagrant checks it: a swapped file is refused."""
    need_tool("vagrant")
    registry = tmp_path / "registry"
    gaev("registry", "init", str(registry))
    gaev("publish", str(make_box(tmp_path / "one.box")), "--to", str(registry), "--name", "lab/demo",
         "--version", "1.0.0")
    (box_file,) = (registry / "lab/demo/1.0.0/libvirt/amd64").glob("*.box")
    box_file.write_bytes(make_box(tmp_path / "other.box").read_bytes())
    done = vagrant(tmp_path / "vagrant.d", "box", "add", f"{registry.as_uri()}/lab/demo/metadata.json", check=False)
    assert done.returncode != 0 and "checksum" in (done.stdout + done.stderr).lower()
