from __future__ import annotations

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
