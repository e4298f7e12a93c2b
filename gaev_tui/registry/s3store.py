"""A registry on an S3-compatible bucket/prefix (AWS, Ceph RGW, MinIO, SeaweedFS...).

- Objects are public-read through the bucket's policy or a reverse proxy, never
  presigned: a presigned URL is bound to GET and expires, and Vagrant first sends HEAD.
- ``metadata.json`` is put with ``ContentType: application/json``: Vagrant HEADs the URL
  and takes anything else for a box archive.
- Boxes go up in multipart parts sent in parallel while the file is read once: the
  reading thread hashes the whole file (sequential by nature), each sending thread
  hashes its own part (hashlib releases the GIL, so they overlap with the network);
  each part carries its SHA-256 so the server refuses a corrupted part, and the
  object's composite checksum is compared in ``verify``, without reading the file back. A failed or interrupted upload
  is aborted (a SIGKILL leaves an invisible incomplete upload, which the next publish
  under the same prefix aborts).
- ``replace`` is a conditional PUT (``If-Match`` the ETag read before, or
  ``If-None-Match: *``): a concurrent publisher's write is never overwritten.
- Refused credentials and an unreachable endpoint are one line naming the endpoint and
  the bucket (and the access key ID, which is not secret); the secret key is never shown.
"""

from __future__ import annotations

import base64
import hashlib
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path

from gaev_tui.registry.stores import Conflict, Progress, StoreError, Uploaded, _key_parts

# What S3 servers answer when the signature's key or secret is wrong, or the identity may
# not do this ("403" is a HEAD's answer: it has no body to carry a code).
REFUSED = {"SignatureDoesNotMatch": "the secret key does not match the access key",
           "InvalidAccessKeyId": "the access key is unknown to the server",
           "InvalidToken": "the session token is invalid", "ExpiredToken": "the session token has expired",
           "AccessDenied": "this identity may not do this (read-only?)",
           "403": "wrong credentials, or no permission on this bucket"}
# boto3's TransferConfig defaults (8 MiB parts, 10 threads), measured no slower here than
# 16 MiB x 4 (bench/bench_publish.py); parts grow past 80 GB (S3 allows 10,000 parts).
PART = 8 * 1024 * 1024
MAX_PARTS = 10_000
WORKERS = 10
STALE_UPLOAD_S = 3600


def _b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode("ascii")


def _part_payload_unsigned(request, **_kwargs) -> None:
    """Sign a part's headers, not its body, when it carries its own SHA-256 checksum.

    Over plain http botocore hashes every body again for the signature; a part already
    carries ``x-amz-checksum-sha256``, a signed header the server checks the body
    against, so that second hash adds CPU and no protection (botocore itself skips it
    over https when a checksum header is present)."""
    if "x-amz-checksum-sha256" not in request.headers:
        return
    config = request.context.get("client_config")
    if config is not None:
        from botocore.config import Config

        s3 = {**(config.s3 or {}), "payload_signing_enabled": False}
        request.context["client_config"] = config.merge(Config(s3=s3))


class AccessRefused(StoreError):
    """The S3 server refused the credentials or the permission: fix them (bad input)."""

    exit_code = 2


class S3Store:
    scheme = "s3"

    def __init__(self, bucket: str, prefix: str, client=None) -> None:
        if not bucket:
            raise StoreError("s3:// registry needs a bucket: s3://BUCKET/PREFIX")
        self.bucket, self.prefix = bucket, prefix
        self._client = client
        self._session = None  # boto3's, to name the access key in an error (never the secret)

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}".rstrip("/")

    @property
    def client(self):
        if self._client is None:
            import boto3.session
            from botocore.config import Config

            self._session = boto3.session.Session()
            # Standard retries, short timeouts: an unreachable endpoint is one clear line.
            self._client = self._session.client("s3", config=Config(connect_timeout=5, read_timeout=60,
                                                            retries={"max_attempts": 3, "mode": "standard"}))
            self._client.meta.events.register("before-sign.s3.UploadPart", _part_payload_unsigned,
                                              unique_id="gaev-part-payload-unsigned")
        return self._client

    def _key(self, key: str) -> str:
        _key_parts(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def _where(self) -> str:
        return f"{self} at {self.client.meta.endpoint_url}"

    def _access_key(self) -> str:
        credentials = self._session.get_credentials() if self._session else None
        return f" (access key {credentials.access_key})" if credentials else ""

    def _call(self, what: str, fn, *args, absent=("NoSuchKey", "404", "NotFound"), **kwargs):
        from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError, NoCredentialsError

        try:
            return fn(*args, **kwargs)
        except NoCredentialsError:
            raise StoreError(f"{self}: no S3 credentials (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and "
                             "AWS_SECRET_ACCESS_KEY)") from None
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in ("PreconditionFailed", "ConditionalRequestConflict", "412"):
                raise Conflict(f"{self}: {what}: changed by someone else meanwhile") from None
            if code in absent:
                raise FileNotFoundError(what) from None
            if code in REFUSED:
                refused = "access" if code in ("AccessDenied", "403") else "the credentials"
                raise AccessRefused(f"{self._where()}: {what}: the S3 server refused {refused}"
                                    f"{self._access_key()}: {REFUSED[code]} ({code})") from None
            message = exc.response.get("Error", {}).get("Message", "") or code
            raise StoreError(f"{self}: {what}: {code}: {message}") from None
        except EndpointConnectionError:
            raise StoreError(f"{self._where()}: {what}: the S3 endpoint is unreachable (check AWS_ENDPOINT_URL_S3 "
                             "and that the server is up)") from None
        except BotoCoreError as exc:
            raise StoreError(f"{self}: {what}: {exc}") from None

    def create(self) -> None:
        try:
            # A listing rather than HEAD: a refused HEAD has no body to say why.
            self._call("list bucket", self.client.list_objects_v2, Bucket=self.bucket, MaxKeys=1,
                       absent=("NoSuchBucket",))
        except FileNotFoundError:
            self._call("create bucket", self.client.create_bucket, Bucket=self.bucket)

    def read(self, key: str, limit: int) -> tuple[bytes, str] | None:
        try:
            got = self._call(f"get {key}", self.client.get_object, Bucket=self.bucket, Key=self._key(key))
        except FileNotFoundError:
            return None
        with got["Body"] as body:
            data = body.read(limit + 1)
        return data, got["ETag"]

    def size(self, key: str) -> int | None:
        try:
            head = self._call(f"head {key}", self.client.head_object, Bucket=self.bucket, Key=self._key(key))
        except FileNotFoundError:
            return None
        return head["ContentLength"]

    def age(self, key: str) -> float:
        head = self._call(f"head {key}", self.client.head_object, Bucket=self.bucket, Key=self._key(key))
        return time.time() - head["LastModified"].timestamp()

    def replace(self, key: str, data: bytes, content_type: str, expect: str | None) -> None:
        condition = {"IfMatch": expect} if expect else {"IfNoneMatch": "*"}
        self._call(f"put {key}", self.client.put_object, Bucket=self.bucket, Key=self._key(key), Body=data,
                   ContentType=content_type, **condition)

    def create_only(self, key: str, data: bytes, content_type: str) -> bool:
        try:
            self.replace(key, data, content_type, None)
        except Conflict:
            return False
        return True

    def upload(self, key: str, source: Path, progress: Progress | None = None) -> Uploaded:
        self._abort_stale(key)
        size = Path(source).stat().st_size
        if size <= PART:
            data = Path(source).read_bytes()
            digest = hashlib.sha256(data).digest()
            self._call(f"put {key}", self.client.put_object, Bucket=self.bucket, Key=self._key(key), Body=data,
                       ContentType="application/octet-stream", ChecksumSHA256=_b64(digest), IfNoneMatch="*")
            if progress:
                progress(size)
            return Uploaded(digest.hex(), size, _b64(digest))
        return self._multipart(key, Path(source), max(PART, -(-size // MAX_PARTS)), progress)

    def _multipart(self, key: str, source: Path, part_size: int, progress: Progress | None) -> Uploaded:
        target = self._key(key)
        upload_id = self._call(f"start upload of {key}", self.client.create_multipart_upload, Bucket=self.bucket,
                               Key=target, ContentType="application/octet-stream",
                               ChecksumAlgorithm="SHA256")["UploadId"]
        whole, part_digests, parts, sent = hashlib.sha256(), {}, {}, 0
        lock = threading.Lock()

        def send(number: int, chunk: bytes) -> None:
            nonlocal sent
            digest = hashlib.sha256(chunk).digest()  # here, not on the reading thread: parts hash in parallel
            done = self._call(f"part {number} of {key}", self.client.upload_part, Bucket=self.bucket, Key=target,
                              UploadId=upload_id, PartNumber=number, Body=chunk, ChecksumSHA256=_b64(digest))
            with lock:
                part_digests[number] = digest
                parts[number] = {"PartNumber": number, "ETag": done["ETag"], "ChecksumSHA256": _b64(digest)}
                sent += len(chunk)
                if progress:
                    progress(sent)

        try:
            with open(source, "rb") as handle, ThreadPoolExecutor(WORKERS) as pool:
                pending, number = set(), 0
                while chunk := handle.read(part_size):
                    number += 1
                    pending.add(pool.submit(send, number, chunk))
                    whole.update(chunk)  # while the part is hashed and sent
                    # At most WORKERS + 1 parts in memory: wait before reading more.
                    while len(pending) > WORKERS:
                        done, pending = wait(pending, return_when=FIRST_COMPLETED)
                        for future in done:
                            future.result()
                for future in pending:
                    future.result()
            ordered = [parts[n] for n in sorted(parts)]
            self._call(f"finish upload of {key}", self.client.complete_multipart_upload, Bucket=self.bucket,
                       Key=target, UploadId=upload_id, MultipartUpload={"Parts": ordered}, IfNoneMatch="*")
        except BaseException:
            try:
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=target, UploadId=upload_id)
            except Exception:  # noqa: BLE001 - the original error is the one to report
                pass
            raise
        composite = _b64(hashlib.sha256(b"".join(part_digests[n] for n in sorted(part_digests))).digest()) + f"-{len(part_digests)}"
        return Uploaded(whole.hexdigest(), sent, composite)

    def _abort_stale(self, key: str) -> None:
        """Abort incomplete uploads of this key left by a killed publisher (older than an hour)."""
        target = self._key(key)
        try:
            listed = self.client.list_multipart_uploads(Bucket=self.bucket, Prefix=target)
        except Exception:  # noqa: BLE001 - listing is best effort; the upload reports real errors
            return
        for upload in listed.get("Uploads", []):
            started = upload.get("Initiated")
            if upload.get("Key") == target and started and time.time() - started.timestamp() > STALE_UPLOAD_S:
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=target, UploadId=upload["UploadId"])

    def verify(self, key: str, uploaded: Uploaded) -> None:
        head = self._call(f"head {key}", self.client.head_object, Bucket=self.bucket, Key=self._key(key),
                          ChecksumMode="ENABLED")
        if head["ContentLength"] != uploaded.size:
            raise StoreError(f"{self}/{key}: {head['ContentLength']} bytes landed, {uploaded.size} were sent")
        landed = head.get("ChecksumSHA256")
        if landed is None:
            raise StoreError(f"{self}/{key}: the server keeps no SHA-256 checksum; cannot verify what landed")
        if landed != uploaded.landed_checksum:
            raise StoreError(f"{self}/{key}: checksum {landed} where {uploaded.landed_checksum} was sent")

    def delete(self, key: str) -> None:
        self._call(f"delete {key}", self.client.delete_object, Bucket=self.bucket, Key=self._key(key))

    def keys(self, suffix: str) -> list[str]:
        found, token = [], None
        base = f"{self.prefix}/" if self.prefix else ""
        while True:
            kwargs = {"Bucket": self.bucket, "Prefix": base, **({"ContinuationToken": token} if token else {})}
            page = self._call("list", self.client.list_objects_v2, **kwargs)
            found += [o["Key"][len(base):] for o in page.get("Contents", []) if o["Key"].endswith(suffix)]
            if not page.get("IsTruncated"):
                return sorted(found)
            token = page["NextContinuationToken"]

    def default_url(self) -> str | None:
        return None  # S3 endpoints differ: the public URL must be given at init
