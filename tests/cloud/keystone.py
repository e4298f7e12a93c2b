"""A real Keystone (Debian's ``keystone`` package) on 127.0.0.1, in front of a real Glance
(tests/cloud/glance.py, Glance's ``keystone`` paste flavor: keystonemiddleware validates
every token with Keystone): what a user's clouds.yaml with password auth talks to.

Keystone runs as Debian runs it, ``keystone-wsgi-public`` under uWSGI, with a sqlite
database, fernet tokens and keys under the fixture's directory, set up with the real
``keystone-manage db_sync / fernet_setup / credential_setup / bootstrap``. Its catalogue
holds the identity endpoint, the image endpoint of that Glance, and compute and network
endpoints at the recorded flow's hosts (tests/cloud/recorded.py), so that 'gaev cloud up'
finds every service through Keystone as on a real cloud.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sqlite3
import subprocess
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import openstack
import pytest

from tests.cloud import recorded
from tests.cloud.glance import running_glance
from tests.cloud.helpers import serving
from tests.registry.servers import free_port
from tests.toolcheck import need_tool

CONF = """[DEFAULT]
log_file = {dir}/keystone.log
[database]
connection = sqlite:///{dir}/keystone.sqlite
[token]
provider = fernet
[fernet_tokens]
key_repository = {dir}/fernet-keys
[fernet_receipts]
key_repository = {dir}/fernet-keys
[credential]
key_repository = {dir}/credential-keys
[cache]
enabled = false
[identity]
# bcrypt's lowest cost: the fixture creates three users; the default (12) costs ~0.3 s each
password_hash_rounds = 4
"""
REGION = "RegionOne"


@dataclass(frozen=True)
class Cloud:
    """The running Keystone + Glance and the ordinary user of project 'demo'."""

    auth_url: str
    glance_url: str
    glance_root: Path
    project: str
    project_id: str
    username: str
    password: str
    started_s: dict[str, float]  # seconds per start-up stage, for the notes (not asserted)


def _manage(tool: str, conf: Path, *args: str) -> None:
    done = subprocess.run([tool, "--config-file", str(conf), *args], capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        pytest.fail(f"keystone-manage {args[0]} failed: {(done.stderr or done.stdout)[-2000:]}")


@contextlib.contextmanager
def running_keystone(root: Path, admin_password: str) -> Iterator[str]:
    """Set up and serve Keystone from ``root``; yield its v3 auth URL."""
    tools = need_tool("keystone-manage", "keystone-wsgi-public", "uwsgi")
    for sub in ("fernet-keys", "credential-keys"):
        (root / sub).mkdir()
    conf = root / "keystone.conf"
    conf.write_text(CONF.format(dir=root))
    port = free_port()
    url = f"http://127.0.0.1:{port}/v3"
    manage = tools["keystone-manage"]
    user = ["--keystone-user", str(os.getuid()), "--keystone-group", str(os.getgid())]
    _manage(manage, conf, "db_sync")
    # WAL: in sqlite's default journal mode an idle pooled reader's lock makes Keystone's
    # next write fail with "database is locked" (seen on POST /v3/endpoints)
    with contextlib.closing(sqlite3.connect(root / "keystone.sqlite")) as db:
        db.execute("PRAGMA journal_mode=WAL")
    _manage(manage, conf, "fernet_setup", *user)
    _manage(manage, conf, "credential_setup", *user)
    _manage(manage, conf, "bootstrap", f"--bootstrap-password={admin_password}", "--bootstrap-region-id", REGION,
            "--bootstrap-admin-url", url + "/", "--bootstrap-public-url", url + "/", "--bootstrap-internal-url", url + "/")
    log = root / "uwsgi.log"
    # One process, one thread: sqlite takes one writer; uWSGI's HTTP socket does not keep
    # connections alive, so it says so rather than dropping the client's next request.
    proc = subprocess.Popen(
        [tools["uwsgi"], "--plugins", "python3", "--http-socket", f"127.0.0.1:{port}",
         "--wsgi-file", tools["keystone-wsgi-public"], "--master", "--processes", "1", "--die-on-term",
         "--lazy-apps", "--add-header", "Connection: close", "--logto", str(log)],
        env={**os.environ, "OS_KEYSTONE_CONFIG_DIR": str(root)}, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        cwd=root)
    with serving(proc, url + "/", "uwsgi (keystone)", log.read_text):
        yield url


def _catalogue(admin, glance_url: str, user_password: str, glance_password: str):
    """Services, projects and users as a cloud operator sets them up."""
    for kind, name, endpoint in (("image", "glance", glance_url.rstrip("/")),
                                 ("compute", "nova", recorded.COMPUTE), ("network", "neutron", recorded.NETWORK.removesuffix("/v2.0"))):
        service = admin.identity.create_service(type=kind, name=name)
        admin.identity.create_endpoint(service_id=service.id, interface="public", url=endpoint, region_id=REGION)
    roles = {role.name: role for role in admin.identity.roles()}
    service_project = admin.identity.create_project(name="service", domain_id="default")
    demo = admin.identity.create_project(name="demo", domain_id="default")
    glance_user = admin.identity.create_user(name="glance", password=glance_password, domain_id="default")
    scientist = admin.identity.create_user(name="scientist", password=user_password, domain_id="default")
    admin.identity.assign_project_role_to_user(service_project, glance_user, roles["admin"])
    admin.identity.assign_project_role_to_user(demo, scientist, roles["member"])
    return demo.id


@pytest.fixture(scope="module")
def keystone_cloud(tmp_path_factory):
    """A :class:`Cloud`: Keystone with a catalogue, and Glance checking its tokens."""
    root = tmp_path_factory.mktemp("keystone")
    # hex after a prefix: never read as an option (a leading '-') nor as a YAML number
    admin_password, user_password, glance_password = (f"pw-{secrets.token_hex(8)}" for _ in range(3))
    started = time.monotonic()
    times = {}
    with running_keystone(root, admin_password) as auth_url:
        times["keystone"] = time.monotonic() - started
        glance_port = free_port()
        glance_url = f"http://127.0.0.1:{glance_port}/"
        warnings.simplefilter("ignore")
        admin = openstack.connect(auth_url=auth_url, username="admin", password=admin_password, project_name="admin",
                                  user_domain_name="Default", project_domain_name="Default", region_name=REGION)
        project_id = _catalogue(admin, glance_url, user_password, glance_password)
        admin.close()
        times["catalogue"] = time.monotonic() - started - times["keystone"]
        glance_root = root / "glance"
        glance_root.mkdir()
        auth = {"auth_url": auth_url, "project": "service", "username": "glance", "password": glance_password}
        with running_glance(glance_root, glance_port, auth) as url:
            times["glance"] = time.monotonic() - started - times["keystone"] - times["catalogue"]
            yield Cloud(auth_url, url, glance_root, "demo", project_id, "scientist", user_password, times)
