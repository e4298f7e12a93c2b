"""fsutil.read_regular: the one reader of user-supplied paths never blocks and never
reads more than its limit (FIFOs, devices, sockets, directories are refused)."""

from __future__ import annotations

import os
import socket
import threading

import pytest

from gaev_tui.fsutil import NotRegularFile, read_regular, read_regular_text


def test_regular_file_is_read_whole(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"abc" * 1000)
    assert read_regular(path, 3000) == b"abc" * 1000
    assert read_regular_text(path, 3000).startswith("abc")


def test_file_over_the_limit_is_refused(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"x" * 101)
    with pytest.raises(ValueError, match="larger than 100 bytes"):
        read_regular(path, 100)


def test_fifo_without_writer_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    result = {}

    def read() -> None:
        try:
            read_regular(fifo, 100)
        except NotRegularFile as exc:
            result["error"] = str(exc)

    # A plain open() of this FIFO would wait for a writer for ever: run it in a thread
    # so that a regression shows as a failed assertion, not a hung test run.
    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    thread.join(30)
    if thread.is_alive():
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # release the blocked reader
    assert "a FIFO, not a regular file" in result.get("error", "blocked on the FIFO")


@pytest.mark.parametrize("path, kind", [("/dev/zero", "a device"), ("/dev/null", "a device"), (".", "a directory")])
def test_devices_and_directories_are_refused(path, kind):
    with pytest.raises(NotRegularFile, match=kind):
        read_regular(path, 100)


def test_socket_is_refused(tmp_path):
    path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    try:
        with pytest.raises(OSError):  # opening a socket fails (ENXIO) or is refused by fstat
            read_regular(path, 100)
    finally:
        server.close()


def test_bad_utf8_is_a_value_error(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(ValueError):
        read_regular_text(path, 100)
