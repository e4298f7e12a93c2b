"""'gaev cloud up/down/list' from the command line, on the recorded API flow: the whole
path a user takes, bad input refused in one line with nothing created, and the
password of clouds.yaml/secure.yaml never in any output."""

from __future__ import annotations

import json
import subprocess

import pytest

from gaev_tui.boxbuild.checksum import sha256_file
from gaev_tui.boxcache import records
from gaev_tui.cli.main import main
from gaev_tui.cloud import record
from gaev_tui.envspec import parse_spec_text, spec_to_dict
from tests.cloud import recorded
from tests.cloud.helpers import SPEC, cloud_project, ssh_key
from tests.registry.helpers import make_box
from tests.registry.servers import free_port
from tests.toolcheck import need_tool


@pytest.fixture
def flow(tmp_path, monkeypatch):
    with recorded.replayed(tmp_path, monkeypatch) as replay:
        yield replay


def qcow2(path, size):
    subprocess.run([need_tool("qemu-img")["qemu-img"], "create", "-q", "-f", "qcow2", str(path), size], check=True)
    return path


def posts(flow):
    return [c for c in flow.calls if c.startswith(("POST /v2", "PUT", "DELETE"))]


def test_up_list_down_from_the_command_line(flow, tmp_path, capsys):
    project = cloud_project(tmp_path / "p")
    image = qcow2(tmp_path / "img.qcow2", "8G")
    flow.image_sha256 = sha256_file(image)
    flow.server_states = [{"status": "BUILD"}, recorded.ACTIVE]
    key = ssh_key(tmp_path).with_suffix(".pub")
    assert main(["cloud", "up", str(project), "--cloud", "testcloud", "--key", str(key), "--image", str(image),
                 "--floating-ip"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[:2] == ["cloudy: ACTIVE at 203.0.113.7", "  url: http://203.0.113.7/"]
    # no flavour given: the smallest holding 1 vCPU, 1024 MB and the 10 GB disk cap
    assert "->m1.small" in err.replace(" ", "")
    assert recorded.SECRET not in out + err
    assert main(["cloud", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed == [{"name": "cloudy", "cloud": "testcloud", "status": "ACTIVE", "url": "http://203.0.113.7/"}]
    assert main(["cloud", "down", "cloudy"]) == 0
    out, err = capsys.readouterr()
    assert "deleted floating IP fip-1" in out and recorded.SECRET not in out + err
    assert main(["cloud", "list"]) == 0 and "no servers launched by GAEV" in capsys.readouterr().out


def test_dry_run_prints_the_plan_and_user_data_and_contacts_nothing(flow, tmp_path, capsys):
    project = cloud_project(tmp_path / "p")
    key = ssh_key(tmp_path).with_suffix(".pub")
    assert main(["cloud", "up", str(project), "--cloud", "testcloud", "--key", str(key), "--dry-run",
                 "--base-url", "https://hub.example.org"]) == 0
    out = capsys.readouterr().out
    assert "--- user-data ---\n#cloud-config\n" in out and key.read_text().strip() in out
    assert '{"base_url": "https://hub.example.org"}' in out
    assert flow.calls == []


@pytest.mark.parametrize("case", ["no cloud", "unknown cloud", "missing key", "image too big", "no flavour fits"])
def test_bad_input_is_one_line_and_creates_nothing(flow, tmp_path, capsys, monkeypatch, case):
    project = cloud_project(tmp_path / "p")
    key = ssh_key(tmp_path).with_suffix(".pub")
    image = qcow2(tmp_path / "img.qcow2", "100G" if case in ("image too big", "no flavour fits") else "1G")
    argv = ["cloud", "up", str(project), "--key", str(key), "--image", str(image), "--cloud", "testcloud"]
    expected = {
        "no cloud": "no OpenStack cloud configured",
        "unknown cloud": "--cloud: unknown cloud 'nosuch'; configured: testcloud",
        "missing key": "--key: " + str(tmp_path / "absent.pub") + ": no such file",
        "image too big": "--flavor: m1.small (1 vCPUs, 2048 MB, 20 GB) is too small for 1 vCPUs, 1024 MB and the image's 100 GB disk",
        "no flavour fits": "no flavour of 'testcloud' holds 1 vCPUs, 1024 MB and the image's 100 GB disk",
    }[case]
    if case == "no cloud":
        monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(tmp_path / "none.yaml"))
        monkeypatch.setenv("OS_CLIENT_SECURE_FILE", str(tmp_path / "none-secure.yaml"))
        monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.config/openstack either
        monkeypatch.chdir(tmp_path)
        argv.remove("--cloud"), argv.remove("testcloud")
    if case == "unknown cloud":
        argv[-1] = "nosuch"
    if case == "missing key":
        argv[argv.index("--key") + 1] = str(tmp_path / "absent.pub")
    if case == "image too big":
        argv += ["--flavor", "m1.small"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if not line.startswith("[cloud]")]  # progress lines aside
    assert len(errors) == 1 and expected in errors[0], err
    assert posts(flow) == []


def built_box(tmp_path, spec_text=SPEC):
    """A .box GAEV built (its record, with the spec, in GAEV's box records), moved away
    from its project as a user would copy it."""
    box = make_box(tmp_path / "elsewhere" / "cloudy.box")
    records.record_built("cloudy", "0", "libvirt", checksum=sha256_file(box), spec=spec_to_dict(parse_spec_text(spec_text)),
                         box_file=str(tmp_path / "gone" / "builds" / "cloudy.box"))
    return box


def test_up_from_a_bare_box_gaev_built(flow, tmp_path, capsys):
    box = built_box(tmp_path)
    key = ssh_key(tmp_path).with_suffix(".pub")
    assert main(["cloud", "up", str(box), "--cloud", "testcloud", "--key", str(key), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "server:         cloudy" in out and "security group: gaev-cloudy: tcp 22, 80" in out
    assert "--- user-data ---\n#cloud-config\n" in out and "/usr/local/sbin/gaev-base-url" in out
    image = qcow2(tmp_path / "img.qcow2", "8G")
    flow.image_sha256 = sha256_file(image)
    flow.server_states = [recorded.ACTIVE]
    assert main(["cloud", "up", str(box), "--cloud", "testcloud", "--key", str(key), "--image", str(image)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[:2] == ["cloudy: ACTIVE at 10.0.0.5", "  url: http://10.0.0.5/"]
    rules = [r.json()["security_group_rule"]["port_range_min"] for r in flow.mock.request_history
             if r.url.endswith("/security-group-rules")]
    assert rules == [22, 80]  # the spec's app ports, from GAEV's record
    assert main(["cloud", "down", "cloudy"]) == 0


@pytest.mark.parametrize("case", ["no record", "not cloud-ready"])
def test_a_bare_box_without_a_cloud_spec_is_one_line_and_creates_nothing(flow, tmp_path, capsys, case):
    if case == "no record":
        box = make_box(tmp_path / "other.box")
        expected = f"{box}: GAEV has no record of building this box (sha256 "
    else:
        box = built_box(tmp_path, SPEC.replace("targets: [vagrant, openstack]\n", ""))
        expected = f"{box}: built from a spec without targets: [vagrant, openstack]"
    key = ssh_key(tmp_path).with_suffix(".pub")
    image = qcow2(tmp_path / "img.qcow2", "1G")
    assert main(["cloud", "up", str(box), "--cloud", "testcloud", "--key", str(key), "--image", str(image)]) == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if not line.startswith("[cloud]")]
    assert len(errors) == 1 and expected in errors[0], errors
    assert flow.calls == [] and record.load("cloudy") is None


def test_an_unreachable_keystone_is_one_line(tmp_path, monkeypatch, capsys):
    port = free_port()  # nothing listens there
    (tmp_path / "clouds.yaml").write_text(
        f"clouds:\n  gone:\n    auth:\n      auth_url: http://127.0.0.1:{port}/v3\n      username: u\n"
        "      password: s3cret-unused\n      project_name: p\n      user_domain_name: Default\n"
        "      project_domain_name: Default\n")
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(tmp_path / "clouds.yaml"))
    monkeypatch.delenv("OS_CLOUD", raising=False)
    project = cloud_project(tmp_path / "p")
    key = ssh_key(tmp_path).with_suffix(".pub")
    image = qcow2(tmp_path / "img.qcow2", "1G")
    assert main(["cloud", "up", str(project), "--cloud", "gone", "--key", str(key), "--image", str(image)]) == 1
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if not line.startswith("[cloud]")]
    assert errors == [f"gaev: cloud 'gone': cannot reach http://127.0.0.1:{port}/v3 (ConnectFailure)"]
    assert "s3cret-unused" not in err and record.load("cloudy") is None
