"""The cloud-init user-data: the project's ``cloud/user-data`` and the filled copy that
``gaev cloud up`` sends.

The file is data: launch values are placed into the parsed YAML (never pasted into text),
and checked first, so neither a key comment nor a URL can add cloud-config of its own.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import yaml

from gaev_tui.catalog import Catalog
from gaev_tui.envspec import Spec
from gaev_tui.envspec.dump import dump_yaml
from gaev_tui.errors import InputError
from gaev_tui.templating import render

HOOK = "/usr/local/sbin/gaev-base-url"
LAUNCH_FILE = "/etc/gaev/launch.json"
# Nova refuses user_data whose base64 form is longer than this (os-servers API).
NOVA_USER_DATA_LIMIT = 65535
MAX_FILE = 1 << 20  # a project's user-data file is read only up to this size
_URL = re.compile(r"^https?://([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?$")
_KEY = re.compile(r"^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521)|sk-[a-z0-9@.-]+) [A-Za-z0-9+/=]+( [\x20-\x7e]*)?$")


def cloud_apps(spec: Spec, catalog: Catalog) -> list[dict[str, Any]]:
    """The apps' base-URL declarations, as the first-boot hook reads them."""
    out = []
    for app_id in spec.apps:
        app = catalog.apps[app_id]
        if app.base_url is None or not app.ports:
            continue
        decl = app.base_url
        out.append({
            "id": app_id, "port": app.ports[0].guest, "file": decl.file, "format": decl.format,
            "key": decl.key, "value": decl.value, "path": decl.path, "restart": decl.restart,
        })
    return out


def project_user_data(spec: Spec) -> str:
    """``cloud/user-data`` of a project whose targets include openstack."""
    body = {
        "ssh_pwauth": False,
        "write_files": [{"path": LAUNCH_FILE, "permissions": "0644", "content": _launch_json("")}],
        "runcmd": [[HOOK]],
    }
    return render("cloud/user-data.j2", name=spec.name, body=dump_yaml(body).rstrip("\n"))


def _launch_json(base_url: str) -> str:
    return json.dumps({"base_url": base_url}, sort_keys=True) + "\n"


def public_key_line(text: str, where: str) -> str:
    """One OpenSSH public key line, or an InputError naming ``where``."""
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if len(lines) != 1 or not _KEY.match(lines[0]):
        raise InputError(f"{where}: not one OpenSSH public key line (ssh-ed25519 AAAA... comment)")
    return lines[0]


def fill_user_data(template: str, public_key: str, base_url: str = "", where: str = "cloud/user-data") -> str:
    """The user-data for one launch: the project's file with the key and base URL set."""
    if len(template.encode()) > MAX_FILE:
        raise InputError(f"{where}: larger than {MAX_FILE} bytes")
    if base_url and not _URL.match(base_url):
        raise InputError(f"--base-url: '{base_url}' is not a plain http(s) URL (scheme://host[:port][/path])")
    if not template.startswith("#cloud-config"):
        raise InputError(f"{where}:1: must start with '#cloud-config'")
    try:
        data = yaml.safe_load(template)
    except yaml.YAMLError as error:
        raise InputError(f"{where}: not YAML: {error}") from None
    if not isinstance(data, dict):
        raise InputError(f"{where}: must be a cloud-config mapping")
    data["ssh_authorized_keys"] = [public_key]
    files = [f for f in data.get("write_files") or [] if not (isinstance(f, dict) and f.get("path") == LAUNCH_FILE)]
    files.append({"path": LAUNCH_FILE, "permissions": "0644", "content": _launch_json(base_url)})
    data["write_files"] = files
    text = "#cloud-config\n" + dump_yaml(data)
    size = len(base64.b64encode(text.encode()))
    if size > NOVA_USER_DATA_LIMIT:
        raise InputError(f"{where}: the user-data is {size} bytes in base64, over Nova's limit of {NOVA_USER_DATA_LIMIT}")
    return text
