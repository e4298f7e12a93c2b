"""Opening a 2 GB build log in the attach viewer: open + last page, scroll back, jump
to the middle -- without reading the file whole.

The file (2 GiB of realistic lines, in /tmp) is written, flushed and dropped from the
page cache (posix_fadvise DONTNEED) before each timing, so the figures are for a cold
open. Reference measured in the same run: ``tail -n 50`` on the same file. The full
sparse line index (built in the background by the viewer) is timed for information.

    python bench/bench_log_open.py [GIB]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

from gaev_tui.boxbuild.logstore import LogReader

PAGE_LINES = 50


def make_log(path: str, size: int) -> int:
    block = "".join(f"[up]     default: Setting up libfoo{i % 977}:amd64 (1.2.{i % 31}-1) ... {i}\n"
                    for i in range(200_000)).encode()
    written = 0
    with open(path, "wb") as handle:
        while written < size:
            handle.write(block)
            written += len(block)
        handle.write(b"[gaev] the very last line\n")
        handle.flush()
        os.fsync(handle.fileno())
    return os.path.getsize(path)


def drop_cache(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def main() -> None:
    gib = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
    with tempfile.TemporaryDirectory(prefix="gaev-bench-", dir="/tmp") as tmp:
        path = os.path.join(tmp, "build.log")
        size = make_log(path, int(gib * (1 << 30)))
        print(f"log: {size / (1 << 30):.2f} GiB")

        drop_cache(path)
        ref, out = timed(lambda: subprocess.run(["tail", "-n", str(PAGE_LINES), path], capture_output=True).stdout)
        assert out.endswith(b"[gaev] the very last line\n")

        drop_cache(path)

        def open_and_tail():
            reader = LogReader(path)
            return reader, reader.tail(PAGE_LINES)

        t_open, (reader, page) = timed(open_and_tail)
        assert page[-1][1] == "[gaev] the very last line" and len(page) == PAGE_LINES
        t_back, back = timed(lambda: reader.lines_before(page[0][0], PAGE_LINES * 20))
        t_mid, mid = timed(lambda: reader.lines_from(_line_start(reader, size // 2), PAGE_LINES))
        assert len(back) == PAGE_LINES * 20 and len(mid) == PAGE_LINES
        print(f"open + last page ({PAGE_LINES} lines): {t_open * 1000:.1f} ms "
              f"(goal < 1 s: {'met' if t_open < 1 else 'NOT met'}); tail -n {PAGE_LINES} (reference): "
              f"{ref * 1000:.1f} ms; ratio {t_open / ref:.2f}x the reference time")
        print(f"scroll back {PAGE_LINES * 20} lines: {t_back * 1000:.1f} ms; jump to the middle: {t_mid * 1000:.1f} ms")
        t_index, _ = timed(lambda: [None for _ in iter(lambda: reader.build_index(), True)])
        print(f"full sparse line index (background work): {t_index:.1f} s for {reader.line_count:,} lines")
        t_line, at = timed(lambda: reader.lines_at(reader.line_count // 2, PAGE_LINES))
        assert len(at) == PAGE_LINES
        print(f"then jump to line {reader.line_count // 2:,}: {t_line * 1000:.1f} ms")
        print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        reader.close()


def _line_start(reader: LogReader, offset: int) -> int:
    """The start of the line holding ``offset`` (what a scrollbar jump does)."""
    before = reader.lines_before(offset, 1)
    return before[0][0] + len(before[0][1].encode()) + 1 if before else 0


if __name__ == "__main__":
    main()
