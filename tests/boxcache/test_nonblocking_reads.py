"""`gaev boxes list` on a cache whose files are FIFOs or devices: every one is reported
and skipped, nothing waits (issue 11, item 8). Run in a child process so that a
regression (a read blocking on a FIFO) fails the test instead of hanging the suite."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.boxcache.helpers import make_box, write_index


def boxes_list(home, *extra_env) -> subprocess.CompletedProcess:
    env = {**os.environ, "VAGRANT_HOME": str(home), "GAEV_OFFLINE": "1", **dict(extra_env)}
    try:
        return subprocess.run([sys.executable, "-m", "gaev_tui", "boxes", "list", "--json"],
                              capture_output=True, text=True, env=env, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("gaev boxes list blocked on a FIFO (killed after 60 s)")


@pytest.mark.parametrize("url", ["fifo", "file://fifo"])
def test_metadata_url_naming_a_fifo(tmp_path, url):
    fifo = tmp_path / "catalogue-fifo"
    os.mkfifo(fifo)
    home = tmp_path / "vagrant.d"
    make_box(home, "gaev/sci", "1.0", url=url.replace("fifo", str(fifo)))
    done = boxes_list(home)
    assert done.returncode == 0, done.stderr
    assert [b["outdated"] for b in json.loads(done.stdout)] == [None]
    assert "a FIFO, not a regular file" in done.stderr


def test_metadata_url_naming_a_device(tmp_path):
    home = tmp_path / "vagrant.d"
    make_box(home, "gaev/sci", "1.0", url="/dev/zero")
    done = boxes_list(home)
    assert done.returncode == 0, done.stderr
    assert "a device, not a regular file" in done.stderr


def test_cache_files_that_are_fifos(tmp_path):
    """metadata_url, metadata.json and Vagrant's machine index as FIFOs."""
    home = tmp_path / "vagrant.d"
    make_box(home, "a", "1.0")
    os.mkfifo(home / "boxes" / "a" / "metadata_url")
    pdir = make_box(home, "b", "1.0")
    (pdir / "metadata.json").unlink()
    os.mkfifo(pdir / "metadata.json")
    index = write_index(home, {})
    index.unlink()
    os.mkfifo(index)
    done = boxes_list(home)
    assert done.returncode == 0, done.stderr
    assert [b["name"] for b in json.loads(done.stdout)] == ["a"]
    assert done.stderr.count("a FIFO, not a regular file") == 3, done.stderr
    # An unreadable machine index means every box may be in use: kept, shown unknown.
    assert [b["in_use"] for b in json.loads(done.stdout)] == [None]
