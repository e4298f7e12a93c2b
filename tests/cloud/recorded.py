"""A recorded OpenStack API flow for the compute and network calls of ``gaev cloud up``.

There is no OpenStack emulator: the catalogue and token come from openstacksdk's own
``openstack.fixture.connection.ConnectionFixture``, the HTTP exchanges are replayed by
requests-mock from responses shaped as Nova/Neutron/Glance document them (API
reference), and every request GAEV's code made is kept in ``calls`` so a test asserts
the flow (what was created, in which order, and what was deleted).
"""

from __future__ import annotations

import contextlib
import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests_mock
from openstack.fixture.connection import ConnectionFixture

SECRET = "s3cret-Pa55word-never-printed"
IDENTITY = "https://identity.example.com"
COMPUTE = "https://compute.example.com/v2.1"
NETWORK = "https://network.example.com/v2.0"
IMAGE = "https://image.example.com/v2"

FLAVORS = [
    {"id": "1", "name": "m1.tiny", "vcpus": 1, "ram": 512, "disk": 1},
    {"id": "2", "name": "m1.small", "vcpus": 1, "ram": 2048, "disk": 20},
    {"id": "3", "name": "m1.medium", "vcpus": 2, "ram": 4096, "disk": 40},
    {"id": "4", "name": "m1.large", "vcpus": 4, "ram": 8192, "disk": 80},
]


def write_clouds_yaml(directory: Path, monkeypatch) -> Path:
    """A clouds.yaml (password in secure.yaml, as users keep it) for the 'testcloud'."""
    clouds = directory / "clouds.yaml"
    clouds.write_text(
        "clouds:\n  testcloud:\n    region_name: RegionOne\n    identity_api_version: '3'\n"
        f"    auth:\n      auth_url: {IDENTITY}\n      username: admin\n      project_name: admin\n"
        "      user_domain_name: default\n      project_domain_name: default\n"
    )
    secure = directory / "secure.yaml"
    secure.write_text(f"clouds:\n  testcloud:\n    auth:\n      password: {SECRET}\n")
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(clouds))
    monkeypatch.setenv("OS_CLIENT_SECURE_FILE", str(secure))
    for name in ("OS_CLOUD", "OS_AUTH_URL", "OS_USERNAME", "OS_PASSWORD", "OS_PROJECT_NAME"):
        monkeypatch.delenv(name, raising=False)
    return clouds


def flavor_doc(f: dict) -> dict:
    return {**f, "links": [], "OS-FLV-EXT-DATA:ephemeral": 0, "swap": 0, "os-flavor-access:is_public": True}


@dataclass
class Flow:
    """The replayed cloud: set the knobs, then read ``calls`` after GAEV ran."""

    mock: requests_mock.Mocker
    image_sha256: str = ""
    server_states: list[dict] = field(default_factory=list)  # GET /servers/ID answers in turn
    create_server_error: tuple[int, dict] | None = None
    calls: list[str] = field(default_factory=list)
    server_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    deleted: set[str] = field(default_factory=set)

    def created(self, kind: str) -> bool:
        return any(c.startswith(f"POST {kind}") for c in self.calls)


def install(mock: requests_mock.Mocker, fixture: ConnectionFixture | None, hosts: str | None = None) -> Flow:
    """Answer every request (or only those whose URL matches the regex ``hosts``, the
    others going to real servers when the Mocker has ``real_http=True``)."""
    flow = Flow(mock)
    token = fixture.v3_token if fixture else None
    sid = flow.server_id

    def record(request) -> str:
        path = re.sub(r"^https://[a-z-]+\.example\.com", "", request.url.split("?")[0])
        flow.calls.append(f"{request.method} {path}")
        return path

    def reply(request, context):
        path = record(request)
        method = request.method
        context.headers["Content-Type"] = "application/json"
        # discovery and auth
        if path == "/" and "identity" in request.url:
            return {"versions": {"values": [{"id": "v3.14", "status": "stable", "links": [{"rel": "self", "href": f"{IDENTITY}/v3/"}]}]}}
        if path == "/v3/auth/tokens":
            context.headers["X-Subject-Token"] = "token-" + uuid.uuid4().hex
            context.status_code = 201
            return token
        if path in ("/", "/v2.1/", "/v2.1") and "compute" in request.url:
            return {"version": {"id": "v2.1", "status": "CURRENT", "version": "2.79", "min_version": "2.1",
                                "links": [{"rel": "self", "href": f"{COMPUTE}/"}]}}
        if path == "/" and "network" in request.url:
            return {"versions": [{"id": "v2.0", "status": "CURRENT", "links": [{"rel": "self", "href": f"{NETWORK}/"}]}]}
        if path == "/" and "image" in request.url:
            return {"versions": [{"id": "v2.15", "status": "CURRENT", "links": [{"rel": "self", "href": f"{IMAGE}/"}]}]}
        # compute
        if path == "/v2.1/flavors/detail":
            return {"flavors": [flavor_doc(f) for f in FLAVORS]}
        if m := re.fullmatch(r"/v2.1/flavors/([^/]+)", path):
            found = [f for f in FLAVORS if m.group(1) in (f["id"], f["name"])]
            if found and m.group(1) == found[0]["id"]:
                return {"flavor": flavor_doc(found[0])}
            context.status_code = 404
            return {"itemNotFound": {"code": 404, "message": "Flavor could not be found."}}
        if path == "/v2.1/servers/detail":
            return {"servers": []}
        if path == f"/v2.1/servers/{sid}" and method == "GET":
            if sid in flow.deleted or not flow.server_states:
                context.status_code = 404
                return {"itemNotFound": {"code": 404, "message": "Instance could not be found."}}
            state = flow.server_states.pop(0) if len(flow.server_states) > 1 else flow.server_states[0]
            return {"server": server_doc(sid, state)}
        if path == f"/v2.1/servers/{sid}" and method == "DELETE":
            flow.deleted.add(sid)
            context.status_code = 204
            return None
        if re.fullmatch(r"/v2.1/servers/[^/]+", path) and method == "GET":
            context.status_code = 404
            return {"itemNotFound": {"code": 404, "message": "Instance could not be found."}}
        if path == "/v2.1/servers" and method == "POST":
            if flow.create_server_error:
                context.status_code, body = flow.create_server_error
                return body
            context.status_code = 202
            return {"server": {"id": sid, "links": [], "adminPass": "x", "OS-DCF:diskConfig": "MANUAL"}}
        if re.fullmatch(r"/v2.1/os-keypairs/[^/]+", path):
            if method == "DELETE":
                context.status_code = 202
                return None
            context.status_code = 404
            return {"itemNotFound": {"code": 404, "message": "Keypair not found"}}
        if path == "/v2.1/os-keypairs" and method == "GET":
            return {"keypairs": []}
        if path == "/v2.1/os-keypairs" and method == "POST":
            body = json.loads(request.body)["keypair"]
            return {"keypair": {"name": body["name"], "public_key": body["public_key"], "fingerprint": "aa:bb", "type": "ssh", "user_id": "u"}}
        # network
        if path == "/v2.0/security-groups" and method == "POST":
            context.status_code = 201
            return {"security_group": {"id": "sg-1", "name": json.loads(request.body)["security_group"]["name"], "security_group_rules": []}}
        if path == "/v2.0/security-group-rules" and method == "POST":
            context.status_code = 201
            return {"security_group_rule": {"id": uuid.uuid4().hex, **json.loads(request.body)["security_group_rule"]}}
        if re.fullmatch(r"/v2.0/(security-groups|floatingips)/[^/]+", path) and method == "DELETE":
            context.status_code = 204
            return None
        if path == "/v2.0/networks":
            return {"networks": [{"id": "ext-net", "name": "public", "router:external": True}]}
        if path == "/v2.0/ports":
            return {"ports": [{"id": "port-1", "device_id": sid, "fixed_ips": [{"ip_address": "10.0.0.5"}]}]}
        if path == "/v2.0/floatingips" and method == "POST":
            context.status_code = 201
            return {"floatingip": {"id": "fip-1", "floating_ip_address": "203.0.113.7", "port_id": "port-1", "floating_network_id": "ext-net"}}
        # image
        if path == "/v2/images" and method == "GET":
            return {"images": [image_doc(flow.image_sha256)] if flow.image_sha256 else []}
        context.status_code = 599
        return {"error": f"the recorded flow has no answer for {method} {path}"}

    mock.register_uri(requests_mock.ANY, re.compile(hosts) if hosts else requests_mock.ANY, json=reply)
    return flow


def server_doc(sid: str, state: dict) -> dict:
    doc = {
        "id": sid, "name": "cloudy", "status": state.get("status", "BUILD"), "progress": state.get("progress", 0),
        "OS-EXT-STS:task_state": state.get("task_state"), "addresses": state.get("addresses", {}),
        "flavor": {"original_name": "m1.medium"}, "image": {"id": "img-1"}, "metadata": {"gaev": "true"},
        "links": [], "created": "2026-12-01T20:00:00Z",
    }
    if "fault" in state:
        doc["fault"] = {"code": 500, "message": state["fault"], "created": "2026-12-01T20:01:00Z"}
    return doc


def image_doc(sha256: str) -> dict:
    return {"id": "img-1", "name": "gaev-cloudy-x", "status": "active", "disk_format": "qcow2",
            "container_format": "bare", "visibility": "private", "gaev_sha256": sha256, "size": 1024,
            "virtual_size": 8 << 30, "tags": [], "file": "/v2/images/img-1/file", "self": "/v2/images/img-1"}


ACTIVE = {"status": "ACTIVE", "progress": 100,
          "addresses": {"private": [{"version": 4, "addr": "10.0.0.5", "OS-EXT-IPS:type": "fixed"}]}}


@contextlib.contextmanager
def compute_replayed():
    """The recorded flow for compute and network only: identity and image are real
    (tests/cloud/keystone.py puts these two hosts in its catalogue)."""
    with requests_mock.Mocker(real_http=True) as mock:
        yield install(mock, None, hosts=r"^https://(compute|network)\.example\.com")


@contextlib.contextmanager
def replayed(directory: Path, monkeypatch):
    """The recorded flow installed for one test: clouds.yaml, openstacksdk's own
    ConnectionFixture and requests-mock, torn down afterwards."""
    write_clouds_yaml(directory, monkeypatch)
    fixture = ConnectionFixture()
    fixture.setUp()
    try:
        with requests_mock.Mocker() as mock:
            yield install(mock, fixture)
    finally:
        fixture.cleanUp()
