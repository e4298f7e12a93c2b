"""Outdated flags from box catalogues: file://, a loopback HTTP server, offline and cached."""

from __future__ import annotations

import http.server
import json
import threading

import pytest

from gaev_tui import paths
from gaev_tui.boxcache import outdated
from gaev_tui.boxcache.model import Box
from tests.boxcache.helpers import catalogue


def box(version, url, provider="libvirt", arch=None):
    return Box("gaev/sci", version, provider, arch, path=None, metadata_url=url)


def test_file_catalogue_marks_older_versions(tmp_path):
    url = catalogue(tmp_path / "cat.json", "gaev/sci", ["1.0.0", "1.10.0", "1.9.0"])
    boxes = [box("1.0.0", url), box("1.10.0", url), box("0.1", url, provider="virtualbox"),
             box("1", None)]
    assert outdated.mark_outdated(boxes) == []
    assert [(b.outdated, b.latest_version) for b in boxes] == [
        (True, "1.10.0"), (False, "1.10.0"), (None, None), (None, None)]


def test_architecture_is_respected(tmp_path):
    url = catalogue(tmp_path / "cat.json", "m", ["2.0"], arch="arm64")
    boxes = [box("1.0", url, arch="amd64"), box("1.0", url, arch="arm64")]
    outdated.mark_outdated(boxes)
    assert [b.outdated for b in boxes] == [None, True]


def test_unreachable_or_bad_catalogue_is_unknown(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    boxes = [box("1", (tmp_path / "missing.json").as_uri()), box("1", bad.as_uri()),
             box("1", "ftp://example.invalid/x.json")]
    warnings = outdated.mark_outdated(boxes)
    assert [b.outdated for b in boxes] == [None, None, None]
    assert len(warnings) == 3 and all("'outdated' unknown" in str(w) for w in warnings)


@pytest.fixture
def http_catalogue(tmp_path):
    """A catalogue served on 127.0.0.1 by a short-lived local server."""
    catalogue(tmp_path / "cat.json", "gaev/sci", ["1.0", "2.0"])
    handler_cls = type("Quiet", (http.server.SimpleHTTPRequestHandler,), {"log_message": lambda *a: None})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *a, **kw: handler_cls(*a, directory=str(tmp_path), **kw))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/cat.json", server
    server.shutdown()
    server.server_close()


def test_http_catalogue_is_cached_for_offline_use(http_catalogue):
    url, server = http_catalogue
    boxes = [box("1.0", url)]
    assert outdated.mark_outdated(boxes) == []
    assert boxes[0].outdated is True
    cached = list((paths.cache_dir() / "box-catalogs").glob("*.json"))
    assert len(cached) == 1 and json.loads(cached[0].read_text())["name"] == "gaev/sci"
    server.shutdown()
    server.server_close()
    again = [box("1.0", url)]
    assert outdated.mark_outdated(again, offline=True) == []
    assert again[0].outdated is True
    cached[0].unlink()
    never = [box("1.0", url)]
    warnings = outdated.mark_outdated(never, offline=True)
    assert never[0].outdated is None and "offline" in str(warnings[0])
