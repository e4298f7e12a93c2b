"""Publishing a box to a registry, safely:

1. refuse a box/version/provider/architecture that is already published unless the
   file is byte-identical (a published version is immutable);
2. upload the box (read once, hashed on the way) under its final name only when it is
   whole, then verify its size and sha256 where it landed;
3. write its ``.sha256`` and the version's records beside it;
4. add it to ``metadata.json`` in one atomic compare-and-swap, retried when another
   publisher changed the file meanwhile (neither publish is lost);
5. refresh the registry's index.

A publish interrupted before step 4 leaves metadata.json as it was: nothing points at a
missing or partial file. A box file left by a killed publisher (no metadata entry) is
replaced by the next publish of that version once it is stale.

With ``--doi`` (invenio.py), between steps 2 and 3 a draft record is made on the
InvenioRDM service and a DOI reserved, the records (carrying the DOI) are written and
deposited, and the draft is published before step 4. If the service fails before its
record is published, the draft is discarded and the box and records just written are
deleted: the version is not published at all (not without the DOI that was asked for,
since its records could never get one later: published versions are immutable).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from gaev_tui.boxbuild.checksum import checksum_line, sha256_file
from gaev_tui.errors import GaevError, InputError
from gaev_tui.registry import config as registry_config
from gaev_tui.registry import invenio, metadata, records
from gaev_tui.registry.stores import Conflict, Progress

RETRIES = 20
ORPHAN_STALE_S = 15 * 60  # a box file with no metadata entry for this long was abandoned


class AlreadyPublished(GaevError):
    """That version is published with different content (versions are immutable)."""

    exit_code = 2


@dataclass(frozen=True)
class BoxToPublish:
    box: Path
    name: str  # ORG/BOX
    version: str
    provider: str
    architecture: str = metadata.DEFAULT_ARCHITECTURE
    description: str = ""
    # Files published beside the box (gaev.yaml, gaev.lock.json, manifest.json): name -> bytes.
    inputs: dict[str, bytes] = field(default_factory=dict)
    creators: tuple[str, ...] = ()
    tools: dict[str, str] = field(default_factory=dict)  # the build's tool versions

    def __post_init__(self) -> None:
        metadata.check_box_name(self.name)
        metadata.check_version(self.version)
        metadata.check_provider(self.provider)
        metadata.check_architecture(self.architecture)
        for record in self.inputs:
            if "/" in record or record.startswith("."):
                raise InputError(f"record name must be a plain file name: {record!r}")

    @property
    def directory(self) -> str:
        return f"{self.name}/{self.version}/{self.provider}/{self.architecture}"

    @property
    def box_key(self) -> str:
        box = self.name.split("/")[1]
        return f"{self.directory}/{box}-{self.version}-{self.provider}-{self.architecture}.box"

    @property
    def metadata_key(self) -> str:
        return f"{self.name}/metadata.json"


@dataclass(frozen=True)
class Published:
    name: str
    version: str
    provider: str
    architecture: str
    sha256: str
    size: int
    box_url: str
    metadata_url: str
    identifier: str  # content-derived: sha256:<hex>
    already: bool = False  # the identical file was published before
    citation: str = ""
    doi: str = ""
    doi_record: str = ""  # the record's landing page on the InvenioRDM service


def read_metadata(store, key: str) -> tuple[dict | None, str | None]:
    got = store.read(key, metadata.MAX_BYTES)
    if got is None:
        return None, None
    return metadata.parse(got[0], f"{store}/{key}"), got[1]


def publish(store, request: BoxToPublish, progress: Progress | None = None,
            on_step: Callable[[str], None] | None = None, doi: invenio.InvenioClient | None = None) -> Published:
    """Publish ``request``; with ``doi``, mint a DOI for it there (see the module's text)."""
    step = on_step or (lambda _text: None)
    if not request.box.is_file():
        raise InputError(f"{request.box}: no such box file")
    cfg = registry_config.load(store)
    if doi is not None and not cfg.url.startswith(("https://", "http://")):
        raise InputError(f"{store}: --doi needs a registry served on the web (its URL is {cfg.url}): "
                         "a DOI must lead to where the box can be downloaded")
    meta, _ = read_metadata(store, request.metadata_key)
    done = _already(store, cfg, request, meta)
    if done is not None:
        return done

    _clear_orphan(store, request)
    step(f"uploading {request.box.name} to {store}/{request.box_key}")
    uploaded = store.upload(request.box_key, request.box, progress)
    step("verifying what landed")
    store.verify(request.box_key, uploaded)
    box_url = cfg.url_of(request.box_key)
    facts = records.VersionFacts(
        request.name, request.version, request.provider, request.architecture, uploaded.sha256, uploaded.size,
        box_url, cfg.url_of(request.directory) + "/", datetime.now(UTC), cfg.org, request.creators,
        request.description, request.tools, request.inputs)
    base_name = request.box_key.rsplit("/", 1)[1]
    sha_file = {f"{base_name}.sha256": checksum_line(uploaded.sha256, base_name).encode()}
    minted = None
    if doi is None:
        _write_records(store, request, {**sha_file, **request.inputs, **records.all_records(facts)}, step)
    else:
        minted = _mint(store, request, facts, doi, (meta or {}).get("invenio") or {}, sha_file, step)

    entry = metadata.provider_entry(request.provider, request.architecture, box_url, uploaded.sha256)
    if minted:
        entry["doi"] = minted.doi  # Vagrant ignores keys it does not know
    step(f"listing {request.name} {request.version} in metadata.json")
    for _attempt in range(RETRIES):
        meta, token = read_metadata(store, request.metadata_key)
        current = meta or metadata.empty(request.name, request.description)
        if minted:  # where the next version's record is made from (ids only: never the token)
            current = {**current, "invenio": {"url": minted.api, "record": minted.record, "parent": minted.parent}}
        if metadata.find(current, request.version, request.provider, request.architecture) is not None:
            raise AlreadyPublished(f"{request.name} {request.version} ({request.provider}, {request.architecture}) "
                                   "was published by someone else meanwhile")
        try:
            store.replace(request.metadata_key, metadata.dumps(metadata.with_box(current, request.version, entry)),
                          "application/json", token)
            break
        except Conflict:
            time.sleep(0.05)
    else:
        raise GaevError(f"{store}/{request.metadata_key} kept changing; the box is uploaded but not listed: "
                        "publish again to list it")
    return Published(request.name, request.version, request.provider, request.architecture, uploaded.sha256,
                     uploaded.size, box_url, cfg.url_of(request.metadata_key), f"sha256:{uploaded.sha256}",
                     citation=records.citation_text(facts, minted.doi if minted else None),
                     doi=minted.doi if minted else "", doi_record=minted.html if minted else "")


def _write_records(store, request: BoxToPublish, files: dict[str, bytes], step) -> None:
    step(f"writing {len(files)} records beside it (RO-Crate, DataCite, citation, spec, lock)")
    for name, data in files.items():
        # Not listed yet, so nobody reads these: a re-publish after a crash may overwrite them.
        store.replace(f"{request.directory}/{name}", data, _content_type(name),
                      (store.read(f"{request.directory}/{name}", 1 << 26) or (None, None))[1])


def _mint(store, request: BoxToPublish, facts: records.VersionFacts, client: invenio.InvenioClient,
          known: dict, sha_file: dict[str, bytes], step) -> invenio.Minted:
    """Draft, DOI, records written and deposited, record published; on failure undo it all."""
    # The next version of the box's record, if it has one on this same service.
    previous = known.get("record") if known.get("url") == client.base else None
    draft, files = None, {}
    try:
        step(f"{client.base}: " + (f"new version of record {previous}" if previous else "new record"))
        draft = client.start(invenio.record_metadata(facts), previous)
        doi = client.reserve_doi(draft)
        step(f"reserved DOI {doi}")
        files = {**sha_file, **request.inputs, **records.all_records(facts, doi)}
        _write_records(store, request, files, step)
        step(f"depositing {len(files)} records (not the box: it is linked by URL and sha256)")
        client.deposit(draft, files)
        minted = client.publish(draft)
    except BaseException:
        if draft is not None:
            client.discard(draft)
        for name in [*files, request.box_key.rsplit("/", 1)[1]]:
            try:
                store.delete(f"{request.directory}/{name}")
            except Exception:  # noqa: BLE001 - best effort; the service's error is the one to report
                pass
        raise
    step(f"published record {minted.html or minted.record} with DOI {minted.doi}")
    return minted


def _already(store, cfg, request: BoxToPublish, meta: dict | None) -> Published | None:
    """An identical re-publish is a no-op; a different file under a published version is refused."""
    entry = metadata.find(meta, request.version, request.provider, request.architecture) if meta else None
    if entry is None:
        return None
    local = sha256_file(request.box)
    if entry.get("checksum") != local:
        raise AlreadyPublished(
            f"{request.name} {request.version} ({request.provider}, {request.architecture}) is already published "
            f"with another file (sha256 {str(entry.get('checksum'))[:12]}…); a published version never changes: "
            "publish a new version")
    size = store.size(request.box_key) or request.box.stat().st_size
    return Published(request.name, request.version, request.provider, request.architecture, local, size,
                     entry["url"], cfg.url_of(request.metadata_key), f"sha256:{local}", already=True,
                     doi=str(entry.get("doi") or ""))


def _clear_orphan(store, request: BoxToPublish) -> None:
    """A box file that metadata.json does not list was left by an interrupted publish."""
    if store.size(request.box_key) is None:
        return
    if store.age(request.box_key) < ORPHAN_STALE_S:
        raise GaevError(f"{store}/{request.box_key} is being published by someone else right now "
                        "(or was interrupted a moment ago); try again in 15 minutes")
    store.delete(request.box_key)


def _content_type(name: str) -> str:
    return "application/json" if name.endswith(".json") else "text/plain; charset=utf-8"
