"""The job log: writer + ring, and the indexed reader on a generated large-ish file."""

from __future__ import annotations

import random

from gaev_tui.boxbuild import logstore
from gaev_tui.boxbuild.logstore import LogReader, LogWriter


def _make_log(path, count=60_000, seed=7):
    rng = random.Random(seed)
    lines = [f"{i} " + "x" * rng.randint(0, 200) for i in range(count)]
    lines[1234] = "giant " + "g" * 600_000  # longer than the reader's chunks
    lines[2000] = "bad \ufffd bytes"
    with open(path, "wb") as handle:
        for i, line in enumerate(lines):
            handle.write(b"bad \xff bytes\n" if i == 2000 else line.encode() + b"\n")
    return lines


def test_writer_appends_prefixed_lines_and_bounds_the_ring(tmp_path):
    writer = LogWriter(tmp_path / "jobs" / "j1" / "build.log", ring=100)
    for batch in range(50):
        writer.write("up", [f"l{batch}-{i}" for i in range(10)])
    writer.write("up", [])
    writer.close()
    text = (tmp_path / "jobs" / "j1" / "build.log").read_text().splitlines()
    assert len(text) == 500 and text[0] == "[up] l0-0" and text[-1] == "[up] l49-9"
    assert len(writer.recent) == 100 and writer.recent[-1] == "[up] l49-9"
    assert writer.lines_written == 500


def test_tail_and_scroll_back_without_index(tmp_path):
    lines = _make_log(tmp_path / "big.log")
    with LogReader(tmp_path / "big.log") as reader:
        last = reader.tail(40)
        assert [t for _, t in last] == lines[-40:]
        assert reader.line_count is None  # nothing was indexed to get there
        before = reader.lines_before(last[0][0], 25)
        assert [t for _, t in before] == lines[-65:-40]
        again = reader.lines_from(before[0][0], 65)
        assert [t for _, t in again] == lines[-65:]


def test_index_gives_any_line_number(tmp_path, monkeypatch):
    monkeypatch.setattr(logstore, "STRIDE", 64 * 1024)  # many checkpoints in a small file
    lines = _make_log(tmp_path / "big.log")
    with LogReader(tmp_path / "big.log") as reader:
        rounds = 0
        while not reader.build_index(budget=1 << 20):  # incremental, 1 MiB at a time
            rounds += 1
        assert rounds > 3
        assert reader.line_count == len(lines)
        assert len(reader._offsets) > 50
        for number in (0, 1, 600, 601, 602, 1233, 1234, 1235, 2000, 33333, len(lines) - 1):
            got = reader.lines_at(number, 2)
            assert [t for _, t in got] == lines[number : number + 2], number
        for number in range(0, len(lines), 997):
            assert reader.lines_at(number, 1)[0][1] == lines[number], number
        assert reader.lines_at(len(lines), 5) == []


def test_lines_at_indexes_lazily(tmp_path):
    lines = _make_log(tmp_path / "big.log", count=5000)
    with LogReader(tmp_path / "big.log") as reader:
        assert [t for _, t in reader.lines_at(4321, 3)] == lines[4321:4324]


def test_follow_sees_appended_lines_only_when_complete(tmp_path):
    path = tmp_path / "grow.log"
    path.write_bytes(b"old\n")
    with LogReader(path) as reader:
        assert reader.follow() == []
        with open(path, "ab") as handle:
            handle.write(b"new 1\nnew 2\nhalf")
        assert reader.follow() == ["new 1", "new 2"]
        with open(path, "ab") as handle:
            handle.write(b" done\n")
        assert reader.follow() == ["half done"]
        assert [t for _, t in reader.tail(10)] == ["old", "new 1", "new 2", "half done"]


def test_empty_and_unfinished_files(tmp_path):
    (tmp_path / "e.log").write_bytes(b"")
    (tmp_path / "u.log").write_bytes(b"no newline yet")
    with LogReader(tmp_path / "e.log") as reader:
        assert reader.tail(10) == [] and reader.build_index() and reader.line_count == 0
    with LogReader(tmp_path / "u.log") as reader:
        assert reader.tail(10) == [] and reader.build_index() and reader.line_count == 0
