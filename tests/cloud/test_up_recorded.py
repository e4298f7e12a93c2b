"""``gaev cloud up`` / ``down`` against a recorded API flow (openstacksdk's own
ConnectionFixture for the catalogue and token, requests-mock replaying Nova/Neutron/
Glance answers): success, quota exceeded, server ERROR with its fault, timeout,
cancel, and clean-up of exactly what was created."""

from __future__ import annotations

import threading

import pytest

from gaev_tui.cloud import connect, launch, record
from gaev_tui.errors import GaevError
from tests.cloud import recorded

SHA = "ab" * 32


@pytest.fixture
def flow(tmp_path, monkeypatch):
    with recorded.replayed(tmp_path, monkeypatch) as replay:
        replay.image_sha256 = SHA
        yield replay


def plan(**changes) -> launch.Plan:
    values = dict(cloud="testcloud", server="cloudy", image_file="/nonexistent.qcow2", image_name="gaev-cloudy-x",
                  image_sha256=SHA, disk_format="qcow2", flavor="m1.medium", key_name="gaev-k1",
                  public_key="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB test", user_data="#cloud-config\n{}\n",
                  ports=(80,), url_port=80)
    values.update(changes)
    return launch.Plan(**values)


def creations(flow) -> list[str]:
    return [c for c in flow.calls if c.startswith(("POST /v2.1/servers", "POST /v2.1/os-keypairs", "POST /v2.0/"))]


def deletions(flow) -> list[str]:
    return [c for c in flow.calls if c.startswith("DELETE")]


def test_success_creates_reports_and_down_deletes(flow):
    flow.server_states = [{"status": "BUILD", "task_state": "spawning", "progress": 40}, recorded.ACTIVE]
    conn = connect.connect(connect.resolve("testcloud"))
    steps = []
    done = launch.up(conn, plan(floating_ip=True), steps.append, poll=0)
    assert done.status == "ACTIVE" and done.address == "203.0.113.7" and done.url == "http://203.0.113.7/"
    assert creations(flow) == ["POST /v2.1/os-keypairs", "POST /v2.0/security-groups", "POST /v2.0/security-group-rules",
                               "POST /v2.0/security-group-rules", "POST /v2.1/servers", "POST /v2.0/floatingips"]
    assert "image: reusing gaev-cloudy-x (img-1), same sha256" in steps  # no upload
    assert "server: BUILD, spawning, 40%" in steps and "server: ACTIVE, 100%" in steps
    body = [r for r in flow.mock.request_history if r.method == "POST" and r.url.endswith("/v2.1/servers")][0].json()
    assert body["server"]["user_data"] == "I2Nsb3VkLWNvbmZpZwp7fQo="  # base64 of the user-data
    kept = record.load("cloudy")
    assert kept["server_id"] == flow.server_id and kept["floating_ip_id"] == "fip-1" and "image_id" not in kept

    launch.cleanup(conn, kept, steps.append, image=True)
    assert deletions(flow) == ["DELETE /v2.0/floatingips/fip-1", f"DELETE /v2.1/servers/{flow.server_id}",
                               "DELETE /v2.0/security-groups/sg-1", "DELETE /v2.1/os-keypairs/gaev-k1"]
    # the reused image was not GAEV's to delete, even with --image
    assert not any("/v2/images" in c for c in deletions(flow))


def test_quota_exceeded_cleans_up_and_says_why(flow):
    flow.create_server_error = (403, {"forbidden": {"code": 403, "message": "Quota exceeded for instances: Requested 1, but already used 10 of 10 instances"}})
    conn = connect.connect("testcloud")
    with pytest.raises(GaevError, match="Quota exceeded for instances"):
        launch.up(conn, plan(), lambda s: None, poll=0)
    assert deletions(flow) == ["DELETE /v2.0/security-groups/sg-1", "DELETE /v2.1/os-keypairs/gaev-k1"]
    assert record.load("cloudy") is None


def test_server_error_prints_its_fault_and_cleans_up(flow):
    flow.server_states = [{"status": "BUILD"}, {"status": "ERROR", "fault": "No valid host was found. There are not enough hosts available."}]
    conn = connect.connect("testcloud")
    with pytest.raises(GaevError, match="went to ERROR: No valid host was found"):
        launch.up(conn, plan(), lambda s: None, poll=0)
    assert f"DELETE /v2.1/servers/{flow.server_id}" in deletions(flow)
    assert "DELETE /v2.0/security-groups/sg-1" in deletions(flow)
    assert record.load("cloudy") is None


def test_timeout_gives_up_and_cleans_up(flow):
    flow.server_states = [{"status": "BUILD", "progress": 5}]
    conn = connect.connect("testcloud")
    with pytest.raises(GaevError, match="still BUILD after 0 s"):
        launch.up(conn, plan(), lambda s: None, timeout=0, poll=0)
    assert f"DELETE /v2.1/servers/{flow.server_id}" in deletions(flow)


def test_cancel_while_building_cleans_up(flow):
    flow.server_states = [{"status": "BUILD"}]
    cancel = threading.Event()
    seen = []

    def step(text):
        seen.append(text)
        if text.startswith("server: BUILD"):
            cancel.set()  # the user presses Ctrl-C / Cancel while the server builds

    with pytest.raises(launch.Cancelled):
        launch.up(connect.connect("testcloud"), plan(), step, cancel=cancel, poll=0)
    assert deletions(flow) == [f"DELETE /v2.1/servers/{flow.server_id}", "DELETE /v2.0/security-groups/sg-1",
                               "DELETE /v2.1/os-keypairs/gaev-k1"]
    assert record.load("cloudy") is None


def test_an_existing_record_is_refused_and_kept(flow):
    record.save("cloudy", {"cloud": "testcloud", "server_id": "earlier"})
    with pytest.raises(GaevError, match="already launched 'cloudy'"):
        launch.up(connect.connect("testcloud"), plan(), lambda s: None, poll=0)
    assert record.load("cloudy")["server_id"] == "earlier" and creations(flow) == []
