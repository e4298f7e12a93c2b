"""Credentials against a real S3 server that checks them (SeaweedFS with identities):
a wrong secret key, an unknown access key and a read-only identity are each one line
naming the registry and the endpoint, exit 2 and nothing written (an unreachable
endpoint: test_publish_safety.py); the right credentials publish; and the secret key never shows up in
what GAEV prints (plain or --json) or writes (the registry, GAEV's own directories)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import boto3
import pytest

from tests.registry.helpers import gaev, make_box


def env_for(server, who: str, secret: str | None = None, endpoint: str | None = None) -> dict:
    key, right = server.keys[who] if who in server.keys else (who, "not-a-secret-anyone-has")
    return {"AWS_ENDPOINT_URL_S3": endpoint or server.endpoint, "AWS_ACCESS_KEY_ID": key,
            "AWS_SECRET_ACCESS_KEY": secret or right, "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"}


def objects(server, bucket: str) -> dict[str, bytes]:
    key, secret = server.keys["publisher"]
    client = boto3.client("s3", endpoint_url=server.endpoint, aws_access_key_id=key, aws_secret_access_key=secret,
                          region_name="us-east-1")
    try:
        listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    except client.exceptions.NoSuchBucket:
        return {}
    return {o["Key"]: client.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listed}


def refused_line(done, bucket: str, server) -> str:
    """The one line a refused command prints (it never shows a traceback)."""
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = [line for line in done.stderr.splitlines() if line.startswith("gaev:")]
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert f"s3://{bucket}/reg" in lines[0] and server.endpoint in lines[0]
    return lines[0]


@pytest.fixture
def registry(s3_checked, request):
    """A registry initialised by the publisher, with version 1.0.0 of lab/demo in it."""
    bucket = "c" + hashlib.sha256(request.node.name.encode()).hexdigest()[:12]
    where = f"s3://{bucket}/reg"
    env = env_for(s3_checked, "publisher")
    gaev("registry", "init", where, "--url", f"{s3_checked.endpoint}/{bucket}/reg", "--org", "lab", env=env)
    return bucket, where


def test_right_credentials_publish(s3_checked, registry, tmp_path):
    bucket, where = registry
    box = make_box(tmp_path / "demo.box")
    out = json.loads(gaev("publish", str(box), "--to", where, "--name", "lab/demo", "--json",
                          env=env_for(s3_checked, "publisher")).stdout)
    assert out["version"] == "1.0.0" and out["sha256"] == hashlib.sha256(box.read_bytes()).hexdigest()
    assert "reg/lab/demo/metadata.json" in objects(s3_checked, bucket)
    listed = gaev("registry", "list", where, "--json", env=env_for(s3_checked, "reader"))
    assert "lab/demo" in listed.stdout


def test_multipart_parts_pass_a_server_that_checks_signatures(s3_checked, registry, tmp_path, monkeypatch):
    """Parts are sent with their headers signed and the body bound by its signed
    SHA-256 checksum (not hashed a second time for the signature): a server that
    checks every signature takes them."""
    from gaev_tui.registry import s3store

    bucket, _where = registry
    for name, value in env_for(s3_checked, "publisher").items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(s3store, "PART", 5 * 1024 * 1024)
    src = tmp_path / "big.box"
    src.write_bytes(os.urandom(11 * 1024 * 1024))
    store = s3store.S3Store(bucket, "reg")
    uploaded = store.upload("lab/big/1.0.0/libvirt/amd64/big.box", src)
    store.verify("lab/big/1.0.0/libvirt/amd64/big.box", uploaded)
    assert uploaded.landed_checksum.endswith("-3")
    assert objects(s3_checked, bucket)["reg/lab/big/1.0.0/libvirt/amd64/big.box"] == src.read_bytes()


@pytest.mark.parametrize("who", ["wrong secret", "unknown key"])
def test_refused_credentials_are_one_line_and_write_nothing(s3_checked, registry, tmp_path, isolated_dirs, who):
    bucket, where = registry
    wrong = "wrong-" + "9f3c1d" * 4
    env = env_for(s3_checked, "publisher", wrong) if who == "wrong secret" else env_for(s3_checked, "nobody-key", wrong)
    box = make_box(tmp_path / "demo.box")
    before = objects(s3_checked, bucket)
    runs = [gaev("publish", str(box), "--to", where, "--name", "lab/demo", *flags, env=env, check=False)
            for flags in ((), ("--json",))]
    runs.append(gaev("registry", "list", where, "--json", env=env, check=False))
    new_bucket = bucket + "-new"
    runs.append(gaev("registry", "init", f"s3://{new_bucket}/reg", "--url", f"http://x/{new_bucket}", env=env,
                     check=False))
    for done, target in zip(runs, (bucket, bucket, bucket, new_bucket), strict=True):
        line = refused_line(done, target, s3_checked)
        assert "refused the credentials" in line
        assert ("secret key does not match" if who == "wrong secret" else "access key is unknown") in line
        assert done.stdout == ""
    assert objects(s3_checked, bucket) == before  # nothing written, nothing replaced
    assert objects(s3_checked, new_bucket) == {}
    never_shown(wrong, runs, [isolated_dirs, tmp_path])


def test_a_read_only_identity_cannot_publish(s3_checked, registry, tmp_path, isolated_dirs):
    bucket, where = registry
    env = env_for(s3_checked, "reader")
    before = objects(s3_checked, bucket)
    box = make_box(tmp_path / "demo.box")
    done = gaev("publish", str(box), "--to", where, "--name", "lab/demo", "--json", env=env, check=False)
    line = refused_line(done, bucket, s3_checked)
    assert "may not do this" in line and "access key reader-key" in line
    assert objects(s3_checked, bucket) == before
    listed = gaev("registry", "list", where, env=env)  # reading is allowed
    never_shown(env["AWS_SECRET_ACCESS_KEY"], [done, listed], [isolated_dirs, tmp_path])


def test_the_secret_never_reaches_output_or_files(s3_checked, registry, tmp_path, isolated_dirs):
    bucket, where = registry
    env = env_for(s3_checked, "publisher")
    box = make_box(tmp_path / "demo.box")
    runs = [gaev("publish", str(box), "--to", where, "--name", "lab/demo", env=env),
            gaev("publish", str(box), "--to", where, "--name", "lab/demo", "--version", "1.0.1", "--json", env=env),
            gaev("registry", "list", where, "--json", env=env), gaev("registry", "index", where, env=env)]
    assert "published lab/demo 1.0.0" in runs[0].stdout and json.loads(runs[1].stdout)["version"] == "1.0.1"
    stored = objects(s3_checked, bucket)
    assert any(key.endswith(".box") for key in stored) and "reg/index.html" in stored
    secret = env["AWS_SECRET_ACCESS_KEY"]
    assert all(secret.encode() not in data for data in stored.values())
    never_shown(secret, runs, [isolated_dirs, tmp_path])


def never_shown(secret: str, runs, directories: list[Path]) -> None:
    for done in runs:
        assert secret not in done.stdout and secret not in done.stderr
    for directory in directories:
        for path in Path(directory).rglob("*"):
            if path.is_file() and not path.is_symlink():
                assert secret.encode() not in path.read_bytes(), path
