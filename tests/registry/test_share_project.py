"""A project's built box published with its records, then found, cited, rebuilt and
run by someone else: RO-Crate read back by the rocrate library, DataCite validated
against its 4.5 schema, CITATION.cff against its published schema, ``gaev registry
rebuild`` byte-identical, and ``gaev get`` with the real Vagrant."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC

import pytest

from tests.registry.helpers import ROOT, boxes_in, gaev, make_box, vagrant
from tests.toolcheck import need_tool

EXAMPLE = ROOT / "examples" / "debian12-libvirt.yaml"


@pytest.fixture
def published(tmp_path):
    """A generated project with a built box (as `gaev build` leaves it), published."""
    project = tmp_path / "project"
    gaev("generate", str(EXAMPLE), "-o", str(project))
    name = json.loads((project / "gaev.lock.json").read_text())["name"]
    builds = project / "builds"
    builds.mkdir()
    make_box(builds / f"{name}-libvirt.box")
    (builds / f"{name}-libvirt.manifest.json").write_text(json.dumps(
        {"format": 1, "name": name, "system_packages": [{"name": "jq", "version": "1.6"}]}))
    registry = tmp_path / "registry"
    gaev("registry", "init", str(registry), "--org", "lab")
    out = json.loads(gaev("publish", str(project), "--to", str(registry), "--creator", "Ada Lovelace",
                          "--json").stdout)
    return project, registry, out, name


def test_records_validate_with_their_own_tools(published, tmp_path):
    from rocrate.rocrate import ROCrate

    _, registry, out, name = published
    version_dir = registry / f"lab/{name}/1.0.0/libvirt/amd64"
    crate = ROCrate(version_dir)  # the rocrate library reads it back
    action = crate.get("#build")
    assert action.type == "CreateAction"
    assert {i["name"] for i in action["instrument"]} >= {"GAEV", "libvirt"}
    assert {o.id for o in action["object"]} >= {"gaev.yaml", "gaev.lock.json", "#base-box"}
    results = {r.id: r for r in action["result"]}
    assert results[out["box_url"]]["sha256"] == out["sha256"] and "manifest.json" in results
    raw = json.loads((version_dir / "ro-crate-metadata.json").read_text())
    assert raw["@context"].endswith("/1.1/context")
    (root,) = [e for e in raw["@graph"] if e["@id"] == "./"]
    assert {"@id": "https://w3id.org/ro/wfrun/process/0.5"} in root["conformsTo"]

    import datacite.schema45 as schema

    record = json.loads((version_dir / "datacite.json").read_text())
    assert schema.validate(record), [e.message for e in schema.validator.iter_errors(record)]
    assert record["creators"] == [{"name": "Ada Lovelace", "nameType": "Personal"}]
    assert {"alternateIdentifier": out["identifier"], "alternateIdentifierType": "sha256"} in record["alternateIdentifiers"]

    need_tool("check-jsonschema")
    subprocess.run(["check-jsonschema", "--builtin-schema", "vendor.citation-file-format",
                    str(version_dir / "CITATION.cff")], check=True, capture_output=True)
    assert out["identifier"] in (version_dir / "CITATION.txt").read_text()
    assert (version_dir / "manifest.json").read_text().count("jq") == 1


def test_rebuild_gives_the_same_project(published, tmp_path):
    project, registry, _, name = published
    again = tmp_path / "again"
    done = gaev("registry", "rebuild", f"{registry.as_uri()}/lab/{name}/metadata.json", "-o", str(again))
    assert "byte-identical" in done.stdout
    for rel in json.loads((project / "gaev.lock.json").read_text())["files"]:
        assert (again / rel).read_bytes() == (project / rel).read_bytes(), rel


def test_get_adds_the_box_and_writes_a_project_that_runs_it(published, tmp_path):
    need_tool("vagrant")
    need_tool("ruby")
    _, registry, out, name = published
    home = tmp_path / "vagrant.d"
    gaev("registry", "add-source", registry.as_uri())
    dest = tmp_path / "mine"
    gaev("get", f"lab/{name}", "-o", str(dest), env={"VAGRANT_HOME": str(home)})
    assert boxes_in(home) == {(f"lab/{name}", "1.0.0", "libvirt")}
    vagrantfile = (dest / "Vagrantfile").read_text()
    assert f"config.vm.box = 'lab/{name}'" in vagrantfile and "config.vm.box_version = '1.0.0'" in vagrantfile
    subprocess.run(["ruby", "-c", str(dest / "Vagrantfile")], check=True, capture_output=True)
    assert out["identifier"].split(":")[1] in (dest / "README.md").read_text()
    # Vagrant itself reads the written project: the box is the one just added.
    status = vagrant(home, "box", "list", "--machine-readable")
    assert f"lab/{name}" in status.stdout
    again = gaev("get", f"lab/{name}", "-o", str(dest), check=False)
    assert again.returncode == 2 and "not empty" in again.stderr


def test_get_of_an_unknown_box_names_the_sources(tmp_path):
    gaev("registry", "add-source", (tmp_path / "nowhere").as_uri())
    done = gaev("get", "lab/missing", "-o", str(tmp_path / "x"), check=False)
    assert done.returncode == 2 and "not found in your registry sources" in done.stderr
    assert not (tmp_path / "x").exists()


def test_citation_of_a_web_registry_cites_its_url(tmp_path):
    from datetime import datetime

    from gaev_tui.registry.records import VersionFacts, citation_cff

    need_tool("check-jsonschema")
    facts = VersionFacts("lab/demo", "1.0.0", "libvirt", "amd64", "ab" * 32, 10, "https://boxes.example.org/x.box",
                         "https://boxes.example.org/lab/demo/1.0.0/libvirt/amd64/", datetime.now(UTC), "lab")
    cff = tmp_path / "CITATION.cff"
    cff.write_text(citation_cff(facts, doi="10.5281/zenodo.123456"))
    subprocess.run(["check-jsonschema", "--builtin-schema", "vendor.citation-file-format", str(cff)], check=True,
                   capture_output=True)
    text = cff.read_text()
    assert "type: doi" in text and "url: https://boxes.example.org/lab/demo/1.0.0/" in text
