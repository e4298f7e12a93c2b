"""The Log pane: a bounded live view of the build log, with follow, filter and paging.

Lines arrive in batches (a few a second) and reach the ``Log`` widget with one
``write_lines`` call per batch. The pane keeps the newest lines in a ring as long as
the widget's ``max_lines``, so that a filter or a pause redraws from memory. Earlier
lines are read from the log file a page at a time (never the whole file).
"""

from __future__ import annotations

import os
import subprocess
from collections import deque
from collections.abc import Iterable
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Log, Static
from textual.worker import Worker, WorkerState

from gaev_tui.boxbuild.log_window import Lines, earlier_window

MAX_LINES = 10_000
PAGE = 2_000


class BuildLog(Log):
    """A ``Log`` that says when the user scrolled up to its very top."""

    class TopReached(Message):
        """The view reached the first line it holds."""

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if new == 0 and old > 0:
            self.post_message(self.TopReached())


class LogPane(Vertical):
    """Filter input, the log, and a status line (following or paused, line counts)."""

    def __init__(self, max_lines: int = MAX_LINES, **kwargs) -> None:
        super().__init__(**kwargs)
        self.max_lines = max_lines
        self.ring: deque[str] = deque(maxlen=max_lines)  # the newest lines, always
        self.path: Path | None = None
        self.end = 0  # byte offset just after the ring's last line
        self.following = True
        self.view: Lines | None = None  # earlier lines being read (None: the ring is shown)
        self._frozen: tuple[int, int] | None = None  # (end, count) of the ring when paused
        self.needle = ""
        self.received = 0  # lines delivered since the pane opened
        self.missed = 0  # lines that arrived while paused

    def compose(self) -> ComposeResult:
        yield Input(placeholder="filter lines (Enter: back to the log, Esc: clear)", id="log-filter", compact=True)
        yield BuildLog(max_lines=self.max_lines, id="log")
        yield Static("", id="log-status", markup=False)

    def on_mount(self) -> None:
        self.query_one("#log-filter").display = False
        self._show_status()

    @property
    def log_widget(self) -> BuildLog:
        return self.query_one(BuildLog)

    # Feeding --------------------------------------------------------------------------
    def load(self, path: Path, lines: Lines, end: int) -> None:
        """Show the end of the log at ``path``: its last ``lines`` and where they end."""
        self.path, self.end = path, end
        self.ring.clear()
        self.ring.extend(text for _, text in lines)
        self._redraw()

    def append(self, lines: list[str], end: int | None = None) -> None:
        """A batch of new lines (one widget call for the whole batch) ending at ``end``."""
        self.received += len(lines)
        self.ring.extend(lines)
        if end is not None:
            self.end = end
        if not self.following:
            self.missed += len(lines)  # the view holds still
        elif shown := self._matching(lines):
            self.log_widget.write_lines(shown)
        self._show_status()

    def _matching(self, lines: Iterable[str]) -> list[str]:
        if not self.needle:
            return lines if isinstance(lines, list) else list(lines)
        needle = self.needle
        return [line for line in lines if needle in line.lower()]

    def _redraw(self, top: int | None = None) -> None:
        log = self.log_widget
        log.clear()
        source = [text for _, text in self.view] if self.view is not None else list(self.ring)
        log.write_lines(self._matching(source), scroll_end=self.following)
        if top is not None and not self.needle:
            log.scroll_to(y=top, animate=False, immediate=True)
        self._show_status()

    # Follow, pages, filter --------------------------------------------------------------
    def set_following(self, on: bool) -> None:
        """Follow the end of the log (back from earlier pages), or hold the view still."""
        if on == self.following:
            return
        self.following = on
        self.log_widget.auto_scroll = on
        self._frozen = None if on else (self.end, len(self.ring))
        if on:
            self.view, self.missed = None, 0
            self._redraw()
        self._show_status()

    def earlier(self) -> None:
        """Put the previous page of the log file in front of what is shown."""
        if self.path is None or (self.view is not None and (not self.view or self.view[0][0] == 0)):
            return
        self.set_following(False)
        self._read_earlier(self.path, self.view if self.view is not None else self._frozen)

    @work(thread=True, exclusive=True, group="log-history", exit_on_error=False)
    def _read_earlier(self, path: Path, current) -> None:
        window, added = earlier_window(path, current, PAGE, self.max_lines)
        self.app.call_from_thread(self._show_window, window, added)

    def _show_window(self, window: Lines, added: int) -> None:
        if self.following:  # resumed meanwhile
            return
        self.view = window
        self._redraw(top=added)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:  # the file went away, a disk error...
            self.notify(f"cannot read earlier lines: {event.worker.error}", severity="error", timeout=10)

    def on_build_log_top_reached(self, event: BuildLog.TopReached) -> None:
        event.stop()
        if not self.following:
            self.earlier()

    def open_filter(self) -> None:
        box = self.query_one("#log-filter", Input)
        box.display = True
        box.focus()

    def close_filter(self) -> bool:
        """Clear and hide the filter; False when it was not open."""
        box = self.query_one("#log-filter", Input)
        if not box.display:
            return False
        box.value, box.display = "", False
        self.set_filter("")
        self.log_widget.focus()
        return True

    def set_filter(self, text: str) -> None:
        """Show only the lines containing ``text`` (case-insensitive)."""
        self.needle = text.strip().lower()
        self._redraw()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.set_filter(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.log_widget.focus()

    def _show_status(self) -> None:
        if self.following:
            mode = "following"
        elif self.view is not None:
            first = self.view[0][0] if self.view else 0
            mode = f"reading earlier lines (from byte {first:,}) · f: back to the end"
        else:
            mode = f"paused · {self.missed:,} new lines · f: follow"
        parts = [mode] + ([f"{self.received:,} new lines since opened"] if self.received else [])
        if self.needle:
            parts.append(f"filter: {self.needle!r}")
        # One fixed-height line: no layout pass (this runs on every batch).
        self.query_one("#log-status", Static).update(" · ".join(parts), layout=False)

    def open_in_pager(self, expected: Path | None = None) -> None:
        """Copy the log's path; on a real terminal, open the whole log in ``$PAGER``.

        ``expected``: where the job's log will be, while it is not written yet.
        """
        if self.path is None:
            if expected is not None:
                self.notify(f"{expected}\n(not written yet: the build is starting)", title="Log", severity="warning")
            elif self.ring:  # lines on screen, but they are in no file
                self.notify("The lines shown are the pre-flight checks: no build was started, so there "
                            "is no log file.", title="No log file", severity="warning")
            else:
                self.notify("No build here yet, so no log.", severity="warning")
            return
        self.app.copy_to_clipboard(str(self.path))
        if self.app.is_headless:
            self.notify(str(self.path), title="Log (path copied)")
            return
        pager = (os.environ.get("PAGER") or "less").split()
        try:
            with self.app.suspend():
                subprocess.run([*pager, str(self.path)], check=False)
        except OSError as exc:  # no such pager
            self.notify(f"{self.path}\n(cannot run {pager[0]}: {exc.strerror})", title="Log (path copied)",
                        severity="warning")
