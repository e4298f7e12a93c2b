"""The project's cloud/user-data and the filled copy 'gaev cloud up' sends, checked by
cloud-init's own schema validator (Debian's cloud-init package)."""

from __future__ import annotations

import base64
import json
import subprocess

import pytest
import yaml

from gaev_tui.errors import InputError
from gaev_tui.render.userdata import LAUNCH_FILE, NOVA_USER_DATA_LIMIT, fill_user_data, public_key_line
from tests.cloud.helpers import cloud_project, ssh_key
from tests.toolcheck import need_tool


def schema(path) -> subprocess.CompletedProcess:
    tool = need_tool("cloud-init")["cloud-init"]
    return subprocess.run([tool, "schema", "-c", str(path)], capture_output=True, text=True)


def test_project_and_filled_user_data_pass_cloud_init_schema(tmp_path):
    project = cloud_project(tmp_path / "p")
    checked = schema(project / "cloud/user-data")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    key = public_key_line(ssh_key(tmp_path).with_suffix(".pub").read_text(), "key")
    filled = fill_user_data((project / "cloud/user-data").read_text(), key, "https://hub.example.org")
    out = tmp_path / "filled"
    out.write_text(filled)
    checked = schema(out)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    data = yaml.safe_load(filled)
    assert data["ssh_authorized_keys"] == [key]
    launch = [f for f in data["write_files"] if f["path"] == LAUNCH_FILE]
    assert len(launch) == 1 and json.loads(launch[0]["content"]) == {"base_url": "https://hub.example.org"}


def test_schema_catches_a_broken_user_data(tmp_path):
    """The check can fail: a wrong type is reported by cloud-init itself."""
    bad = tmp_path / "bad"
    bad.write_text("#cloud-config\nssh_pwauth: [1, 2]\n")
    assert schema(bad).returncode != 0


def test_values_that_could_add_cloud_config_are_refused(tmp_path):
    template = cloud_project(tmp_path / "p").joinpath("cloud/user-data").read_text()
    key = public_key_line(ssh_key(tmp_path).with_suffix(".pub").read_text(), "key")
    with pytest.raises(InputError, match="not a plain http"):
        fill_user_data(template, key, "http://x\nruncmd: [[rm, -rf, /]]")
    with pytest.raises(InputError, match="one OpenSSH public key"):
        public_key_line(key + "\nruncmd: [reboot]", "key.pub")
    with pytest.raises(InputError, match="one OpenSSH public key"):
        public_key_line("-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n", "id_ed25519")


def test_user_data_over_novas_limit_is_refused(tmp_path):
    template = cloud_project(tmp_path / "p").joinpath("cloud/user-data").read_text()
    key = public_key_line(ssh_key(tmp_path).with_suffix(".pub").read_text(), "key")
    padding = "# " + "x" * 200 + "\n"
    # Comments vanish when the YAML is re-written: the size must come from data.
    big = template + "bootcmd:\n" + "".join(f"  - [true, '{'x' * 200}']\n" for _ in range(260))
    text = fill_user_data(template + padding, key)
    assert len(base64.b64encode(text.encode())) < NOVA_USER_DATA_LIMIT
    with pytest.raises(InputError, match="over Nova's limit of 65535"):
        fill_user_data(big, key)
