"""A real Glance (Debian's glance-api) on 127.0.0.1 for the image tests: sqlite database,
file store, started and stopped by the fixture. Two ways: ``glance`` without Keystone
(paste flavor empty: Glance's unauthenticated pipeline), and :func:`running_glance` with
``auth`` given, Glance's ``keystone`` flavor whose keystonemiddleware checks every token
against a real Keystone (see tests/cloud/keystone.py)."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cloud.helpers import serving
from tests.registry.servers import free_port
from tests.toolcheck import need_tool

CONF = """[DEFAULT]
bind_host = 127.0.0.1
bind_port = {port}
workers = 1
log_file = {dir}/glance-api.log
enabled_backends = files:file
node_staging_uri = file://{dir}/staging
[database]
connection = sqlite:///{dir}/glance.sqlite
[paste_deploy]
flavor = {flavor}
config_file = {paste}
[glance_store]
default_backend = files
[files]
filesystem_store_datadir = {dir}/images/
[os_glance_staging_store]
filesystem_store_datadir = {dir}/staging
[os_glance_tasks_store]
filesystem_store_datadir = {dir}/tasks
"""
# keystonemiddleware's options: Glance's own service user validates the users' tokens.
AUTHTOKEN = """[keystone_authtoken]
www_authenticate_uri = {auth_url}
auth_url = {auth_url}
auth_type = password
user_domain_name = Default
project_domain_name = Default
project_name = {project}
username = {username}
password = {password}
"""
PASTE = Path("/etc/glance/glance-api-paste.ini")


@contextlib.contextmanager
def running_glance(root: Path, port: int | None = None, auth: dict | None = None) -> Iterator[str]:
    """Run glance-api with its data under ``root``; yield its URL. ``auth`` (auth_url,
    project, username, password of Glance's service user) turns Keystone auth on."""
    tools = need_tool("glance-api", "glance-manage")
    if not PASTE.is_file():
        pytest.fail(f"{PASTE} missing: the glance-api package is incomplete")
    for sub in ("images", "staging", "tasks"):
        (root / sub).mkdir(exist_ok=True)
    port = port or free_port()
    conf = root / "glance-api.conf"
    text = CONF.format(port=port, dir=root, paste=PASTE, flavor="keystone" if auth else "")
    conf.write_text(text + (AUTHTOKEN.format(**auth) if auth else ""))
    subprocess.run([tools["glance-manage"], "--config-file", str(conf), "db_sync"], check=True,
                   capture_output=True, timeout=300)
    proc = subprocess.Popen([tools["glance-api"], "--config-file", str(conf)], stdout=subprocess.DEVNULL,
                            stderr=(root / "stderr").open("wb"))
    try:
        with serving(proc, f"http://127.0.0.1:{port}/", "glance-api", (root / "stderr").read_text,
                     any_status=True) as url:
            yield url
    finally:
        shutil.rmtree(root / "images", ignore_errors=True)


@pytest.fixture(scope="module")
def glance(tmp_path_factory):
    """``http://127.0.0.1:PORT/`` of a running glance-api without Keystone, with its data directory."""
    root = tmp_path_factory.mktemp("glance")
    with running_glance(root) as url:
        yield url, root
