"""``gaev publish --doi``: a DOI minted through the InvenioRDM REST API, here against a
local server that behaves as InvenioRDM's reference documents its endpoints
(tests/registry/invenio_server.py; no real InvenioRDM or Zenodo is reached). The first
version makes a record, the next a new version of it; the DOI lands in every record of
the version and on its index page; a failing service leaves the registry as it was; the
token never shows up in output or files."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest

from tests.registry.helpers import gaev, make_box
from tests.registry.invenio_server import invenio_server


@pytest.fixture
def service():
    with invenio_server("tok-" + secrets.token_hex(16)) as state:
        yield state


@pytest.fixture
def registry(tmp_path):
    """A directory registry published on the web (a DOI must lead to a download)."""
    reg = tmp_path / "registry"
    gaev("registry", "init", str(reg), "--url", "https://boxes.example.org/reg", "--org", "lab")
    return reg


def env(service, token: str | None = None) -> dict:
    return {"GAEV_INVENIO_URL": service.url, "GAEV_INVENIO_TOKEN": token or service.token}


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
            and p.name != ".gaev-registry.lock"}


def publish(box: Path, registry: Path, service, *extra: str, token: str | None = None, check: bool = True):
    return gaev("publish", str(box), "--to", str(registry), "--name", "lab/demo", "--creator", "Ada Lovelace",
                "--doi", *extra, env=env(service, token), check=check)


def test_first_version_makes_a_record_whose_doi_is_in_every_record(service, registry, tmp_path):
    import datacite.schema45 as schema

    box = make_box(tmp_path / "demo.box")
    out = json.loads(publish(box, registry, service, "--json").stdout)
    (record,) = service.records.values()
    doi = record["pids"]["doi"]["identifier"]
    assert out["doi"] == doi and out["doi_record"] == f"{service.url}/records/{record['id']}"
    version = registry / "lab/demo/1.0.0/libvirt/amd64"
    datacite = json.loads((version / "datacite.json").read_text())
    assert datacite["doi"] == doi and schema.validate(datacite)
    assert f"type: doi\n  value: {doi}" in (version / "CITATION.cff").read_text()
    assert f"https://doi.org/{doi}" in (version / "CITATION.txt").read_text() and doi in out["citation"]
    crate = json.loads((version / "ro-crate-metadata.json").read_text())
    (root,) = [e for e in crate["@graph"] if e["@id"] == "./"]
    assert f"https://doi.org/{doi}" in root["identifier"]
    assert f'href="https://doi.org/{doi}"' in (registry / "lab/demo/index.html").read_text()
    meta = json.loads((registry / "lab/demo/metadata.json").read_text())
    assert meta["versions"][0]["providers"][0]["doi"] == doi
    assert meta["invenio"] == {"url": service.url, "record": record["id"], "parent": record["parent"]["id"]}
    # Deposited: the records, as they are in the registry; the box only linked, with its sha256.
    deposited = {k: f["data"] for k, f in service.files[record["id"]].items()}
    assert not any(k.endswith(".box") for k in deposited)
    assert {"ro-crate-metadata.json", "datacite.json", "CITATION.cff", "CITATION.txt", "demo-1.0.0-libvirt-amd64.box.sha256"} <= set(deposited)
    assert all(deposited[k] == (version / k).read_bytes() for k in deposited)
    assert record["metadata"]["related_identifiers"] == [
        {"identifier": out["box_url"], "scheme": "url", "relation_type": {"id": "haspart"}}]
    assert out["sha256"] in record["metadata"]["description"] and record["metadata"]["version"] == "1.0.0"
    assert record["metadata"]["creators"][0]["person_or_org"]["family_name"] == "Lovelace"


def test_next_version_is_a_new_version_of_the_same_record(service, registry, tmp_path):
    first = json.loads(publish(make_box(tmp_path / "a.box"), registry, service, "--json").stdout)
    second = json.loads(publish(make_box(tmp_path / "b.box"), registry, service, "--json").stdout)
    assert second["version"] == "1.0.1" and second["doi"] != first["doi"]
    one, two = service.records.values()
    assert ("POST", f"/api/records/{one['id']}/versions") in service.log
    assert two["parent"] == one["parent"] and two["versions"]["index"] == 2
    assert two["metadata"]["version"] == "1.0.1" and two["pids"]["doi"]["identifier"] == second["doi"]
    meta = json.loads((registry / "lab/demo/metadata.json").read_text())
    assert [v["providers"][0]["doi"] for v in meta["versions"]] == [first["doi"], second["doi"]]
    assert meta["invenio"]["record"] == two["id"]
    # The same identical file again is a no-op that reports the DOI it has.
    again = json.loads(publish(tmp_path / "b.box", registry, service, "--version", "1.0.1", "--json").stdout)
    assert again["already"] and again["doi"] == second["doi"] and len(service.records) == 2


@pytest.mark.parametrize("step", ["versions", "reserve", "upload", "publish"])
def test_a_failing_service_leaves_the_registry_as_it_was(service, registry, tmp_path, step):
    publish(make_box(tmp_path / "a.box"), registry, service)
    before = files_of(registry)
    service.fail[step] = (500, {"status": 500, "message": "Internal server error (step " + step + ")"})
    done = publish(make_box(tmp_path / "b.box"), registry, service, "--json", check=False)
    assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith(f"gaev: {service.url}: ") and "HTTP 500: Internal server error" in done.stderr
    assert files_of(registry) == before  # no box, no record, metadata.json and index unchanged
    assert service.drafts == {} and len(service.records) == 1  # the draft was discarded
    # Nothing blocks the next attempt (no orphan box file left behind).
    del service.fail[step]
    assert json.loads(publish(tmp_path / "b.box", registry, service, "--json").stdout)["version"] == "1.0.1"


def test_a_validation_error_names_the_field(service, registry, tmp_path):
    service.fail["publish"] = (400, {"status": 400, "message": "A validation error occurred.", "errors": [
        {"field": "metadata.creators.0.person_or_org.family_name", "messages": ["Missing data for required field."]}]})
    done = publish(make_box(tmp_path / "a.box"), registry, service, check=False)
    assert done.returncode == 1
    (line,) = [line for line in done.stderr.splitlines() if line.startswith("gaev:")]
    assert "A validation error occurred. [metadata.creators.0.person_or_org.family_name: Missing data" in line
    assert [p for p in (registry / "lab").rglob("*") if p.is_file()] == []  # (empty directories may stay)


def test_no_token_or_a_refused_one_is_one_line_and_writes_nothing(service, registry, tmp_path, isolated_dirs):
    before = files_of(registry)
    box = make_box(tmp_path / "a.box")
    done = gaev("publish", str(box), "--to", str(registry), "--doi", env={"GAEV_INVENIO_TOKEN": ""}, check=False)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "GAEV_INVENIO_TOKEN" in done.stderr
    wrong = "tok-wrong-" + secrets.token_hex(8)
    done = publish(box, registry, service, "--json", token=wrong, check=False)
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert "refused the token in GAEV_INVENIO_TOKEN (HTTP 403: Permission denied.)" in done.stderr
    assert wrong not in done.stderr + done.stdout
    assert files_of(registry) == before and service.records == {} and service.drafts == {}
    unreachable = gaev("publish", str(box), "--to", str(registry), "--doi", "--json", check=False,
                       env={"GAEV_INVENIO_URL": "http://127.0.0.1:9", "GAEV_INVENIO_TOKEN": wrong})
    assert unreachable.returncode == 1 and "http://127.0.0.1:9: create a draft record: the service is unreachable" \
        in unreachable.stderr and unreachable.stderr.count("\n") == 1
    assert files_of(registry) == before


def test_doi_needs_a_registry_on_the_web(service, tmp_path):
    local = tmp_path / "local"
    gaev("registry", "init", str(local))  # file:// URL: nowhere a DOI could lead
    done = publish(make_box(tmp_path / "a.box"), local, service, check=False)
    assert done.returncode == 2 and "needs a registry served on the web" in done.stderr
    assert service.log == [] and not (local / "lab").exists()


def test_the_token_never_reaches_output_or_files(service, registry, tmp_path, isolated_dirs):
    runs = [publish(make_box(tmp_path / "a.box"), registry, service),
            publish(make_box(tmp_path / "b.box"), registry, service, "--json"),
            gaev("registry", "list", str(registry), "--json")]
    assert "DOI: 10.5072/" in runs[0].stdout and json.loads(runs[1].stdout)["doi"].startswith("10.5072/")
    for done in runs:
        assert service.token not in done.stdout + done.stderr
    for root in (registry, isolated_dirs, tmp_path):
        for path in Path(root).rglob("*"):
            if path.is_file():
                assert service.token.encode() not in path.read_bytes(), path
    deposited = b"".join(f["data"] for files in service.files.values() for f in files.values())
    assert service.token.encode() not in deposited


def test_on_s3_a_failing_service_leaves_the_bucket_as_it_was(service, s3_env, tmp_path):
    import boto3

    where = "s3://doi-reg/reg"
    gaev("registry", "init", where, "--url", f"{s3_env}/doi-reg/reg", "--org", "lab")
    client = boto3.client("s3")

    def objects() -> dict[str, str]:
        return {o["Key"]: o["ETag"] for o in client.list_objects_v2(Bucket="doi-reg").get("Contents", [])}

    before = objects()
    service.fail["publish"] = (503, {"status": 503, "message": "Service unavailable"})
    done = gaev("publish", str(make_box(tmp_path / "a.box")), "--to", where, "--name", "lab/demo", "--doi",
                "--json", env=env(service), check=False)
    assert done.returncode == 1 and "HTTP 503: Service unavailable" in done.stderr
    assert objects() == before and service.drafts == {}
    del service.fail["publish"]
    out = json.loads(gaev("publish", str(tmp_path / "a.box"), "--to", where, "--name", "lab/demo", "--doi",
                          "--json", env=env(service)).stdout)
    meta = json.loads(client.get_object(Bucket="doi-reg", Key="reg/lab/demo/metadata.json")["Body"].read())
    assert meta["versions"][0]["providers"][0]["doi"] == out["doi"]
