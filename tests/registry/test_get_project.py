"""The project ``gaev get`` writes around a published box: the machine settings of the
published gaev.yaml (resources, provider options, network, shared folders) rendered by the
same template as a generated project, checked by Ruby and by the real ``vagrant validate``;
and ``--provider`` choosing among a version's boxes, with a clear refusal when it is not there."""

from __future__ import annotations

import os
import subprocess

import pytest

from gaev_tui.catalog import load_catalog
from gaev_tui.errors import InputError
from gaev_tui.registry import get
from tests.registry.helpers import boxes_in, gaev, make_box
from tests.toolcheck import need_tool

SPEC = """\
name: getme
os: debian-12
provider: libvirt
provider_options: {driver: qemu}
resources: {cpus: 1, memory_mb: 768}
hostname: getme
network:
  private_network: dhcp
  forwarded_ports: [{guest: 8000, host: 18123}]
  reachable_from_other_computers: true
shared_folders:
  - {host: ./data, guest: /srv/data}
  - {host: /home/ada/results, guest: /srv/results}
"""


def publish_project(tmp_path, registry, spec_text: str, *extra: str) -> None:
    """A generated project with a (small, fake) built box, published to ``registry``."""
    spec = tmp_path / "spec.yaml"
    spec.write_text(spec_text)
    project = tmp_path / "project"
    gaev("generate", str(spec), "-o", str(project))
    (project / "builds").mkdir()
    make_box(project / "builds" / "getme-libvirt.box")
    gaev("publish", str(project), "--to", str(registry), *extra)


@pytest.fixture
def registry(tmp_path):
    """A directory registry, added as a source, holding lab/getme 1.0.0 for libvirt (with
    the spec above) and for virtualbox (a bare box: no spec)."""
    registry = tmp_path / "registry"
    gaev("registry", "init", str(registry), "--org", "lab")
    publish_project(tmp_path, registry, SPEC)
    bare = make_box(tmp_path / "vbox.box", provider="virtualbox")
    gaev("publish", str(bare), "--to", str(registry), "--name", "lab/getme", "--version", "1.0.0")
    gaev("registry", "add-source", registry.as_uri())
    return registry


def test_the_project_takes_the_published_machine_settings(registry, tmp_path):
    dest = tmp_path / "mine"
    done = gaev("get", "lab/getme", "--provider", "libvirt", "-o", str(dest), "--no-add")
    text = (dest / "Vagrantfile").read_text()
    # The generated project's provider block, from the spec: libvirt in plain QEMU.
    assert "config.vm.provider 'libvirt' do |vm|" in text
    for line in ("vm.driver = 'qemu'", "vm.cpus = 1", "vm.memory = 768", "vm.default_prefix = gaev_vm_name + '_'"):
        assert f"    {line}\n" in text, line
    assert "gaev_vm_name = 'getme' + '-' + Digest::SHA256" in text
    # reachable_from_other_computers: every address of the host, as in the generated project.
    assert ("config.vm.network 'forwarded_port', guest: 8000, host: 18123, protocol: 'tcp', host_ip: '0.0.0.0'"
            in text)
    assert "config.vm.network 'private_network', type: 'dhcp'" in text and "config.vm.hostname = 'getme'" in text
    assert "config.vm.synced_folder './data', '/srv/data', create: true, type: 'rsync'" in text
    # The publisher's absolute path is not the user's: left out, and said so.
    assert "/home/ada" not in text and "/home/ada/results" in done.stderr
    assert "config.vm.synced_folder '.', '/vagrant', type: 'rsync'" in text
    readme = (dest / "README.md").read_text()
    assert "vagrant up --provider=libvirt" in readme and "http://localhost:18123/" in readme
    assert "vagrant box remove lab/getme --box-version 1.0.0" in readme and "gaev boxes volumes" in readme
    assert f"next: cd {dest} && vagrant up --provider=libvirt" in done.stdout
    assert (dest / "gaev.published.yaml").read_bytes() == (tmp_path / "project" / "gaev.yaml").read_bytes()

    need_tool("ruby")
    subprocess.run(["ruby", "-c", str(dest / "Vagrantfile")], check=True, capture_output=True)
    need_tool("vagrant")
    # The real Vagrant (with vagrant-libvirt) reads and validates it; no box needed for that.
    env = {**os.environ, "VAGRANT_HOME": str(tmp_path / "vagrant.d")}
    checked = subprocess.run(["vagrant", "validate"], cwd=dest, env=env, capture_output=True, text=True,
                             stdin=subprocess.DEVNULL, timeout=300)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_provider_chooses_the_box_and_a_bare_box_keeps_its_own_settings(registry, tmp_path):
    dest = tmp_path / "vbox"
    done = gaev("get", "lab/getme", "--provider", "virtualbox", "-o", str(dest), "--no-add")
    text = (dest / "Vagrantfile").read_text()
    assert "config.vm.box = 'lab/getme'" in text and "config.vm.provider" not in text
    assert "without its gaev.yaml" in done.stderr
    assert "vagrant up --provider=virtualbox" in done.stdout
    assert not (dest / "gaev.published.yaml").exists()


def test_a_missing_provider_names_those_published(registry, tmp_path):
    dest = tmp_path / "x"
    done = gaev("get", "lab/getme", "--provider", "hyperv", "-o", str(dest), check=False)
    assert done.returncode == 2
    assert "lab/getme: no version has a hyperv box; published: libvirt (amd64), virtualbox (amd64)" in done.stderr
    assert not dest.exists()
    done = gaev("get", "lab/getme", "--version", "1.0.0", "--provider", "hyperv", "-o", str(dest), check=False)
    assert done.returncode == 2 and "lab/getme 1.0.0 has no hyperv box; published: libvirt" in done.stderr
    done = gaev("get", "lab/getme", "--version", "2.0.0", "-o", str(dest), check=False)
    assert done.returncode == 2 and "no published version 2.0.0 (versions: 1.0.0)" in done.stderr
    assert not dest.exists()


def test_bad_input_found_while_vagrant_adds_stops_it(registry, tmp_path, isolated_dirs):
    """vagrant box add starts while gaev reads the catalogue (their start-ups overlap): a
    catalogue error found meanwhile is the one-line refusal, and Vagrant is stopped
    before it adds the box; no project is written."""
    need_tool("vagrant")
    (isolated_dirs / "config" / "catalog.yaml").write_text("oses:\n  debian-12: [not, a, mapping\n")
    dest, home = tmp_path / "p", tmp_path / "vagrant-home"
    done = gaev("get", "lab/getme", "--provider", "libvirt", "-o", str(dest), env={"VAGRANT_HOME": str(home)},
                check=False)
    assert done.returncode == 2 and "catalog.yaml" in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert "[get] vagrant box add lab/getme 1.0.0 (libvirt)" in done.stderr  # it had started
    assert not dest.exists()
    assert boxes_in(home) == set()


def chosen(spec_text: str | None, provider: str = "libvirt") -> get.Chosen:
    return get.Chosen("lab/getme", "1.0.0", provider, "amd64", "ab" * 32,
                      "https://boxes.example.org/lab/getme/metadata.json", spec_text, None)


def test_virtualbox_settings_come_from_the_spec():
    catalog = load_catalog()
    spec = SPEC.replace("provider: libvirt", "provider: virtualbox").replace("{driver: qemu}", "{gui: true}")
    box = chosen(spec, "virtualbox")
    files = get.project_files(box, get.published_settings(box, catalog), catalog)
    text = files["Vagrantfile"].decode()
    assert "config.vm.provider 'virtualbox' do |vm|" in text
    assert "    vm.gui = true\n" in text and "    vm.memory = 768\n" in text and "    vm.name = gaev_vm_name\n" in text
    assert "config.vm.synced_folder '.', '/vagrant'\n" in text and "type: 'rsync'" not in text


def test_a_spec_for_another_provider_gives_its_resources_not_its_options():
    catalog = load_catalog()
    box = chosen(SPEC, "virtualbox")  # the spec says libvirt
    settings = get.published_settings(box, catalog)
    text = get.project_files(box, settings, catalog)["Vagrantfile"].decode()
    assert "config.vm.provider 'virtualbox' do |vm|" in text and "    vm.cpus = 1\n" in text
    assert "driver" not in text
    assert any("provider options are left out" in note for note in settings.notes)


def test_a_spec_that_does_not_check_here_leaves_the_box_settings():
    catalog = load_catalog()
    box = chosen(SPEC.replace("os: debian-12", "os: an-os-of-another-catalogue"))
    settings = get.published_settings(box, catalog)
    assert settings.spec is None and "does not check here" in settings.notes[0]
    text = get.project_files(box, settings, catalog)["Vagrantfile"].decode()
    assert "config.vm.provider" not in text and "type: 'rsync'" in text  # the project dir still reaches /vagrant


def test_cpus_and_memory_can_be_asked_within_the_spec_bounds(registry, tmp_path):
    dest = tmp_path / "small"
    gaev("get", "lab/getme", "--provider", "libvirt", "--cpus", "2", "--memory", "512", "-o", str(dest), "--no-add")
    text = (dest / "Vagrantfile").read_text()
    assert "    vm.cpus = 2\n" in text and "    vm.memory = 512\n" in text and "    vm.driver = 'qemu'\n" in text
    for args, message in ((["--provider", "libvirt", "--memory", "100"], "--memory 100: must be between 256 and"),
                          (["--provider", "libvirt", "--cpus", "0"], "--cpus 0: must be between 1 and 64"),
                          (["--provider", "virtualbox", "--cpus", "2"], "has no usable gaev.yaml")):
        done = gaev("get", "lab/getme", *args, "-o", str(tmp_path / "no"), "--no-add", check=False)
        assert done.returncode == 2 and message in done.stderr, done.stderr
        assert not (tmp_path / "no").exists()


def test_memory_below_what_the_apps_need_is_refused():
    catalog = load_catalog()
    app = next(a for a in catalog.apps.values() if a.min_memory_mb > 256)
    box = chosen(SPEC.replace("memory_mb: 768", f"memory_mb: {max(768, app.min_memory_mb)}")
                 + f"apps: [{app.id}]\n")
    with pytest.raises(InputError, match=f"--memory 256: the box's applications need {app.min_memory_mb} MB"):
        get.published_settings(box, catalog, memory_mb=256)
