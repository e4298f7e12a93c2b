"""'gaev cloud' against a real Keystone and a real Glance that checks its tokens
(tests/cloud/keystone.py): a clouds.yaml with password auth (the password in
secure.yaml, as users keep it), the image endpoint found in Keystone's catalogue, the
upload owned by the user's project, reuse and deletion by 'down --image'; a wrong
password is one line and creates nothing; the password never reaches output or files.
The compute and network calls of 'up' are the recorded flow (tests/cloud/recorded.py),
reached through the same catalogue."""

from __future__ import annotations

import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from gaev_tui import paths
from gaev_tui.boxbuild.checksum import sha256_file
from gaev_tui.cli.main import main
from gaev_tui.cloud import connect, launch, record, upload
from tests.cloud import recorded
from tests.cloud.helpers import cloud_project, ssh_key
from tests.toolcheck import need_tool

pytestmark = pytest.mark.tools
CLOUD = "real-keystone"


def clouds_yaml(cloud, directory, monkeypatch, password=None, region="RegionOne") -> None:
    (directory / "clouds.yaml").write_text(
        f"clouds:\n  {CLOUD}:\n    region_name: {region}\n    identity_api_version: '3'\n"
        f"    auth:\n      auth_url: {cloud.auth_url}\n      username: {cloud.username}\n"
        f"      project_name: {cloud.project}\n      user_domain_name: Default\n      project_domain_name: Default\n")
    (directory / "secure.yaml").write_text(
        f"clouds:\n  {CLOUD}:\n    auth:\n      password: {password or cloud.password}\n")
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(directory / "clouds.yaml"))
    monkeypatch.setenv("OS_CLIENT_SECURE_FILE", str(directory / "secure.yaml"))
    for name in ("OS_CLOUD", "OS_AUTH_URL", "OS_USERNAME", "OS_PASSWORD", "OS_PROJECT_NAME"):
        monkeypatch.delenv(name, raising=False)


def qcow2(path, size="64M"):
    subprocess.run([need_tool("qemu-img")["qemu-img"], "create", "-q", "-f", "qcow2", str(path), size], check=True)
    return path


def images(cloud, directory, monkeypatch):
    """The images the user's project sees in Glance (asked with the right password)."""
    clouds_yaml(cloud, directory, monkeypatch)
    return list(connect.connect(CLOUD).image.images())


def keystone_auths(cloud) -> int:
    """Token requests Keystone has served so far (its uWSGI request log)."""
    return (cloud.glance_root.parent / "uwsgi.log").read_text().count("POST /v3/auth/tokens")


def test_glance_refuses_a_request_without_a_token(keystone_cloud):
    # what makes the tests below prove authentication: this Glance is not open
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(keystone_cloud.glance_url + "v2/images", timeout=30)
    assert refused.value.code == 401


def test_upload_reuse_delete_through_keystones_catalogue(keystone_cloud, tmp_path, monkeypatch):
    cloud = keystone_cloud
    clouds_yaml(cloud, tmp_path, monkeypatch)
    conn = connect.connect(connect.resolve(CLOUD))
    assert conn.image.get_endpoint().rstrip("/") == cloud.glance_url + "v2"  # the catalogue's, then discovery
    path = qcow2(tmp_path / "disk.qcow2")
    plan = launch.Plan(cloud=CLOUD, server="ks1", image_file=str(path), image_name="gaev-ks1",
                       image_sha256=sha256_file(path), disk_format="qcow2", flavor="-", key_name="-",
                       public_key="-", user_data="", ports=())
    created, steps = {}, []
    image = upload.ensure_image(conn, plan, steps.append, created)
    assert image.status == "active" and image.owner_id == cloud.project_id  # the user's project, by its token
    assert sha256_file(cloud.glance_root / "images" / image.id) == plan.image_sha256
    assert upload.ensure_image(conn, plan, steps.append, {}).id == image.id
    assert f"image: reusing gaev-ks1 ({image.id}), same sha256" in steps
    launch.cleanup(conn, created, steps.append, image=True)
    assert list(conn.image.images()) == []
    record.drop("ks1")


def test_up_and_down_through_keystone(keystone_cloud, tmp_path, monkeypatch, capsys):
    cloud = keystone_cloud
    clouds_yaml(cloud, tmp_path, monkeypatch)
    project = cloud_project(tmp_path / "p")
    image = qcow2(tmp_path / "img.qcow2")
    key = ssh_key(tmp_path).with_suffix(".pub")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)  # the byte progress line is for terminals
    with recorded.compute_replayed() as flow:
        flow.server_states = [recorded.ACTIVE]  # (a BUILD first would cost the CLI one 5 s poll)
        assert main(["cloud", "up", str(project), "--cloud", CLOUD, "--key", str(key), "--image", str(image)]) == 0
        out, err = capsys.readouterr()
        size = image.stat().st_size / 1e6
        assert f"100.0%  {size:,.1f}/{size:,.1f} MB" in err  # the upload's last progress line
        assert out.splitlines()[0] == "cloudy: ACTIVE at 10.0.0.5"
        done = {"url": out.splitlines()[1].split("url: ")[1], "created": record.load("cloudy")}
        assert done["url"] == "http://10.0.0.5/"
        uploaded = [i for i in images(cloud, tmp_path, monkeypatch) if i.id == done["created"]["image_id"]]
        assert uploaded and uploaded[0].properties[upload.SHA_PROPERTY] == sha256_file(image)
        assert uploaded[0].owner_id == cloud.project_id
        assert "POST /v2.1/servers" in flow.calls
        server_request = [r for r in flow.mock.request_history if r.url.endswith("/v2.1/servers")][0]
        assert server_request.json()["server"]["imageRef"] == uploaded[0].id
        kept = (paths.state_dir() / "cloud" / "cloudy.json").read_text()
        assert cloud.password not in out + err + kept

        assert main(["cloud", "down", "cloudy", "--image"]) == 0
        out, err = capsys.readouterr()
        assert f"image {uploaded[0].id}" in out and cloud.password not in out + err
    assert images(cloud, tmp_path, monkeypatch) == []


def test_a_wrong_password_is_one_line_and_creates_nothing(keystone_cloud, tmp_path, monkeypatch, capsys):
    cloud = keystone_cloud
    wrong = "not-" + cloud.password
    clouds_yaml(cloud, tmp_path, monkeypatch, password=wrong)
    project = cloud_project(tmp_path / "p")
    key = ssh_key(tmp_path).with_suffix(".pub")
    image = qcow2(tmp_path / "img.qcow2")
    with recorded.compute_replayed() as flow:
        assert main(["cloud", "up", str(project), "--cloud", CLOUD, "--key", str(key), "--image", str(image)]) == 2
        assert flow.calls == []
    out, err = capsys.readouterr()
    errors = [line for line in err.splitlines() if not line.startswith("[cloud]")]
    assert errors == [f"gaev: {tmp_path / 'clouds.yaml'}: cloud '{CLOUD}': {cloud.auth_url} refused the credentials "
                      "(HTTP 401); check its user, project and password (secure.yaml keeps the password apart)"]
    assert wrong not in out + err and record.load("cloudy") is None
    assert images(cloud, tmp_path, monkeypatch) == []


def test_a_region_without_the_services_is_one_line_and_creates_nothing(keystone_cloud, tmp_path, monkeypatch, capsys):
    cloud = keystone_cloud
    clouds_yaml(cloud, tmp_path, monkeypatch, region="RegionTwo")  # the catalogue has RegionOne only
    project = cloud_project(tmp_path / "p")
    key = ssh_key(tmp_path).with_suffix(".pub")
    image = qcow2(tmp_path / "img.qcow2")
    with recorded.compute_replayed() as flow:
        assert main(["cloud", "up", str(project), "--cloud", CLOUD, "--key", str(key), "--image", str(image)]) == 1
        assert flow.calls == []
    errors = [line for line in capsys.readouterr().err.splitlines() if not line.startswith("[cloud]")]
    assert len(errors) == 1 and errors[0].startswith(f"gaev: cloud '{CLOUD}': ") and "RegionTwo" in errors[0], errors
    assert "compute" in errors[0] and record.load("cloudy") is None
    assert images(cloud, tmp_path, monkeypatch) == []


def test_dry_run_with_password_auth_contacts_no_keystone(keystone_cloud, tmp_path, monkeypatch, capsys):
    cloud = keystone_cloud
    clouds_yaml(cloud, tmp_path, monkeypatch)
    project = cloud_project(tmp_path / "p")
    key = ssh_key(tmp_path).with_suffix(".pub")
    before = keystone_auths(cloud)
    assert main(["cloud", "up", str(project), "--cloud", CLOUD, "--key", str(key), "--dry-run"]) == 0
    out, err = capsys.readouterr()
    assert f"cloud:          {CLOUD}" in out and cloud.password not in out + err
    assert keystone_auths(cloud) == before


def test_openrc_variables_instead_of_clouds_yaml(keystone_cloud, tmp_path, monkeypatch):
    cloud = keystone_cloud
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(tmp_path / "none.yaml"))
    monkeypatch.setenv("OS_CLIENT_SECURE_FILE", str(tmp_path / "none-secure.yaml"))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OS_CLOUD", raising=False)
    for name, value in (("OS_AUTH_URL", cloud.auth_url), ("OS_USERNAME", cloud.username), ("OS_PASSWORD", cloud.password),
                        ("OS_PROJECT_NAME", cloud.project), ("OS_USER_DOMAIN_NAME", "Default"),
                        ("OS_PROJECT_DOMAIN_NAME", "Default"), ("OS_REGION_NAME", "RegionOne"),
                        ("OS_IDENTITY_API_VERSION", "3")):
        monkeypatch.setenv(name, value)
    conn = connect.connect(connect.resolve(None))  # the SDK's 'envvars' cloud
    assert conn.image.get_endpoint().rstrip("/") == cloud.glance_url + "v2"
    assert list(conn.image.images()) == []
