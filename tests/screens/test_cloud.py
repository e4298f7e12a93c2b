"""The Cloud screen launches a project on the recorded OpenStack flow (see
tests/cloud/recorded.py), following the steps and showing the URL; Cancel deletes what
was created; bad input is one message on the screen, with nothing created."""

from __future__ import annotations

import subprocess

import pytest
from textual.widgets import Input, Log, ProgressBar, Static

from gaev_tui.boxbuild.checksum import sha256_file
from gaev_tui.cloud import connect, launch, record
from tests.cloud import recorded
from tests.cloud.helpers import cloud_project, ssh_key
from tests.pilot import wait_for
from tests.toolcheck import need_tool


@pytest.fixture
def flow(tmp_path, monkeypatch):
    with recorded.replayed(tmp_path, monkeypatch) as replay:
        yield replay


def fill(screen, project, key, image_dir):
    screen.query_one("#cloud-source", Input).value = str(project)
    screen.query_one("#cloud-key", Input).value = str(key)
    image = image_dir / "cloudy.qcow2"  # where 'up' looks for the export: beside the box
    image.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([need_tool("qemu-img")["qemu-img"], "create", "-q", "-f", "qcow2", str(image), "4G"], check=True)
    return image


async def test_cloud_screen_launches_and_shows_the_url(make, flow, tmp_path):
    project = cloud_project(tmp_path / "p")
    key = ssh_key(tmp_path).with_suffix(".pub")
    app = make()
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.press("l")
        screen = app.screen
        assert type(screen).__name__ == "CloudScreen"
        assert screen.query_one("#cloud-cloud", Input).value == "testcloud"  # the only cloud configured
        flow.image_sha256 = sha256_file(fill(screen, project, key, project / "builds"))
        flow.server_states = [{"status": "BUILD", "progress": 30}, recorded.ACTIVE]
        await pilot.press("ctrl+l")
        result = screen.query_one("#cloud-result", Static)
        await wait_for(pilot, lambda: "URL:" in str(result.render()), what="the URL")
        assert "URL:  http://10.0.0.5/" in str(result.render())
        steps = "\n".join(screen.query_one("#cloud-steps", Log).lines)
        assert "server: BUILD, 30%" in steps and "server: ACTIVE, 100%" in steps and "->m1.small" in steps.replace(" ", "")
        assert recorded.SECRET not in steps


async def test_cloud_screen_cancel_deletes_what_was_created(make, flow, tmp_path):
    project = cloud_project(tmp_path / "p")
    key = ssh_key(tmp_path).with_suffix(".pub")
    app = make()
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.press("l")
        screen = app.screen
        flow.image_sha256 = sha256_file(fill(screen, project, key, project / "builds"))
        flow.server_states = [{"status": "BUILD"}]  # never becomes ACTIVE
        await pilot.press("ctrl+l")
        steps = screen.query_one("#cloud-steps", Log)
        await wait_for(pilot, lambda: any("server: BUILD" in line for line in steps.lines), what="the build")
        await pilot.click("#cloud-cancel")
        error = screen.query_one("#cloud-error", Static)
        await wait_for(pilot, lambda: "Not launched" in str(error.render()), what="the cancel", timeout=120)
        assert "cancelled" in str(error.render())
        assert f"DELETE /v2.1/servers/{flow.server_id}" in flow.calls and "DELETE /v2.0/security-groups/sg-1" in flow.calls


async def test_cloud_screen_bad_key_is_one_message_and_nothing_created(make, flow, tmp_path):
    project = cloud_project(tmp_path / "p")
    app = make()
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.press("l")
        screen = app.screen
        screen.query_one("#cloud-source", Input).value = str(project)
        screen.query_one("#cloud-key", Input).value = str(tmp_path / "absent.pub")
        await pilot.press("ctrl+l")
        error = screen.query_one("#cloud-error", Static)
        await wait_for(pilot, lambda: "Not launched" in str(error.render()), what="the error")
        assert "absent.pub: no such file" in str(error.render())
        assert [c for c in flow.calls if not c.startswith("GET")] == []


async def test_cloud_screen_shows_the_configured_clouds(make, flow, tmp_path):
    app = make()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("l")
        assert "Clouds: testcloud" in str(app.screen.query_one("#cloud-known", Static).render())


@pytest.mark.tools
async def test_cloud_screen_follows_the_upload_to_a_real_glance(make, glance, tmp_path, monkeypatch):
    # Glance is real (tests/cloud/glance.py, no Keystone); compute and network are the recorded flow
    clouds = tmp_path / "clouds.yaml"
    clouds.write_text(f"clouds:\n  local:\n    auth_type: none\n    image_endpoint_override: {glance[0]}\n"
                      f"    compute_endpoint_override: {recorded.COMPUTE}/\n"
                      f"    network_endpoint_override: {recorded.NETWORK.removesuffix('/v2.0')}/\n")
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(clouds))
    monkeypatch.setenv("OS_CLIENT_SECURE_FILE", str(tmp_path / "none-secure.yaml"))
    monkeypatch.delenv("OS_CLOUD", raising=False)
    project = cloud_project(tmp_path / "p")
    key = ssh_key(tmp_path).with_suffix(".pub")
    app = make()
    with recorded.compute_replayed() as flow:
        flow.server_states = [recorded.ACTIVE]
        async with app.run_test(size=(110, 40)) as pilot:
            await pilot.press("l")
            screen = app.screen
            bar = screen.query_one("#cloud-upload", ProgressBar)
            assert not bar.display  # hidden until an upload starts
            image = fill(screen, project, key, project / "builds")
            await pilot.press("ctrl+l")
            result = screen.query_one("#cloud-result", Static)
            await wait_for(pilot, lambda: "URL:" in str(result.render()), what="the URL", timeout=120)
            assert bar.display and bar.total == bar.progress == image.stat().st_size
    created = record.load("cloudy")
    stored = glance[1] / "images" / created["image_id"]
    assert sha256_file(stored) == sha256_file(image)  # Glance holds the very bytes the bar counted
    conn = connect.connect("local")
    launch.cleanup(conn, {"image_id": created["image_id"]}, lambda s: None, image=True)
    record.drop("cloudy")
