"""Pages of a build log around a window of lines, read from its file.

The dashboard's Log pane holds at most a few thousand lines; reading earlier ones goes
back to the file through :class:`~gaev_tui.boxbuild.logstore.LogReader`, which only reads
the pages it needs: scrolling back through a multi-GB log costs the same as through a small one.
"""

from __future__ import annotations

from pathlib import Path

from gaev_tui.boxbuild.logstore import LogReader

Lines = list[tuple[int, str]]  # (byte offset of the line, text)


def earlier_window(path: Path, current: Lines | tuple[int, int], page: int, limit: int) -> tuple[Lines, int]:
    """The window ``page`` lines earlier than ``current``, at most ``limit`` lines.

    ``current`` is the window shown, with offsets, or ``(end, count)``: the ``count``
    lines ending at byte ``end`` (what a live view holds, offsets not kept). Returns the
    new window (older lines first, newest dropped past ``limit``) and how many lines
    were added in front.
    """
    with LogReader(path) as reader:
        if isinstance(current, tuple):
            end, count = current
            current = reader.lines_before(end, count)
        first = current[0][0] if current else 0
        older = reader.lines_before(first, page) if first > 0 else []
    return (older + current)[:limit], len(older)
