"""sha256 of box files: same digest as sha256sum, its line format, cancel."""

from __future__ import annotations

import hashlib
import subprocess
import threading

import pytest

from gaev_tui.boxbuild import checksum
from gaev_tui.boxbuild.checksum import Cancelled, sha256_file, write_checksum


def test_digest_and_sha256sum_format(tmp_path, monkeypatch):
    monkeypatch.setattr(checksum, "CHUNK", 1000)  # many reads, a short last one
    box = tmp_path / "demo-libvirt.box"
    data = bytes(range(256)) * 4099
    box.write_bytes(data)
    expected = hashlib.sha256(data).hexdigest()
    assert sha256_file(box) == expected
    out = tmp_path / "demo-libvirt.box.sha256"
    assert write_checksum(box, out) == expected
    assert out.read_text() == f"{expected}  demo-libvirt.box\n"
    # The file is what `sha256sum -c` reads, from the directory of the box.
    check = subprocess.run(["sha256sum", "-c", out.name], cwd=tmp_path, capture_output=True, text=True)
    assert check.returncode == 0 and "demo-libvirt.box: OK" in check.stdout


def test_empty_file(tmp_path):
    (tmp_path / "e").write_bytes(b"")
    assert sha256_file(tmp_path / "e") == hashlib.sha256(b"").hexdigest()


def test_cancel_stops_and_writes_nothing(tmp_path):
    box = tmp_path / "b.box"
    box.write_bytes(b"x" * 100)
    stop = threading.Event()
    stop.set()
    with pytest.raises(Cancelled):
        write_checksum(box, tmp_path / "b.box.sha256", cancel=stop)
    assert not (tmp_path / "b.box.sha256").exists()
