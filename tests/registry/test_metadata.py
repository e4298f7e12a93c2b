"""metadata.json as every Vagrant reads it right (the pitfalls named in the module)."""

from __future__ import annotations

import json

import pytest

from gaev_tui.errors import InputError
from gaev_tui.registry import metadata

SHA = "ab" * 32


def test_entry_has_lowercase_checksum_type_and_absolute_url():
    entry = metadata.provider_entry("libvirt", "amd64", "https://boxes.example.org/a.box", SHA)
    assert entry["checksum"] == SHA and entry["checksum_type"] == "sha256"
    assert entry["default_architecture"] is True
    with pytest.raises(InputError, match="absolute"):
        metadata.provider_entry("libvirt", "amd64", "lab/demo/a.box", SHA)
    with pytest.raises(InputError, match="sha256"):
        metadata.provider_entry("libvirt", "amd64", "https://x/a.box", SHA.upper())


def test_default_architecture_listed_last_and_versions_in_vagrant_order():
    meta = metadata.empty("lab/demo")
    meta = metadata.with_box(meta, "1.10.0", metadata.provider_entry("libvirt", "amd64", "https://x/1", SHA))
    meta = metadata.with_box(meta, "1.10.0", metadata.provider_entry("libvirt", "arm64", "https://x/2", SHA))
    meta = metadata.with_box(meta, "1.9.0", metadata.provider_entry("virtualbox", "amd64", "https://x/3", SHA))
    assert [v["version"] for v in meta["versions"]] == ["1.9.0", "1.10.0"]
    providers = meta["versions"][1]["providers"]
    # Vagrant 2.3 keeps the last entry of a provider name: it must be the default arch.
    assert [p["architecture"] for p in providers] == ["arm64", "amd64"]
    assert metadata.find(meta, "1.10.0", "libvirt", "arm64")["url"] == "https://x/2"
    assert metadata.find(meta, "1.10.0", "virtualbox", "amd64") is None
    json.loads(metadata.dumps(meta))


@pytest.mark.parametrize("version", ["2024-01-01", "1.0.0-rc1", "v1", "01.2", "1.2.3.4", "", "1.0\n"])
def test_versions_vagrant_would_misorder_are_refused(version):
    with pytest.raises(InputError, match="numeric"):
        metadata.check_version(version)


@pytest.mark.parametrize("name", ["demo", "Lab/demo", "lab/demo/x", "../demo", "lab/", "lab/de mo", "lab/demo\n"])
def test_box_names(name):
    with pytest.raises(InputError, match="ORG/BOX"):
        metadata.check_box_name(name)


@pytest.mark.parametrize("data, field", [
    (b"{", "not valid JSON"), (b"[]", "needs 'name'"), (b'{"name": "a/b", "versions": [{"v": 1}]}', "versions[0]"),
    (b'{"name": "a/b", "versions": [{"version": "1", "providers": [{"name": "x"}]}]}', "providers[0]"),
    (b"\xff\xfe", "not valid JSON"),
])
def test_a_broken_metadata_file_is_named(data, field):
    with pytest.raises(metadata.MetadataError, match=field.replace("[", r"\[").replace("]", r"\]")) as err:
        metadata.parse(data, "reg/a/b/metadata.json")
    assert "reg/a/b/metadata.json" in str(err.value)
