"""A box built on a box of the lab's registry (``base_box.url``) and published: its
records say where the base box is found, RO-Crate read back by the rocrate library and
DataCite validated against its 4.5 schema."""

from __future__ import annotations

import json

from tests.registry.helpers import gaev, make_box

BASE_URL = "https://boxes.lab.example.org/lab/r-base/metadata.json"


def test_the_records_of_a_box_built_on_a_registry_box_name_that_registry(tmp_path):
    spec = tmp_path / "analysis.yaml"
    spec.write_text("name: analysis\nos: debian-12\nprovider: libvirt\n"
                    f"base_box: {{name: lab/r-base, version: '1.2.0', url: '{BASE_URL}'}}\n")
    project = tmp_path / "analysis"
    gaev("generate", str(spec), "-o", str(project))
    (project / "builds").mkdir()
    make_box(project / "builds" / "analysis-libvirt.box")
    registry = tmp_path / "registry"
    gaev("registry", "init", str(registry), "--org", "lab")
    gaev("publish", str(project), "--to", str(registry))
    version_dir = registry / "lab/analysis/1.0.0/libvirt/amd64"

    from rocrate.rocrate import ROCrate

    base = ROCrate(version_dir).get("#base-box")
    assert (base["name"], base["version"], base["url"]) == ("lab/r-base", "1.2.0", BASE_URL)

    import datacite.schema45 as schema

    record = json.loads((version_dir / "datacite.json").read_text())
    assert schema.validate(record), [e.message for e in schema.validator.iter_errors(record)]
    assert {"relatedIdentifier": BASE_URL, "relatedIdentifierType": "URL",
            "relationType": "IsDerivedFrom"} in record["relatedIdentifiers"]
