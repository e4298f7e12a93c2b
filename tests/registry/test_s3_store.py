"""The S3 store against a real S3 server (SeaweedFS on 127.0.0.1): multipart uploads
hashed on the way and verified where they landed, metadata served as JSON, conditional
writes, and a failed upload aborted with nothing left behind."""

from __future__ import annotations

import hashlib
import os
import urllib.request

import boto3
import pytest

from gaev_tui.registry import s3store
from gaev_tui.registry.stores import Conflict, StoreError


@pytest.fixture
def store(s3_env, request):
    bucket = "t" + hashlib.sha256(request.node.name.encode()).hexdigest()[:12]
    s = s3store.S3Store(bucket, "reg")
    s.create()
    return s


def test_multipart_upload_is_hashed_verified_and_public(store, tmp_path, monkeypatch, s3_env):
    monkeypatch.setattr(s3store, "PART", 5 * 1024 * 1024)  # S3's smallest part: 3 parts here
    data = os.urandom(12 * 1024 * 1024 + 123)
    src = tmp_path / "big.box"
    src.write_bytes(data)
    seen = []
    up = store.upload("lab/demo/1.0.0/libvirt/amd64/demo.box", src, seen.append)
    assert up.sha256 == hashlib.sha256(data).hexdigest() and up.size == len(data)
    assert up.landed_checksum.endswith("-3") and seen[-1] == len(data)
    store.verify("lab/demo/1.0.0/libvirt/amd64/demo.box", up)
    # Anonymous GET, as Vagrant does it: public-read objects, no presigning.
    with urllib.request.urlopen(f"{s3_env}/{store.bucket}/reg/lab/demo/1.0.0/libvirt/amd64/demo.box") as resp:
        assert hashlib.sha256(resp.read()).hexdigest() == up.sha256


def test_verify_catches_a_replaced_object(store, tmp_path):
    src = tmp_path / "a.box"
    src.write_bytes(b"a" * 1000)
    up = store.upload("k/a.box", src)
    store.client.put_object(Bucket=store.bucket, Key="reg/k/a.box", Body=b"b" * 1000, ChecksumAlgorithm="SHA256")
    with pytest.raises(StoreError, match="checksum"):
        store.verify("k/a.box", up)


def test_metadata_is_served_as_json_and_writes_are_conditional(store, s3_env):
    store.replace("lab/demo/metadata.json", b"{}", "application/json", None)
    req = urllib.request.Request(f"{s3_env}/{store.bucket}/reg/lab/demo/metadata.json", method="HEAD")
    with urllib.request.urlopen(req) as resp:  # Vagrant HEADs it first
        assert resp.headers["Content-Type"] == "application/json"
    data, token = store.read("lab/demo/metadata.json", 1000)
    with pytest.raises(Conflict):
        store.replace("lab/demo/metadata.json", b"{1}", "application/json", None)  # not absent any more
    store.replace("lab/demo/metadata.json", b'{"a": 1}', "application/json", token)
    with pytest.raises(Conflict):  # someone wrote since `token` was read
        store.replace("lab/demo/metadata.json", b'{"b": 2}', "application/json", token)
    assert store.read("lab/demo/metadata.json", 1000)[0] == b'{"a": 1}'


def test_a_failed_multipart_upload_is_aborted(store, tmp_path, monkeypatch, s3_env):
    monkeypatch.setattr(s3store, "PART", 5 * 1024 * 1024)
    src = tmp_path / "big.box"
    src.write_bytes(os.urandom(11 * 1024 * 1024))
    real = store.client.upload_part

    def failing(**kwargs):  # the network drops during the second part
        if kwargs["PartNumber"] == 2:
            raise ConnectionResetError("connection reset by peer")
        return real(**kwargs)

    monkeypatch.setattr(store.client, "upload_part", failing)
    with pytest.raises(ConnectionResetError):
        store.upload("lab/demo/1.0.0/libvirt/amd64/demo.box", src)
    client = boto3.client("s3")
    assert client.list_multipart_uploads(Bucket=store.bucket).get("Uploads", []) == []
    assert store.size("lab/demo/1.0.0/libvirt/amd64/demo.box") is None


def test_a_part_that_does_not_match_its_checksum_is_refused(store, tmp_path, monkeypatch, s3_env):
    """Parts are signed by their headers (x-amz-checksum-sha256 among them), not their
    body: the server itself must refuse a body that differs from the checksum sent."""
    monkeypatch.setattr(s3store, "PART", 5 * 1024 * 1024)
    src = tmp_path / "big.box"
    src.write_bytes(os.urandom(11 * 1024 * 1024))
    real = store.client.upload_part

    def corrupting(**kwargs):  # one bit flips on the way, after the part was hashed
        if kwargs["PartNumber"] == 2:
            body = bytearray(kwargs["Body"])
            body[100] ^= 1
            kwargs["Body"] = bytes(body)
        return real(**kwargs)

    monkeypatch.setattr(store.client, "upload_part", corrupting)
    with pytest.raises(StoreError, match=r"part 2 .*BadDigest"):  # what S3 answers a checksum mismatch
        store.upload("lab/demo/1.0.0/libvirt/amd64/demo.box", src)
    assert boto3.client("s3").list_multipart_uploads(Bucket=store.bucket).get("Uploads", []) == []
    assert store.size("lab/demo/1.0.0/libvirt/amd64/demo.box") is None
