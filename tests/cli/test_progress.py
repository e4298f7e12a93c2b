"""The byte progress line of 'gaev publish' and 'gaev cloud up': one line redrawn on a
terminal, ending at 100% with a newline; nothing at all when stderr is piped."""

from __future__ import annotations

import sys

from gaev_tui.cli.progress import ByteBar


def test_a_terminal_sees_one_redrawn_line_ending_at_100_percent(monkeypatch, capsys):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    bar = ByteBar(3_000_000)
    for done in (1_000_000, 2_000_000, 3_000_000):
        bar(done)
    err = capsys.readouterr().err
    assert err.startswith("\r   33.3%  1.0/3.0 MB") and err.endswith("\n")
    assert "\r  100.0%  3.0/3.0 MB" in err and err.count("\n") == 1


def test_a_pipe_sees_nothing(monkeypatch, capsys):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    bar = ByteBar(10)
    bar(5), bar(10)
    assert capsys.readouterr().err == ""
