"""Not a command: the byte progress line of the uploads ('gaev publish', 'gaev cloud up')."""

from __future__ import annotations

import sys
import time


class ByteBar:
    """One line of progress on a terminal (bytes, rate, ETA); nothing when piped."""

    def __init__(self, total: int) -> None:
        self.total, self.start, self.shown = total, time.monotonic(), 0.0
        self.tty = sys.stderr.isatty()

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if not self.tty or (now - self.shown < 0.2 and done < self.total):
            return
        self.shown = now
        rate = done / max(now - self.start, 1e-6)
        eta = (self.total - done) / rate if rate else 0
        pct = 100 * done / self.total if self.total else 100
        sys.stderr.write(f"\r  {pct:5.1f}%  {done / 1e6:,.1f}/{self.total / 1e6:,.1f} MB  "
                         f"{rate / 1e6:,.1f} MB/s  ETA {eta:,.0f} s ")
        if done >= self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()
