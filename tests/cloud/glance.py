"""A real Glance (Debian's glance-api) on 127.0.0.1 for the image tests: sqlite database,
file store, started and stopped by the fixture. Without Keystone (paste flavor empty:
Glance's unauthenticated pipeline): Keystone was not set up here, so the image calls are
real but their authentication is not."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

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
flavor =
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
PASTE = Path("/etc/glance/glance-api-paste.ini")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def glance(tmp_path_factory):
    """``http://127.0.0.1:PORT/`` of a running glance-api, with its log path."""
    tools = need_tool("glance-api", "glance-manage")
    if not PASTE.is_file():
        pytest.fail(f"{PASTE} missing: the glance-api package is incomplete")
    root = tmp_path_factory.mktemp("glance")
    for sub in ("images", "staging", "tasks"):
        (root / sub).mkdir()
    port = _free_port()
    conf = root / "glance-api.conf"
    conf.write_text(CONF.format(port=port, dir=root, paste=PASTE))
    subprocess.run([tools["glance-manage"], "--config-file", str(conf), "db_sync"], check=True,
                   capture_output=True, timeout=300)
    proc = subprocess.Popen([tools["glance-api"], "--config-file", str(conf)], stdout=subprocess.DEVNULL,
                            stderr=(root / "stderr").open("wb"))
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(240):  # readiness, not a timing assertion
            if proc.poll() is not None:
                pytest.fail(f"glance-api exited {proc.returncode}: {(root / 'stderr').read_text()[-2000:]}")
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except urllib.error.HTTPError:  # Glance answers its root with 300 (versions)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail(f"glance-api did not answer on {url}")
        yield url, root
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(root / "images", ignore_errors=True)
