"""Splitting child output into clean lines: chunks, ANSI, \\r progress, bad bytes."""

from __future__ import annotations

from gaev_tui.boxbuild.lines import LineSplitter, clean_bytes, collapse_cr


def feed_all(chunks, **kw):
    splitter = LineSplitter(**kw)
    out = []
    for chunk in chunks:
        out += splitter.feed(chunk)
    return out + splitter.flush()


def test_partial_lines_across_chunks():
    data = b"first line\nsecond \xc3\xa9t\xc3\xa9\nthird"
    for size in (1, 2, 3, 7):
        chunks = [data[i : i + size] for i in range(0, len(data), size)]
        assert feed_all(chunks) == ["first line", "second \u00e9t\u00e9", "third"]


def test_ansi_sequences_split_across_chunks_are_removed():
    data = b"\x1b[1;32mgreen\x1b[0m ok\n\x1b]0;title\x07plain\x1b(B\n"
    for size in (1, 4, 100):
        chunks = [data[i : i + size] for i in range(0, len(data), size)]
        assert feed_all(chunks) == ["green ok", "plain"]


def test_progress_updates_collapse():
    chunks = [b"Downloading: 10%\r", b"Downloading: 50%\rDownloading: 100%\r\n", b"done\r\n"]
    assert feed_all(chunks) == ["Downloading: 100%", "done"]


def test_progress_tail_stays_bounded_and_visible():
    splitter = LineSplitter()
    for pct in range(100000):
        splitter.feed(f"Progress: {pct % 100}%\r".encode())
    assert splitter.partial == "Progress: 99%"
    assert len(splitter._buf) < 64  # only the current state is kept


def test_invalid_utf8_and_control_bytes():
    assert feed_all([b"a\xffb\x00\x07c\td\n"]) == ["a\ufffdbc\td"]


def test_one_megabyte_line_is_one_line():
    line = b"y" * (1 << 20)
    chunks = [line[i : i + 65536] for i in range(0, len(line), 65536)] + [b"\nnext\n"]
    out = feed_all(chunks)
    assert [len(s) for s in out] == [1 << 20, 4]


def test_endless_line_is_cut_at_max_line():
    out = feed_all([b"z" * 1000, b"z" * 1000], max_line=700)
    assert [len(s) for s in out] == [700, 700, 600]


def test_helpers():
    assert clean_bytes(b"\x1b[2K\x1b[1Gx") == b"x"
    assert collapse_cr("a\rb\rc\r") == "c"
