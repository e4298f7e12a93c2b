"""Build logs: the whole log on disk, a bounded ring of recent lines in memory, and a
reader that opens a multi-GB log instantly.

The reader never reads the file whole. The last page is found by reading backwards
from the end; scrolling reads pages around a byte offset (``os.pread``, LRU cache of
full pages); absolute line numbers come from a sparse index -- one checkpoint (byte
offset, line number) every ``STRIDE`` bytes, found with ``bytes.count`` at memory
speed -- built incrementally, on demand or in the background.
"""

from __future__ import annotations

import os
import stat
import threading
from array import array
from bisect import bisect_right
from collections import deque
from functools import lru_cache
from pathlib import Path

from gaev_tui.fsutil import NotRegularFile

PAGE = 1 << 16
STRIDE = 1 << 20  # one checkpoint per MiB of log: 2 GB of log -> 2,048 checkpoints


def log_line(stage: str, text: str) -> str:
    """How one line appears in the job log and on the headless stdout."""
    return f"[{stage}] {text}"


class LogWriter:
    """Appends lines to the job log file and keeps the most recent ones in memory."""

    def __init__(self, path: Path, ring: int = 10_000) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(self.path, "ab")  # noqa: SIM115 - lives as long as the job
        self.recent: deque[str] = deque(maxlen=ring)
        # Lines in the file, those it held already included (the pre-flight's, written
        # when the job was created): stages' line numbers are then true in the file.
        self.lines_written = _count_lines(self.path)
        self._lock = threading.Lock()

    def write(self, stage: str, lines: list[str]) -> None:
        """Append ``lines`` of ``stage`` and flush, so that ``gaev attach`` sees them."""
        if not lines:
            return
        formatted = [f"[{stage}] {text}" for text in lines]
        data = ("\n".join(formatted) + "\n").encode("utf-8", errors="replace")
        with self._lock:
            self._file.write(data)
            self._file.flush()
            self.recent.extend(formatted)
            self.lines_written += len(formatted)

    def close(self) -> None:
        """Flush and close the file."""
        with self._lock:
            self._file.close()


def _count_lines(path: Path) -> int:
    with open(path, "rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(PAGE), b""))


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


class LogReader:
    """Random access to a (possibly growing, possibly huge) log file by lines."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        # A job's log sits in a directory anyone may have crafted: never follow a
        # symlink out of it, never block on a FIFO, never read a device.
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        self._fd = os.open(self.path, flags)
        st = os.fstat(self._fd)
        if not stat.S_ISREG(st.st_mode):
            os.close(self._fd)
            raise NotRegularFile(f"{self.path}: not a regular file; not read")
        self.size = st.st_size
        self._offsets = array("Q")  # checkpoint i: a line start ...
        self._numbers = array("Q")  # ... and its 0-based line number
        self._indexed_to = 0  # bytes scanned; always just after a newline
        self._indexed_lines = 0
        self._page = lru_cache(maxsize=256)(self._read_page)
        self._follow_at: int | None = None

    def close(self) -> None:
        """Release the file descriptor."""
        os.close(self._fd)

    def __enter__(self) -> LogReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def refresh(self) -> int:
        """Re-read the file size (the log may be growing); return it."""
        self.size = os.fstat(self._fd).st_size
        return self.size

    # -- bytes ------------------------------------------------------------------------

    def _read_page(self, number: int) -> bytes:
        return os.pread(self._fd, PAGE, number * PAGE)

    def _read(self, start: int, end: int) -> bytes:
        """Bytes [start, end); full pages come from the cache, the growing tail never."""
        end = min(end, self.size)
        if start >= end:
            return b""
        parts = []
        for number in range(start // PAGE, (end - 1) // PAGE + 1):
            page_start = number * PAGE
            full = page_start + PAGE <= self.size
            page = self._page(number) if full else os.pread(self._fd, PAGE, page_start)
            parts.append(page[max(0, start - page_start) : end - page_start])
        return b"".join(parts)

    # -- lines by byte offset (no index needed) ---------------------------------------

    def lines_from(self, offset: int, count: int) -> list[tuple[int, str]]:
        """Up to ``count`` complete lines from byte ``offset`` (a line start): (offset, text)."""
        out: list[tuple[int, str]] = []
        pos, limit = offset, self._complete_end()
        while len(out) < count and pos < limit:
            chunk = self._read(pos, min(limit, pos + PAGE * 4))
            cut = chunk.rfind(b"\n")
            if cut < 0:  # one line longer than the chunk
                chunk = self._read(pos, self._line_end(pos))
                cut = len(chunk) - 1
            for raw in chunk[:cut].split(b"\n"):
                out.append((pos, _decode(raw)))
                pos += len(raw) + 1
                if len(out) == count:
                    break
        return out

    def _line_end(self, pos: int) -> int:
        """Offset just after the newline ending the line at ``pos`` (or the file size)."""
        while pos < self.size:
            chunk = self._read(pos, pos + PAGE * 16)
            cut = chunk.find(b"\n")
            if cut >= 0:
                return pos + cut + 1
            pos += len(chunk)
        return self.size

    def lines_before(self, offset: int, count: int) -> list[tuple[int, str]]:
        """Up to ``count`` complete lines ending just before byte ``offset`` (a line start)."""
        if count <= 0 or offset <= 0:
            return []
        chunks: list[bytes] = []
        start, newlines = offset, 0
        # count + 1 newlines tell where the first wanted line starts.
        while start > 0 and newlines <= count:
            step = min(start, PAGE * 4)
            start -= step
            chunk = self._read(start, start + step)
            chunks.append(chunk)
            newlines += chunk.count(b"\n")
        parts = b"".join(reversed(chunks)).split(b"\n")
        parts.pop()  # the empty piece after the newline that ends at ``offset``
        parts = parts[-count:]
        pos = offset - sum(len(p) + 1 for p in parts)
        out = []
        for raw in parts:
            out.append((pos, _decode(raw)))
            pos += len(raw) + 1
        return out

    def tail(self, count: int) -> list[tuple[int, str]]:
        """The last ``count`` complete lines: what a viewer shows on open.

        :meth:`follow` then goes on from just after them.
        """
        self.refresh()
        end = self._complete_end()
        self._follow_at = end
        return self.lines_before(end, count)

    def _complete_end(self) -> int:
        """Offset just after the last newline (a writer may be mid-line)."""
        tail = self._read(max(0, self.size - PAGE), self.size)
        cut = tail.rfind(b"\n")
        return self.size - len(tail) + cut + 1 if cut >= 0 else max(0, self.size - len(tail))

    @property
    def position(self) -> int | None:
        """Byte offset where :meth:`follow` goes on (a line start); None before it started."""
        return self._follow_at

    def follow(self, limit: int | None = None) -> list[str]:
        """Complete lines appended since the previous call (first call: from now on).

        ``limit``: at most that many lines; the rest come on the next calls (a reader
        that fell behind catches up in bounded steps instead of one huge list).
        """
        self.refresh()
        end = self._complete_end()
        if self._follow_at is None:
            self._follow_at = end
            return []
        # Whole blocks are split and decoded at once: no per-line tuples, which at a
        # million lines would also wake the garbage collector (long UI pauses).
        out: list[str] = []
        pos = self._follow_at
        while pos < end and (limit is None or len(out) < limit):
            block = self._read(pos, min(end, pos + PAGE * 16))
            cut = block.rfind(b"\n")
            if cut < 0:  # one line longer than the block
                block = self._read(pos, self._line_end(pos))
                cut = len(block) - 1
            parts = block[:cut].split(b"\n")
            if limit is not None:
                parts = parts[: limit - len(out)]
            block = b"\n".join(parts)
            pos += len(block) + 1
            out.extend(_decode(block).split("\n"))
        self._follow_at = pos
        return out

    # -- absolute line numbers (sparse index, built incrementally) --------------------

    def build_index(self, budget: int = 256 << 20) -> bool:
        """Scan up to ``budget`` more bytes into the index; True once it covers the file."""
        self.refresh()
        scanned = 0
        while scanned < budget and self._indexed_to < self.size:
            block = os.pread(self._fd, STRIDE, self._indexed_to)
            cut = block.rfind(b"\n")
            if cut < 0:  # an unfinished last line, or a line longer than STRIDE
                if self._indexed_to + len(block) >= self.size:
                    break
                block = os.pread(self._fd, self._line_end(self._indexed_to) - self._indexed_to, self._indexed_to)
                cut = len(block) - 1
            self._offsets.append(self._indexed_to)
            self._numbers.append(self._indexed_lines)
            self._indexed_lines += block.count(b"\n", 0, cut + 1)
            self._indexed_to += cut + 1
            scanned += cut + 1
        return self._indexed_to >= self._complete_end()

    @property
    def line_count(self) -> int | None:
        """Number of complete lines, once the index covers the file; None before."""
        return self._indexed_lines if self._indexed_to >= self._complete_end() else None

    def lines_at(self, number: int, count: int) -> list[tuple[int, str]]:
        """``count`` lines from 0-based line ``number`` (indexes as far as needed)."""
        while number >= self._indexed_lines and not self.build_index():
            pass
        if number >= self._indexed_lines:
            return []
        i = bisect_right(self._numbers, number) - 1
        offset, skip = self._offsets[i], number - self._numbers[i]
        if skip:  # skip whole lines without decoding them (at most one checkpoint's worth)
            end = self._offsets[i + 1] if i + 1 < len(self._offsets) else self._indexed_to
            block = self._read(offset, end)
            offset += len(b"\n".join(block.split(b"\n", skip)[:skip])) + 1
        return self.lines_from(offset, count)
