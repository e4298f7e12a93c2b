"""Vagrant's box-metadata format (``metadata.json``), built and checked for the pitfalls
of real Vagrant versions:

- ``checksum`` and ``checksum_type`` always set, in lower case: Vagrant skips
  verification when either is empty, and 2.3.4 refuses ``SHA256``;
- box URLs absolute (Vagrant resolves a relative ``url`` against its working directory);
- versions numeric ``X.Y.Z`` (``2024-01-01`` sorts as a pre-release in RubyGems' rules);
- ``architecture`` and ``default_architecture`` for Vagrant >= 2.4, with the default
  architecture's entry listed last for its provider, because Vagrant 2.3 keeps the last
  entry of a provider name.
"""

from __future__ import annotations

import copy
import json
import re
import urllib.parse

from gaev_tui.errors import GaevError, InputError

CHECKSUM_TYPE = "sha256"
DEFAULT_ARCHITECTURE = "amd64"
MAX_BYTES = 8 * 1024 * 1024  # a registry's metadata.json is small JSON

_VERSION = re.compile(r"(0|[1-9][0-9]{0,8})(\.(0|[1-9][0-9]{0,8})){0,2}")
_NAME_PART = re.compile(r"[a-z0-9][a-z0-9._-]{0,62}")
_PROVIDER = re.compile(r"[a-z0-9_]{1,32}")
_ARCH = re.compile(r"[a-z0-9_]{1,16}")
_SHA256 = re.compile(r"[0-9a-f]{64}")


class MetadataError(GaevError):
    """A registry's metadata.json cannot be used (names the file and the field)."""


def check_box_name(name: str) -> str:
    """``ORG/BOX`` as Vagrant and URLs both accept it."""
    parts = name.split("/")
    if len(parts) != 2 or not all(_NAME_PART.fullmatch(p) for p in parts):
        raise InputError(f"box name must be ORG/BOX (a-z, 0-9, '.', '_', '-'), got {name!r}")
    return name


def check_version(version: str) -> str:
    """A numeric version Vagrant orders as people expect: ``1``, ``1.2`` or ``1.2.3``."""
    if not _VERSION.fullmatch(version):
        raise InputError(f"version must be numeric X.Y.Z (like 1.0.0), got {version!r}"
                         + ("; a date sorts as a pre-release in Vagrant, write 2024.1.1" if "-" in version else ""))
    return version


def check_provider(provider: str) -> str:
    if not _PROVIDER.fullmatch(provider):
        raise InputError(f"provider must be a Vagrant provider name (virtualbox, libvirt...), got {provider!r}")
    return provider


def check_architecture(arch: str) -> str:
    if not _ARCH.fullmatch(arch):
        raise InputError(f"architecture must be like amd64 or arm64, got {arch!r}")
    return arch


def empty(name: str, description: str = "") -> dict:
    return {"name": check_box_name(name), "description": description, "versions": []}


def parse(data: bytes, where: str) -> dict:
    """A metadata.json read from a registry, checked; MetadataError names what is wrong."""
    if len(data) > MAX_BYTES:
        raise MetadataError(f"{where}: larger than {MAX_BYTES // (1024 * 1024)} MiB; not a box metadata file")
    try:
        meta = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise MetadataError(f"{where}: not valid JSON ({exc}); nothing was changed") from None
    if not isinstance(meta, dict) or not isinstance(meta.get("name"), str) or not isinstance(meta.get("versions"), list):
        raise MetadataError(f"{where}: not Vagrant box metadata (needs 'name' and a 'versions' list)")
    for i, entry in enumerate(meta["versions"]):
        field = f"versions[{i}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("version"), str):
            raise MetadataError(f"{where}: {field}: needs a 'version' string")
        providers = entry.get("providers")
        if not isinstance(providers, list):
            raise MetadataError(f"{where}: {field}.providers: must be a list")
        for j, prov in enumerate(providers):
            if not isinstance(prov, dict) or not all(isinstance(prov.get(k), str) for k in ("name", "url")):
                raise MetadataError(f"{where}: {field}.providers[{j}]: needs 'name' and 'url' strings")
    return meta


def find(meta: dict, version: str, provider: str, architecture: str) -> dict | None:
    """The provider entry of one published box file, or None."""
    for entry in meta["versions"]:
        if entry["version"] != version:
            continue
        for prov in entry["providers"]:
            if prov["name"] == provider and prov.get("architecture", DEFAULT_ARCHITECTURE) == architecture:
                return prov
    return None


def provider_entry(provider: str, architecture: str, url: str, sha256: str) -> dict:
    """One box file as Vagrant reads it."""
    if not urllib.parse.urlsplit(url).scheme:
        raise InputError(f"box URL must be absolute (Vagrant resolves a relative one against its own directory): {url}")
    if not _SHA256.fullmatch(sha256):
        raise InputError(f"not a lower-case sha256: {sha256!r}")
    return {"name": provider, "architecture": architecture, "default_architecture": architecture == DEFAULT_ARCHITECTURE,
            "url": url, "checksum": sha256, "checksum_type": CHECKSUM_TYPE}


def with_box(meta: dict, version: str, entry: dict, description: str = "") -> dict:
    """A copy of ``meta`` with ``entry`` added to ``version`` (created if new), in the
    order every Vagrant reads right: versions oldest first, the default architecture last
    among a provider's entries."""
    new = copy.deepcopy(meta)
    for existing in new["versions"]:
        if existing["version"] == version:
            break
    else:
        existing = {"version": version, "providers": []}
        if description:
            existing["description"] = description
        new["versions"].append(existing)
    existing["providers"].append(entry)
    existing["providers"].sort(key=lambda p: (p["name"], bool(p.get("default_architecture")), p.get("architecture", "")))
    from gaev_tui.boxcache import versions  # here: the package pulls in the whole cache index, gaev get needs none

    new["versions"].sort(key=lambda v: versions.sort_key(v["version"]))
    return new


def dumps(meta: dict) -> bytes:
    return (json.dumps(meta, indent=2, sort_keys=True) + "\n").encode("utf-8")
