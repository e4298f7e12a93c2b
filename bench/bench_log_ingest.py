"""Log ingestion: a child prints 1,000,000 lines as fast as it can; they go through the
real runner (chunked reads, ANSI/\\r cleaning, batching) into a headless consumer that
does what the build does with them (job log on disk + bounded ring of recent lines).

Reference, measured in the same run: the same child read raw (``cat``-style: os.read
and count newlines, no splitting or decoding). Prints lines/s, the ratio to the raw
reading, and resident memory sampled during the run (flat = bounded).

    python bench/bench_log_ingest.py [LINES]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gaev_tui.boxbuild.logstore import LogWriter
from gaev_tui.boxbuild.process import Runner

# Realistic lines: provisioning output with some colour codes and a \r progress line.
CHILD = r"""
import sys
n = int(sys.argv[1])
out = sys.stdout.buffer
# One block of 10,000 distinct lines, written again and again: the child costs almost
# nothing, so the figures measure the reader, not the writer.
block = []
for i in range(10000):
    if i % 100 == 0:
        block.append(f"\x1b[0;32mok: [default] => (item=package-{i})\x1b[0m")
    elif i % 250 == 1:
        block.append(f"Progress: 10%\rProgress: 60%\rProgress: 100% line {i}")
    else:
        block.append(f"    default: Setting up libfoo{i % 977}:amd64 (1.2.{i % 31}-1) ... line {i}")
data = ("\n".join(block) + "\n").encode()
for _ in range(n // 10000):
    out.write(data)
out.flush()
"""

def rss_kib() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def raw(n: int) -> tuple[float, int]:
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(n)], stdout=subprocess.PIPE)
    fd, count, start = child.stdout.fileno(), 0, time.perf_counter()
    while chunk := os.read(fd, 1 << 18):
        count += chunk.count(b"\n")
    child.wait()
    return time.perf_counter() - start, count


def through_runner(n: int, log_dir: Path) -> tuple[float, int, list[int], int]:
    writer = LogWriter(log_dir / "build.log", ring=10_000)
    seen, samples, calls = [0], [], [0]

    def consume(batch) -> None:
        writer.write("up", batch.lines)
        calls[0] += 1
        before = seen[0]
        seen[0] += len(batch.lines)
        if seen[0] * 10 // n != before * 10 // n:
            samples.append(rss_kib())

    runner = Runner([sys.executable, "-c", CHILD, str(n)], consume)
    start = time.perf_counter()
    code = runner.run()
    elapsed = time.perf_counter() - start
    writer.close()
    assert code == 0 and seen[0] == n, (code, seen[0])
    return elapsed, seen[0], samples, calls[0]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    raw_time, raw_count = raw(n)
    assert raw_count == n
    with tempfile.TemporaryDirectory(prefix="gaev-bench-") as tmp:
        rss_before = rss_kib()
        elapsed, count, samples, calls = through_runner(n, Path(tmp))
        size = (Path(tmp) / "build.log").stat().st_size
    rate, raw_rate = count / elapsed, raw_count / raw_time
    print(f"lines: {count:,}; callbacks into the consumer: {calls:,} (about {count // max(calls, 1):,} lines each)")
    print(f"raw reading (reference): {raw_time:.2f} s = {raw_rate:,.0f} lines/s")
    print(f"runner + job log + ring: {elapsed:.2f} s = {rate:,.0f} lines/s; ratio to raw {rate / raw_rate:.2f}; "
          f"goal >= 50,000 lines/s: {'met' if rate >= 50_000 else 'NOT met'}")
    print(f"log written: {size / 1e6:.0f} MB")
    print(f"RSS before: {rss_before / 1024:.1f} MiB; sampled at each 10% of the lines: "
          + ", ".join(f"{s / 1024:.1f}" for s in samples) + " MiB")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
