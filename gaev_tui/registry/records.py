"""The records every published version carries, so it is findable, citable and can be
re-created (the GAEV report's unfinished priority 1):

- ``ro-crate-metadata.json``: an RO-Crate 1.1 following the Process Run Crate profile;
  the build is a ``CreateAction`` whose instruments are GAEV and the tools that built the
  box (with versions), whose objects are ``gaev.yaml``, ``gaev.lock.json`` and the base
  box, and whose result is the box (URL, sha256, size) and its package manifest;
- ``datacite.json``: a DataCite 4.5 metadata record (what a DOI registration needs);
- ``CITATION.cff`` and ``CITATION.txt``: how to cite it.

Each takes the version's DOI when one was minted (``gaev publish --doi``, invenio.py).

Written with the ``rocrate`` library; identifiers are content-derived (``sha256:``) plus
the version's stable URL.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import yaml

from gaev_tui import __version__, names

PROCESS_RUN_CRATE = "https://w3id.org/ro/wfrun/process/0.5"
DATACITE_SCHEMA = "http://datacite.org/schema/kernel-4"
BOX_FORMAT = "application/x-vagrant-box"


@dataclass(frozen=True)
class VersionFacts:
    """What is known about one published box version."""

    name: str  # ORG/BOX
    version: str
    provider: str
    architecture: str
    sha256: str
    size: int
    box_url: str
    version_url: str  # the version's directory in the registry (its stable URL)
    published: datetime
    publisher: str
    creators: tuple[str, ...] = ()
    description: str = ""
    tools: dict[str, str] = field(default_factory=dict)  # tool -> version, as used for the build
    inputs: dict[str, bytes] = field(default_factory=dict)  # gaev.yaml, gaev.lock.json, manifest.json

    @property
    def identifier(self) -> str:
        return f"sha256:{self.sha256}"

    @property
    def title(self) -> str:
        return f"{self.name} {self.version} ({self.provider}, {self.architecture})"

    def lock(self) -> dict:
        try:
            return json.loads(self.inputs.get("gaev.lock.json", b"{}"))
        except ValueError:
            return {}


def base_box_url(base: dict) -> str | None:
    """The registry the base box came from (``base_box.url`` in the lock), if it is one
    the spec accepts (a lock travels by hand, so it is checked again)."""
    url = base.get("url")
    return url if isinstance(url, str) and names.box_url(url) is None else None


def ro_crate(facts: VersionFacts, doi: str | None = None) -> bytes:
    from rocrate.model.contextentity import ContextEntity
    from rocrate.rocrate import ROCrate

    crate = ROCrate(version="1.1")
    root = crate.root_dataset
    root["name"] = facts.title
    root["description"] = facts.description or f"Vagrant box {facts.title}, built and published by GAEV"
    root["datePublished"] = facts.published.isoformat()
    root["identifier"] = ([f"https://doi.org/{doi}"] if doi else []) + [facts.identifier, facts.version_url]
    root["conformsTo"] = [{"@id": PROCESS_RUN_CRATE}]
    crate.add(ContextEntity(crate, PROCESS_RUN_CRATE, properties={"@type": "CreativeWork",
                                                                   "name": "Process Run Crate", "version": "0.5"}))
    with tempfile.TemporaryDirectory() as tmp:
        objects = []
        for name, data in sorted(facts.inputs.items()):
            path = Path(tmp) / name
            path.write_bytes(data)
            objects.append(crate.add_file(path, dest_path=name, properties={"name": name,
                                                                             "contentSize": str(len(data))}))
        box = crate.add_file(facts.box_url, fetch_remote=False, validate_url=False, properties={
            "@type": "File", "name": facts.box_url.rsplit("/", 1)[-1], "encodingFormat": BOX_FORMAT,
            "contentSize": str(facts.size), "sha256": facts.sha256, "identifier": facts.identifier})
        base = facts.lock().get("base_box") or {}
        if base.get("name"):
            objects.append(crate.add(ContextEntity(crate, "#base-box", properties={
                "@type": "SoftwareApplication", "name": base["name"], "version": str(base.get("version") or ""),
                "description": "the base box the build started from",
                **({"url": url} if (url := base_box_url(base)) else {})})))
        instruments = [crate.add(ContextEntity(crate, "#gaev", properties={
            "@type": "SoftwareApplication", "name": "GAEV", "version": str(facts.lock().get("gaev_version") or __version__)}))]
        for tool, version in sorted(facts.tools.items()):
            instruments.append(crate.add(ContextEntity(crate, f"#{tool}", properties={
                "@type": "SoftwareApplication", "name": tool, "version": version})))
        instruments.append(crate.add(ContextEntity(crate, f"#provider-{facts.provider}", properties={
            "@type": "SoftwareApplication", "name": facts.provider, "description": "the Vagrant provider"})))
        results = [box] + [o for o in objects if o.id == "manifest.json"]
        action = crate.add_action(instruments[0], identifier="#build",
                                  object=[o for o in objects if o.id != "manifest.json"], result=results,
                                  properties={"name": f"gaev build of {facts.title}"})
        action["instrument"] = instruments  # add_action takes one; the build used several
        crate.metadata.write(tmp)
        return (Path(tmp) / "ro-crate-metadata.json").read_bytes()


def datacite(facts: VersionFacts, doi: str | None = None) -> dict:
    creators = [{"name": c, "nameType": "Personal"} for c in facts.creators] or [
        {"name": facts.publisher, "nameType": "Organizational"}]
    record = {
        "types": {"resourceTypeGeneral": "Software", "resourceType": "Vagrant box (virtual machine image)"},
        "creators": creators,
        "titles": [{"title": facts.title}],
        "publisher": {"name": facts.publisher},
        "publicationYear": str(facts.published.year),
        "version": facts.version,
        "url": facts.version_url,
        "alternateIdentifiers": [{"alternateIdentifier": facts.identifier, "alternateIdentifierType": "sha256"},
                                 {"alternateIdentifier": facts.box_url, "alternateIdentifierType": "URL"}],
        "dates": [{"date": facts.published.date().isoformat(), "dateType": "Issued"}],
        "sizes": [f"{facts.size} bytes"],
        "formats": [BOX_FORMAT],
        "descriptions": [{"description": facts.description or f"Vagrant box for {facts.provider} ({facts.architecture}), "
                          "built by GAEV from the gaev.yaml and gaev.lock.json published beside it.",
                          "descriptionType": "Abstract"}],
        "schemaVersion": DATACITE_SCHEMA,
    }
    base = facts.lock().get("base_box") or {}
    if base.get("name"):
        record["relatedIdentifiers"] = [{"relatedIdentifier": f"vagrant:{base['name']}@{base.get('version') or ''}",
                                         "relatedIdentifierType": "URN", "relationType": "IsDerivedFrom"}]
        if url := base_box_url(base):  # a lab's registry: where the base box itself is found
            record["relatedIdentifiers"].append({"relatedIdentifier": url, "relatedIdentifierType": "URL",
                                                 "relationType": "IsDerivedFrom"})
    if doi:
        record["doi"] = doi
    return record


def citation_text(facts: VersionFacts, doi: str | None = None) -> str:
    who = "; ".join(facts.creators) or facts.publisher
    where = f"https://doi.org/{doi}" if doi else facts.version_url
    return (f"{who} ({facts.published.year}). {facts.name} (version {facts.version}) [Vagrant box, "
            f"{facts.provider}/{facts.architecture}]. {facts.publisher}. {where} ({facts.identifier})\n")


def citation_cff(facts: VersionFacts, doi: str | None = None) -> str:
    authors = [{"name": c} for c in facts.creators] or [{"name": facts.publisher}]
    # CFF takes web URLs only: a registry on a local directory (file://) is cited by its checksum.
    web = facts.version_url.startswith(("https://", "http://"))
    identifiers = [{"type": "other", "value": facts.identifier, "description": "sha256 of the box file"}]
    if web:
        identifiers.insert(0, {"type": "url", "value": facts.version_url, "description": "the version in its box registry"})
    if doi:
        identifiers.insert(0, {"type": "doi", "value": doi})
    data = {"cff-version": "1.2.0", "message": "If you use this virtual machine, please cite it as below.",
            "type": "software", "title": facts.title, "version": facts.version, "authors": authors,
            "date-released": facts.published.date().isoformat(), **({"url": facts.version_url} if web else {}),
            "identifiers": identifiers, "abstract": facts.description or f"Vagrant box {facts.title} built by GAEV."}
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def all_records(facts: VersionFacts, doi: str | None = None) -> dict[str, bytes]:
    return {"ro-crate-metadata.json": ro_crate(facts, doi),
            "datacite.json": (json.dumps(datacite(facts, doi), indent=2, ensure_ascii=False) + "\n").encode(),
            "CITATION.cff": citation_cff(facts, doi).encode(),
            "CITATION.txt": citation_text(facts, doi).encode()}
