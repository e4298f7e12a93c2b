"""Box checksum: GAEV's sha256 (hashlib + one reused buffer) against
``openssl dgst -sha256`` on the same ~1 GB file, same run, warm page cache for both.
Runs alternate (ours, openssl, ours, ...) three times each; the best wall-clock times
are compared, and CPU times too (user + sys: steadier on a loaded machine, where other
processes take turns on the cores). Goal: ratio >= 0.9.

    python bench/bench_checksum.py [GIB]
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

from gaev_tui.boxbuild.checksum import sha256_file


def timed(fn):
    """(wall seconds, CPU seconds of this process and its children, value)."""
    before, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    value = fn()
    wall = time.perf_counter() - start
    after, children_after = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = sum(getattr(after, f) - getattr(before, f) + getattr(children_after, f) - getattr(children, f)
              for f in ("ru_utime", "ru_stime"))
    return wall, cpu, value


def main() -> None:
    openssl = shutil.which("openssl")
    if openssl is None:
        sys.exit("openssl is not installed: 'apt-get install openssl'")
    gib = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    with tempfile.TemporaryDirectory(prefix="gaev-bench-", dir="/tmp") as tmp:
        path = os.path.join(tmp, "test.box")
        block = os.urandom(64 << 20)  # incompressible, like a gzip'd box
        with open(path, "wb") as handle:
            for _ in range(max(1, int(gib * 16))):
                handle.write(block)
        size = os.path.getsize(path)
        sha256_file(path)  # warm the page cache for both contenders
        ours, ref = [], []
        for _ in range(3):
            ours.append(timed(lambda: sha256_file(path)))
            ref.append(timed(lambda: subprocess.run([openssl, "dgst", "-sha256", "-r", path],
                                                    capture_output=True, text=True, check=True).stdout))
        digest = ours[0][2]
        assert all(r[2].split()[0] == digest for r in ref), (ref[0][2], digest)
    mb = size / 1e6
    ref_wall, ref_cpu = min(r[0] for r in ref), min(r[1] for r in ref)
    our_wall, our_cpu = min(r[0] for r in ours), min(r[1] for r in ours)
    print(f"file: {size / (1 << 30):.2f} GiB; digests equal: {digest}")
    print(f"openssl dgst -sha256 (reference): wall {ref_wall:.2f} s = {mb / ref_wall:,.0f} MB/s; "
          f"CPU {ref_cpu:.2f} s = {mb / ref_cpu:,.0f} MB/s")
    print(f"gaev sha256_file: wall {our_wall:.2f} s = {mb / our_wall:,.0f} MB/s; "
          f"CPU {our_cpu:.2f} s = {mb / our_cpu:,.0f} MB/s")
    for kind, ratio in (("wall", ref_wall / our_wall), ("CPU", ref_cpu / our_cpu)):
        print(f"ratio ({kind}): {ratio:.2f} (goal >= 0.9: {'met' if ratio >= 0.9 else 'NOT met'})")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")

if __name__ == "__main__":
    main()
