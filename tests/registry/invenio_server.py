"""A local HTTP server on 127.0.0.1 that behaves like the InvenioRDM REST API endpoints
``gaev publish --doi`` uses, as InvenioRDM's reference documents them
(docs-invenio-rdm: reference/rest_api_drafts_records.md, rest_api_quickstart.md): drafts,
DOI reservation, draft files (start, content, commit), publish, new versions, discard,
Bearer tokens, and error bodies ``{"status", "message", "errors": [{"field", "messages"}]}``.

It is NOT InvenioRDM: no real InvenioRDM or Zenodo can run here. It holds its state in
memory, enforces what the documents say a client can get wrong (token, required
metadata, files committed before publish, published records and their files immutable,
new versions only from published records), and can be told to fail a step."""

from __future__ import annotations

import contextlib
import hashlib
import http.server
import itertools
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

REQUIRED = ("title", "creators", "resource_type", "publication_date")


@dataclass
class Invenio:
    token: str
    url: str = ""
    drafts: dict[str, dict] = field(default_factory=dict)
    records: dict[str, dict] = field(default_factory=dict)  # published, immutable
    files: dict[str, dict[str, dict]] = field(default_factory=dict)  # record id -> key -> file
    log: list[tuple[str, str]] = field(default_factory=list)  # (method, path) of every request
    fail: dict[str, tuple[int, dict]] = field(default_factory=dict)  # step -> (status, body)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def new_id(self) -> str:
        n = next(self._ids)
        return f"{n:05d}-gaev{n}"

    def links(self, rid: str, draft: bool) -> dict:
        api = f"{self.url}/api/records/{rid}"
        if draft:
            return {"self": f"{api}/draft", "files": f"{api}/draft/files", "publish": f"{api}/draft/actions/publish",
                    "reserve_doi": f"{api}/draft/pids/doi", "versions": f"{api}/versions",
                    "self_html": f"{self.url}/uploads/{rid}"}
        return {"self": api, "files": f"{api}/files", "versions": f"{api}/versions",
                "self_html": f"{self.url}/records/{rid}", "latest": f"{api}/versions/latest"}

    def view(self, rec: dict, draft: bool) -> dict:
        return {**rec, "links": self.links(rec["id"], draft), "is_published": not draft, "is_draft": draft}


def _error(status: int, message: str, errors: list | None = None) -> tuple[int, dict]:
    return status, {"status": status, "message": message, **({"errors": errors} if errors else {})}


def _missing(metadata: dict) -> list[dict]:
    return [{"field": f"metadata.{name}", "messages": ["Missing data for required field."]}
            for name in REQUIRED if not metadata.get(name)]


def handle(state: Invenio, method: str, path: str, body: bytes, headers) -> tuple[int, dict | None]:
    state.log.append((method, path))
    if headers.get("Authorization") != f"Bearer {state.token}":
        return _error(403, "Permission denied.")
    for step, pattern in (("create", r"POST /api/records"), ("versions", r"POST .*/versions"),
                          ("reserve", r"POST .*/pids/doi"), ("upload", r"PUT .*/content"),
                          ("publish", r"POST .*/actions/publish")):
        if step in state.fail and re.fullmatch(pattern, f"{method} {path}"):
            return state.fail[step]
    m = re.fullmatch(r"/api/records(?:/([^/]+)(/.*)?)?", path)
    if not m:
        return _error(404, "Not found.")
    rid, rest = m.group(1), m.group(2) or ""
    if rid is None and method == "POST":
        data = json.loads(body)
        rec = {"id": state.new_id(), "metadata": data.get("metadata") or {}, "files": data.get("files") or {},
               "access": data.get("access") or {}, "pids": {}, "versions": {"index": 1}}
        rec["parent"] = {"id": "p" + rec["id"]}
        state.drafts[rec["id"]] = rec
        state.files[rec["id"]] = {}
        return 201, state.view(rec, True)
    if rid in state.records and rest == "" and method == "GET":
        return 200, state.view(state.records[rid], False)
    if rest == "/versions" and method == "POST":
        if rid not in state.records:
            return _error(404, "The persistent identifier does not exist.")
        old = state.records[rid]
        meta = {k: v for k, v in old["metadata"].items() if k not in ("publication_date", "version")}
        rec = {"id": state.new_id(), "metadata": meta, "files": {"enabled": True}, "access": old["access"],
               "pids": {}, "parent": old["parent"], "versions": {"index": old["versions"]["index"] + 1}}
        state.drafts[rec["id"]] = rec
        state.files[rec["id"]] = {}  # "The new draft version has no files."
        return 201, state.view(rec, True)
    if rid not in state.drafts:
        if rid in state.records and rest.startswith("/draft"):
            return _error(400, "Published records are immutable: create a new version.")
        return _error(404, "The persistent identifier does not exist.")
    draft = state.drafts[rid]
    if rest == "/draft" and method == "PUT":
        data = json.loads(body)
        draft.update({k: data[k] for k in ("metadata", "files", "access") if k in data})
        return 200, state.view(draft, True)
    if rest == "/draft" and method == "DELETE":
        del state.drafts[rid]
        return 204, None
    if rest == "/draft/pids/doi" and method == "POST":
        draft["pids"]["doi"] = {"identifier": f"10.5072/gaev.{rid}", "provider": "datacite", "client": "datacite"}
        return 201, state.view(draft, True)
    if rest == "/draft/files" and method == "POST":
        entries = []
        for item in json.loads(body):
            if item["key"] in state.files[rid]:
                return _error(400, f"File with key {item['key']} already exists.")
            state.files[rid][item["key"]] = {"key": item["key"], "status": "pending", "data": None}
            base = f"{state.url}/api/records/{rid}/draft/files/{item['key']}"
            entries.append({"key": item["key"], "status": "pending",
                            "links": {"self": base, "content": f"{base}/content", "commit": f"{base}/commit"}})
        return 201, {"enabled": True, "entries": entries}
    fm = re.fullmatch(r"/draft/files/([^/]+)/(content|commit)", rest)
    if fm:
        item = state.files[rid].get(fm.group(1))
        if item is None:
            return _error(404, "File not found.")
        if fm.group(2) == "content" and method == "PUT":
            if headers.get("Content-Type") != "application/octet-stream":
                return _error(400, "Content-Type must be application/octet-stream.")
            item["data"] = body
            return 200, {"key": item["key"], "status": "pending"}
        if method == "POST":
            if item["data"] is None:
                return _error(400, "No content uploaded.")
            item["status"] = "completed"
            return 200, {"key": item["key"], "status": "completed", "size": len(item["data"]),
                         "checksum": "md5:" + hashlib.md5(item["data"]).hexdigest()}  # as InvenioRDM
    if rest == "/draft/actions/publish" and method == "POST":
        errors = _missing(draft["metadata"])
        files = state.files[rid]
        if draft["files"].get("enabled") and not files:
            errors.append({"field": "files.enabled", "messages": ["Missing uploaded files."]})
        if any(f["status"] != "completed" for f in files.values()):
            errors.append({"field": "files", "messages": ["Not all files are committed."]})
        if errors:
            return _error(400, "A validation error occurred.", errors)
        draft["pids"].setdefault("doi", {"identifier": f"10.5072/gaev.{rid}", "provider": "datacite"})
        state.records[rid] = state.drafts.pop(rid)
        return 202, state.view(state.records[rid], False)
    return _error(405, "Method not allowed.")


@contextlib.contextmanager
def invenio_server(token: str) -> Iterator[Invenio]:
    state = Invenio(token)

    class Handler(http.server.BaseHTTPRequestHandler):
        def _serve(self):
            length = int(self.headers.get("Content-Length") or 0)
            status, body = handle(state, self.command, self.path, self.rfile.read(length), self.headers)
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            if body is not None:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = _serve

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
