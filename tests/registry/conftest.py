from __future__ import annotations

import secrets
from types import SimpleNamespace

import pytest

from tests.registry.servers import seaweed_s3
from tests.toolcheck import need_tool


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory):
    weed = need_tool("weed")["weed"]
    with seaweed_s3(weed, tmp_path_factory.mktemp("seaweed")) as endpoint:
        yield endpoint


@pytest.fixture
def s3_env(s3_endpoint, monkeypatch):
    """boto3's standard variables pointed at the local server (as a user sets them)."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", s3_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    return s3_endpoint


@pytest.fixture(scope="session")
def s3_checked(tmp_path_factory):
    """A second SeaweedFS that checks credentials: a publisher (read, list, write), a
    reader (read, list) and anonymous read (Vagrant's downloads). Secrets are random so a
    test can look for them in everything GAEV prints or writes."""
    weed = need_tool("weed")["weed"]
    keys = {who: (f"{who}-key", f"{who}-{secrets.token_hex(12)}") for who in ("publisher", "reader")}
    identities = [
        {"name": "anonymous", "actions": ["Read"]},
        {"name": "publisher", "credentials": [{"accessKey": keys["publisher"][0], "secretKey": keys["publisher"][1]}],
         "actions": ["Admin", "Read", "List", "Tagging", "Write"]},
        {"name": "reader", "credentials": [{"accessKey": keys["reader"][0], "secretKey": keys["reader"][1]}],
         "actions": ["Read", "List"]},
    ]
    with seaweed_s3(weed, tmp_path_factory.mktemp("seaweed-checked"), identities) as endpoint:
        yield SimpleNamespace(endpoint=endpoint, keys=keys)
