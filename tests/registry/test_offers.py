"""What the wizard's base-box step offers from the user's registry sources: a registry
made by ``gaev publish``, read over file:// and HTTP; broken and unreachable sources
give one line each and the others still list."""

from __future__ import annotations

import json

import pytest

from gaev_tui.errors import GaevError
from gaev_tui.registry import offers, sources
from tests.registry.helpers import gaev, lab_registry
from tests.registry.servers import free_port, static_server


@pytest.fixture
def registry(tmp_path):
    return lab_registry(tmp_path / "lab")


def test_no_sources_no_offers():
    assert offers.offered("libvirt") == []


def test_a_published_registry_lists_its_boxes_for_the_provider(registry):
    gaev("registry", "add-source", registry.as_uri())  # as a user adds one
    (listing,) = offers.offered("libvirt")
    assert listing.error == "" and listing.skipped == 0
    (box,) = listing.boxes  # lab/vbox-only has no libvirt box
    assert (box.name, box.version, box.description) == ("lab/debian12", "1.0.1", "Debian 12 with the lab's tools")
    assert (box.os, box.os_id) == ("Debian 12 (Bookworm)", "debian-12") and box.source == registry.as_uri()
    assert box.metadata_url == f"{registry.as_uri()}/lab/debian12/metadata.json"
    (vbox,) = offers.offered("virtualbox")[0].boxes
    assert (vbox.name, vbox.version, vbox.os) == ("lab/vbox-only", "2.0.0", "")


def test_a_box_of_another_os_is_counted_not_offered(registry):
    sources.add(registry.as_uri())
    assert [b.name for b in offers.offered("libvirt", "debian-12")[0].boxes] == ["lab/debian12"]
    (listing,) = offers.offered("libvirt", "ubuntu-22.04")
    assert listing.boxes == () and listing.other_os == 1
    # A bare box file's index entry names no OS: offered for any.
    assert [b.name for b in offers.offered("virtualbox", "ubuntu-22.04")[0].boxes] == ["lab/vbox-only"]


def test_over_http_with_a_broken_and_an_unreachable_source(registry, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "index.json").write_text("{ not json")
    dead = f"http://127.0.0.1:{free_port()}"
    with static_server(registry) as url:
        for source in (dead, broken.as_uri(), url):
            sources.add(source)
        listings = offers.offered("libvirt")
    assert [entry.source for entry in listings] == [dead, broken.as_uri(), url]
    assert dead in listings[0].error and not listings[0].boxes
    assert "not valid JSON" in listings[1].error and str(broken) in listings[1].error
    assert listings[2].error == "" and [b.name for b in listings[2].boxes] == ["lab/debian12"]


def test_hostile_index_entries_are_skipped_not_offered(tmp_path):
    good = {"name": "lab/ok", "description": "fine\x1b[31m\nline", "metadata_url": "https://h.example/lab/ok/metadata.json",
            "versions": [{"version": "1.0.0", "providers": [{"name": "libvirt"}]},
                         {"version": "2024-01-01", "providers": [{"name": "libvirt"}]}]}
    bad = [
        {**good, "name": "Lab/Upper"},
        {**good, "metadata_url": "s3://bucket/lab/ok/metadata.json"},
        {**good, "metadata_url": "https://h.example/`id`/metadata.json"},
        {**good, "metadata_url": "https://user:pw@h.example/m.json"},
        "not a mapping",
        {**good, "versions": "1.0.0"},
    ]
    (tmp_path / "index.json").write_text(json.dumps({"format": 1, "boxes": [good, *bad]}))
    sources.add(tmp_path.as_uri())
    (listing,) = offers.offered("libvirt")
    (box,) = listing.boxes
    assert box.version == "1.0.0"  # a date is no version the spec takes
    assert box.description == "fine [31m line"  # one printable line
    assert listing.skipped == len(bad)
    assert offers.offered("virtualbox")[0].boxes == ()


def test_an_index_that_is_not_gaevs_says_so(tmp_path):
    (tmp_path / "index.json").write_text(json.dumps({"boxes": {}}))
    sources.add(tmp_path.as_uri())
    (listing,) = offers.offered("libvirt")
    assert "not a GAEV registry index" in listing.error and "gaev registry index" in listing.error


def test_a_broken_sources_file_is_one_error():
    sources.sources_path().parent.mkdir(parents=True, exist_ok=True)
    sources.sources_path().write_text("[")
    with pytest.raises(GaevError, match=r"registries\.json: unreadable"):
        offers.offered("libvirt")


def test_a_source_with_credentials_is_not_read_nor_shown(registry):
    secret = registry.as_uri().replace("file://", "http://me:s3cret@127.0.0.1:9")
    path = sources.sources_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"sources": [secret]}))  # add-source takes it too: a hand-edited file surely does
    (listing,) = offers.offered("libvirt")
    assert "s3cret" not in listing.source + listing.error and "***@127.0.0.1" in listing.source
    assert "no user name or password" in listing.error
