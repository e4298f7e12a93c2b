"""The first-boot hook (cloud_ready role's gaev-base-url), run for real with python3 on a
directory standing for the instance's root: the URL comes from the user-data GAEV sends,
else from a metadata service (here a real HTTP server on 127.0.0.1 serving the EC2-style
paths Nova's metadata service serves), and lands in each app's configuration."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from gaev_tui.catalog import load_catalog
from gaev_tui.envspec import parse_spec_text
from gaev_tui.render.userdata import cloud_apps
from gaev_tui.templating import static_tree

HOOK = static_tree("ansible", "roles")["cloud_ready/files/gaev-base-url"]
SPEC = "name: c\nos: debian-12\nprovider: libvirt\napps: [jupyterhub, nmrprocflow, rstudio_server]\nresources: {memory_mb: 6144}\ntargets: [vagrant, openstack]\n"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    (root / "etc/gaev").mkdir(parents=True)
    apps = cloud_apps(parse_spec_text(SPEC), load_catalog())
    (root / "etc/gaev/cloud-apps.json").write_text(json.dumps(apps))
    rserver = root / "etc/rstudio/rserver.conf"
    rserver.parent.mkdir(parents=True)
    rserver.write_text("www-port=8787\nwww-root-path=/old\n")
    return root


@pytest.fixture
def metadata():
    answers = {"/latest/meta-data/public-ipv4": "203.0.113.7", "/latest/meta-data/local-ipv4": "10.0.0.5"}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = answers.get(self.path)
            self.send_response(200 if body else 404)
            self.end_headers()
            if body:
                self.wfile.write(body.encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/latest/meta-data"
    server.shutdown()


def run_hook(root: Path, tmp_path: Path, metadata: str) -> subprocess.CompletedProcess:
    hook = tmp_path / "gaev-base-url"
    hook.write_bytes(HOOK)
    return subprocess.run([sys.executable, str(hook), "--root", str(root), "--metadata", metadata,
                           "--timeout", "5", "--no-restart"], capture_output=True, text=True)


def test_url_from_the_user_data(root, tmp_path, metadata):
    (root / "etc/gaev/launch.json").write_text('{"base_url": "https://hub.example.org"}')
    done = run_hook(root, tmp_path, metadata)
    assert done.returncode == 0, done.stderr
    tljh = root / "opt/tljh/config/jupyterhub_config.d/gaev_public_url.py"
    assert tljh.read_text() == 'c.JupyterHub.public_url = "https://hub.example.org/"\n'
    assert (root / "opt/data/gaev-base-url.env").read_text() == 'NMRPROCFLOW_URL="https://hub.example.org:8080/npflow/"\n'
    # the existing setting is replaced, the others kept
    assert (root / "etc/rstudio/rserver.conf").read_text() == "www-port=8787\nwww-root-path=/\n"
    urls = json.loads((root / "etc/gaev/urls.json").read_text())
    assert urls["source"] == "user-data" and urls["urls"]["rstudio_server"] == "https://hub.example.org:8787/"
    assert "would run systemctl try-restart jupyterhub" in done.stderr
    assert "would run docker restart nmrprocflow" in done.stderr


def test_url_from_the_metadata_service_when_the_user_data_has_none(root, tmp_path, metadata):
    (root / "etc/gaev/launch.json").write_text('{"base_url": ""}')
    done = run_hook(root, tmp_path, metadata)
    assert done.returncode == 0, done.stderr
    # no public-hostname: the floating (public) IPv4 comes before the private one
    tljh = root / "opt/tljh/config/jupyterhub_config.d/gaev_public_url.py"
    assert tljh.read_text() == 'c.JupyterHub.public_url = "http://203.0.113.7/"\n'
    assert json.loads((root / "etc/gaev/urls.json").read_text())["source"] == "public-ipv4"


def test_a_url_that_could_inject_is_refused_and_nothing_written(root, tmp_path, metadata):
    (root / "etc/gaev/launch.json").write_text(json.dumps({"base_url": 'http://x"; import os #'}))
    done = run_hook(root, tmp_path, metadata)
    assert done.returncode == 2 and "refusing base_url" in done.stderr
    assert not (root / "opt/tljh").exists() and not (root / "etc/gaev/urls.json").exists()
