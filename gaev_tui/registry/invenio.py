"""DOI minting through the REST API of an InvenioRDM repository (Zenodo runs InvenioRDM):
``gaev publish --doi``.

One published box file is one record version there: the first publish of a box creates
a record (``POST /api/records``), each later one a new version of it
(``POST /api/records/{id}/versions``), so all of a box's DOIs share one concept. A DOI
is reserved on the draft (``POST .../draft/pids/doi``) so that the records deposited can
carry it, then the draft is published (``POST .../draft/actions/publish``); a published
record and its files are immutable, like a published box version.

What is deposited: the version's records (RO-Crate, DataCite JSON, CITATION.cff and
.txt, gaev.yaml, gaev.lock.json, the package manifest, the box's .sha256), not the box:
boxes run to tens of GB (Zenodo takes 50 GB per record, InvenioRDM instances often
less), and the box already has a stable home in the registry, so the record links it by
URL (``hasPart``) with its sha256, and anyone can check what they download.

The token comes from the environment only (``GAEV_INVENIO_TOKEN``) and goes in the
``Authorization`` header: never in a URL, a message, a file or ``--json``.
"""

from __future__ import annotations

import os
import urllib.parse
from dataclasses import dataclass

import requests

from gaev_tui.errors import GaevError, InputError

TOKEN_ENV = "GAEV_INVENIO_TOKEN"
URL_ENV = "GAEV_INVENIO_URL"
DEFAULT_URL = "https://zenodo.org"
TIMEOUT = (10, 300)  # connect, read (seconds): an unreachable service is one clear line


class InvenioError(GaevError):
    """The InvenioRDM service failed or refused a step of the deposit."""


class TokenRefused(InvenioError):
    """The service refused the token (bad input: fix the token or its scopes)."""

    exit_code = 2


@dataclass(frozen=True)
class Minted:
    doi: str
    api: str  # the service's base URL
    record: str  # the published record's id (the next version is made from it)
    parent: str  # the concept's id, shared by every version of the box
    html: str  # the record's landing page


def from_environment() -> InvenioClient:
    """A client for the service named by GAEV_INVENIO_URL, with the token of GAEV_INVENIO_TOKEN."""
    token = os.environ.get(TOKEN_ENV, "").strip()
    if not token:
        raise InputError(f"--doi needs an InvenioRDM/Zenodo API token in the environment variable {TOKEN_ENV} "
                         f"(and {URL_ENV} for a service other than {DEFAULT_URL})")
    url = os.environ.get(URL_ENV, "").strip() or DEFAULT_URL
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("https", "http") or not parsed.netloc or parsed.query:
        raise InputError(f"{URL_ENV} must be the service's base URL, like {DEFAULT_URL}, got {url!r}")
    return InvenioClient(url, token)


def _person(name: str) -> dict:
    """InvenioRDM wants family and given names: 'Lovelace, Ada' or 'Ada Lovelace'."""
    if "," in name:
        family, _, given = name.partition(",")
    else:
        given, _, family = name.strip().rpartition(" ")
    person = {"type": "personal", "family_name": family.strip() or name}
    if given.strip():
        person["given_name"] = given.strip()
    return {"person_or_org": person}


def record_metadata(facts) -> dict:
    """The draft's metadata, from the version's facts (records.VersionFacts)."""
    creators = [_person(c) for c in facts.creators] or [
        {"person_or_org": {"type": "organizational", "name": facts.publisher}}]
    return {
        "resource_type": {"id": "software"},
        "title": facts.title,
        "publication_date": facts.published.date().isoformat(),
        "creators": creators,
        "publisher": facts.publisher,
        "version": facts.version,
        "description": (f"{facts.description or 'Vagrant box built by GAEV'}. The box file ({facts.size} bytes, "
                        f"{facts.identifier}) is kept in its box registry at {facts.box_url}; this record holds "
                        "its metadata records (RO-Crate, DataCite, citation) and the spec and lock it was built from."),
        "identifiers": [{"identifier": facts.version_url, "scheme": "url"}],
        "related_identifiers": [{"identifier": facts.box_url, "scheme": "url", "relation_type": {"id": "haspart"}}],
    }


class InvenioClient:
    def __init__(self, base_url: str, token: str, session: requests.Session | None = None) -> None:
        self.base = base_url.rstrip("/")
        self._session = session or requests.Session()
        self._session.headers["Authorization"] = f"Bearer {token}"
        self._session.headers["Accept"] = "application/json"

    def __repr__(self) -> str:  # never the token
        return f"InvenioClient({self.base!r})"

    def _call(self, method: str, path_or_url: str, what: str, **kwargs) -> dict:
        url = path_or_url if "://" in path_or_url else f"{self.base}{path_or_url}"
        try:
            resp = self._session.request(method, url, timeout=TIMEOUT, allow_redirects=False, **kwargs)
        except requests.RequestException as exc:
            raise InvenioError(f"{self.base}: {what}: the service is unreachable ({type(exc).__name__}); "
                               f"check {URL_ENV}") from None
        if resp.status_code in (401, 403):
            raise TokenRefused(f"{self.base}: {what}: the service refused the token in {TOKEN_ENV} "
                               f"(HTTP {resp.status_code}: {_message(resp)}); check it and its deposit scope")
        if resp.status_code >= 300:
            raise InvenioError(f"{self.base}: {what}: HTTP {resp.status_code}: {_message(resp)}")
        if resp.status_code == 204 or not resp.content:
            return {}
        try:
            return resp.json()
        except ValueError:
            raise InvenioError(f"{self.base}: {what}: the answer is not JSON (is {URL_ENV} an InvenioRDM?)") from None

    def start(self, metadata: dict, previous: str | None = None) -> dict:
        """A draft: a new record, or the next version of the record ``previous``."""
        body = {"metadata": metadata, "files": {"enabled": True}, "access": {"record": "public", "files": "public"}}
        if previous is None:
            return self._call("POST", "/api/records", "create a draft record", json=body)
        draft = self._call("POST", f"/api/records/{urllib.parse.quote(previous)}/versions",
                           f"create a new version of record {previous}")
        return self._call("PUT", _link(draft, "self"), "set the new version's metadata", json=body)

    def reserve_doi(self, draft: dict) -> str:
        answer = self._call("POST", _link(draft, "reserve_doi", f"/api/records/{draft.get('id')}/draft/pids/doi"),
                            "reserve a DOI")
        doi = ((answer.get("pids") or {}).get("doi") or {}).get("identifier")
        if not doi and isinstance(answer.get("doi"), str):  # other clients report Zenodo answering so (unverified)
            doi = answer["doi"]
        if not doi:
            raise InvenioError(f"{self.base}: reserve a DOI: no DOI in the answer (does this instance mint DOIs?)")
        return doi

    def deposit(self, draft: dict, files: dict[str, bytes]) -> None:
        """Upload ``files`` into the draft: start, send the content, commit (each file)."""
        files_url = _link(draft, "files")
        started = self._call("POST", files_url, "start the file uploads", json=[{"key": k} for k in files])
        links = {e.get("key"): e.get("links") or {} for e in started.get("entries") or []}
        for key, data in files.items():
            own = links.get(key) or {}
            item = f"{files_url}/{urllib.parse.quote(key)}"
            self._call("PUT", own.get("content") or f"{item}/content", f"upload {key}", data=data,
                       headers={"Content-Type": "application/octet-stream"})
            self._call("POST", own.get("commit") or f"{item}/commit", f"commit {key}")

    def publish(self, draft: dict) -> Minted:
        record = self._call("POST", _link(draft, "publish"), "publish the record")
        doi = ((record.get("pids") or {}).get("doi") or {}).get("identifier")
        if not doi or not record.get("id"):
            raise InvenioError(f"{self.base}: publish the record: the answer has no record id or DOI")
        parent = record.get("parent") or {}
        return Minted(doi, self.base, str(record["id"]), str(parent.get("id") or ""),
                      str((record.get("links") or {}).get("self_html") or ""))

    def discard(self, draft: dict) -> None:
        """Best effort: a failed publish leaves no draft behind (the reserved DOI goes with it)."""
        try:
            self._call("DELETE", _link(draft, "self"), "discard the draft")
        except InvenioError:
            pass  # the error that made us discard is the one to report


def _link(draft: dict, name: str, default: str | None = None) -> str:
    """A link the service gave (InvenioRDM asks clients to follow its links)."""
    found = (draft.get("links") or {}).get(name)
    if found:
        return found
    if default or draft.get("id"):
        return default or {"self": f"/api/records/{draft['id']}/draft",
                           "files": f"/api/records/{draft['id']}/draft/files",
                           "publish": f"/api/records/{draft['id']}/draft/actions/publish"}[name]
    raise InvenioError(f"the service's draft has no id or '{name}' link")


def _message(resp: requests.Response) -> str:
    """InvenioRDM's error body: ``{"status", "message", "errors": [{"field", "messages"}]}``."""
    try:
        body = resp.json()
    except ValueError:
        return (resp.reason or "error").strip()
    if not isinstance(body, dict):
        return resp.reason or "error"
    text = str(body.get("message") or resp.reason or "error")
    fields = [f"{e.get('field')}: {' '.join(map(str, e.get('messages') or []))}" for e in body.get("errors") or []
              if isinstance(e, dict)]
    return " ".join([text, *(f"[{f}]" for f in fields[:5])]).replace("\n", " ")[:500]
