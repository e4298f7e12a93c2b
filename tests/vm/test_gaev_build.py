"""`gaev generate` then `gaev build` for real: a libvirt VM under software emulation is
provisioned by the generated Ansible (an apt package and a Python package), packaged
with its checksum, its manifest copied out, and destroyed, leaving nothing running.
Marker ``vm`` (minutes)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

import pytest

from gaev_tui.boxbuild.machine import provider_name
from gaev_tui.boxcache import records
from tests.toolcheck import need_tool
from tests.vmbox.fixtures import assert_no_leftovers, gaev

pytestmark = pytest.mark.vm

SPEC = """\
name: cli-e2e
os: debian-12
provider: libvirt
provider_options: {{driver: qemu}}
base_box: {{name: {box}, version: "{version}"}}
resources: {{cpus: 1, memory_mb: 1024}}
packages:
  apt: [jq]
  python: [six==1.16.0]
"""



def test_gaev_build_packages_a_provisioned_box(vagrant_environ, vagrant_project, monkeypatch):
    need_tool("ansible-playbook", "bsdtar", "virt-sysprep", "virt-sparsify", "virsh")
    # Ansible runs from the host (the Vagrantfile's GAEV_ANSIBLE=host switch): installing
    # it inside an emulated guest would take most of the CI budget.
    monkeypatch.setenv("GAEV_ANSIBLE", "host")
    project = vagrant_project.path
    vm = provider_name("cli-e2e", project, "libvirt")  # what the generated Vagrantfile names it
    vagrant_project.vm_names.append(vm)
    spec = project.parent / "gaev.yaml"
    spec.write_text(SPEC.format(box=vagrant_environ.box_name, version=vagrant_environ.box_version))
    generated = gaev("generate", str(spec), "-o", str(project), "--force", timeout=60)
    assert generated.returncode == 0, generated.stderr

    report = project.parent / "junit.xml"
    built = gaev("build", str(project), "--yes", "--ci", "--junit", str(report), timeout=3000)
    output = built.stdout + built.stderr
    assert built.returncode == 0, output[-4000:]
    # Headless output: each line prefixed by its stage, in pipeline order.
    stages = [line.split("]")[0] + "]" for line in built.stdout.splitlines() if line.startswith("[")]
    assert stages.index("[up]") < stages.index("[package]") < stages.index("[destroy]")

    box = project / "builds" / "cli-e2e-libvirt.box"
    digest = hashlib.sha256(box.read_bytes()).hexdigest()
    assert (project / "builds" / "cli-e2e-libvirt.box.sha256").read_text() == f"{digest}  {box.name}\n"
    # The box is shared: it carries no private key (Vagrant packs the VM's inserted key
    # unless the Vagrantfile keeps the insecure one) and its Vagrantfile points at none.
    members = subprocess.run(["bsdtar", "-tf", str(box)], capture_output=True, text=True, check=True).stdout.split()
    assert "./Vagrantfile" in members and "./box.img" in members, members
    assert not [m for m in members if "private_key" in m], members
    box_vagrantfile = subprocess.run(["bsdtar", "-xOf", str(box), "./Vagrantfile"], capture_output=True, text=True,
                                     check=True).stdout
    assert "private_key_path" not in box_vagrantfile, box_vagrantfile
    assert not list((project / ".vagrant").glob("machines/*/*/private_key")), "Vagrant inserted a key of the VM's own"
    manifest = json.loads((project / "builds" / "cli-e2e-libvirt.manifest.json").read_text())
    text = json.dumps(manifest)
    assert '"jq"' in text, "the apt package is not in the guest's manifest"
    assert "six==1.16.0" in text, "the Python package is not in the guest's manifest"

    # The build VM is gone, nothing runs, and GAEV recorded the box it built.
    domains = subprocess.run(["virsh", "-c", "qemu:///system", "list", "--all", "--name"], capture_output=True, text=True, check=True).stdout
    assert not [d for d in domains.split() if d.startswith((vagrant_project.prefix, vm))]
    assert f" {vm}\n" in output, "the VM was not given its per-project name (vagrant-libvirt prints it)"
    assert_no_leftovers(str(project), vagrant_project.prefix, vm)
    recorded = [b for b in records.load()[0]["built"] if b["name"] == "cli-e2e"]
    assert recorded and recorded[0]["checksum"] == digest

    # The CI's view of the same build: one JUnit case per stage, all passed.
    from junitparser import JUnitXml

    cases = [(case.name.split(":")[0], list(case.result)) for suite in JUnitXml.fromfile(str(report)) for case in suite]
    assert [name for name, _ in cases] == ["up", "manifest", "package", "checksum", "destroy"]
    assert all(result == [] for _, result in cases), cases
    share_the_built_box(project, project.parent, vagrant_environ)


def share_the_built_box(project, tmp, vagrant_environ) -> None:
    """The box gaev build made, published to a directory registry and to a real S3 server
    (SeaweedFS), then added from each by the real Vagrant, checksum verified."""
    from tests.registry.helpers import boxes_in, vagrant
    from tests.registry.servers import seaweed_s3

    weed = need_tool("weed")["weed"]
    registry = tmp / "registry"
    assert gaev("registry", "init", str(registry), "--org", "lab", timeout=60).returncode == 0
    published = gaev("publish", str(project), "--to", str(registry), "--json", timeout=600)
    assert published.returncode == 0, published.stderr
    home = tmp / "consumer.d"
    vagrant(home, "box", "add", json.loads(published.stdout)["metadata_url"])
    assert ("lab/cli-e2e", "1.0.0", "libvirt") in boxes_in(home)
    (tmp / "s3").mkdir()
    with seaweed_s3(weed, tmp / "s3") as endpoint:
        env = {"AWS_ENDPOINT_URL_S3": endpoint, "AWS_ACCESS_KEY_ID": "t", "AWS_SECRET_ACCESS_KEY": "t",
               "AWS_DEFAULT_REGION": "us-east-1"}
        run = dict(os.environ, **env)
        for args in (["registry", "init", "s3://boxes/lab", "--url", f"{endpoint}/boxes/lab", "--org", "lab"],
                     ["publish", str(project), "--to", "s3://boxes/lab", "--json"]):
            done = subprocess.run([sys.executable, "-m", "gaev_tui", *args], capture_output=True, text=True,
                                  timeout=600, env=run)
            assert done.returncode == 0, done.stderr
        other = tmp / "s3-consumer.d"
        vagrant(other, "box", "add", json.loads(done.stdout)["metadata_url"])
        assert ("lab/cli-e2e", "1.0.0", "libvirt") in boxes_in(other)
