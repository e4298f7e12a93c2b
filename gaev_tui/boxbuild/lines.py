"""Turn a child's raw output chunks into clean text lines.

Chunks come from ``os.read`` and cut lines, UTF-8 characters and ANSI sequences
anywhere, so only the part up to the last newline is cleaned and decoded; the rest
waits for the next chunk. Cleaning works on whole chunks (one regex, one
``translate``, one ``decode``) rather than line by line: that is what keeps a
million-line build log cheap to ingest.
"""

from __future__ import annotations

import re

#: A line longer than this without a newline is emitted in pieces (bounded memory).
MAX_LINE = 4 * 1024 * 1024

# CSI (colours, cursor moves), OSC (titles, hyperlinks), then other escapes
# (ESC, intermediates, one final byte: "ESC ( B" charset, "ESC M", ...).
_ANSI = re.compile(
    rb"\x1b\[[0-?]*[ -/]*[@-~]"
    rb"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
    rb"|\x1b[ -/]*[0-~]"
)
# Other C0 controls (bell, backspace, NUL...) mean nothing in a log; keep \t \n \r.
_CONTROLS = bytes(c for c in range(32) if c not in (9, 10, 13)) + b"\x7f"


def clean_bytes(data: bytes) -> bytes:
    """Remove ANSI escape sequences and stray control characters (not \\t \\n \\r)."""
    if b"\x1b" in data:
        data = _ANSI.sub(b"", data)
    return data.translate(None, _CONTROLS)


def collapse_cr(line: str) -> str:
    """Keep what a terminal would show of a ``\\r``-rewritten progress line."""
    line = line.rstrip("\r")  # CRLF line ends and "text\r\n" progress ends
    cut = line.rfind("\r")
    return line[cut + 1 :] if cut >= 0 else line


def decode(data: bytes) -> str:
    """Decode child output: UTF-8, invalid bytes become U+FFFD, never an error."""
    return data.decode("utf-8", errors="replace")


class LineSplitter:
    """Feed raw chunks, get back complete clean lines (without their newline)."""

    def __init__(self, max_line: int = MAX_LINE) -> None:
        self._buf = bytearray()
        self._max_line = max_line

    def feed(self, chunk: bytes) -> list[str]:
        """Lines completed by ``chunk``; an unfinished line stays buffered."""
        buf = self._buf
        buf += chunk
        end = buf.rfind(b"\n")
        if end < 0:
            return self._overflow()
        complete = bytes(buf[:end])
        del buf[: end + 1]
        lines = decode(clean_bytes(complete)).split("\n")
        if b"\r" in complete:
            lines = [collapse_cr(s) if "\r" in s else s for s in lines]
        return lines + self._overflow()

    def _overflow(self) -> list[str]:
        buf = self._buf
        # Progress bars rewrite one line with \r for minutes: keep only the last state.
        cut = buf.rfind(b"\r", 0, len(buf) - 1)
        if cut >= 0:
            del buf[: cut + 1]
        if len(buf) < self._max_line:
            return []
        piece = bytes(buf[: self._max_line])
        del buf[: self._max_line]
        return [decode(clean_bytes(piece))]

    @property
    def partial(self) -> str:
        """The unfinished line (e.g. the current state of a progress bar), cleaned."""
        return collapse_cr(decode(clean_bytes(bytes(self._buf))))

    def flush(self) -> list[str]:
        """At end of stream: the unfinished line, if any, as a last line."""
        if not self._buf:
            return []
        last = self.partial
        self._buf.clear()
        return [last]
