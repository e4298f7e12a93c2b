"""Rendering per OS family and provider, byte-identical output, and safe writing."""

from __future__ import annotations

import json

import pytest

from gaev_tui.catalog import load_catalog
from gaev_tui.envspec import parse_spec_text
from gaev_tui.errors import InputError
from gaev_tui.render import plan_changes, render_project, write_project


def render(text: str) -> dict[str, bytes]:
    catalog = load_catalog()
    return render_project(parse_spec_text(text, catalog), catalog)


def all_pairs() -> list[tuple[str, str]]:
    catalog = load_catalog()
    return [(os_id, provider) for os_id, entry in catalog.oses.items() for provider in entry.providers]


@pytest.mark.parametrize(("os_id", "provider"), all_pairs())
def test_every_catalogue_pair_renders_deterministically(os_id, provider):
    text = f"name: vm-{provider}\nos: {os_id}\nprovider: {provider}\nresources: {{cpus: 2, memory_mb: 4096, disk_gb: 40}}\n"
    first, second = render(text), render(text)
    assert first == second
    vagrantfile = first["Vagrantfile"].decode()
    assert f"config.vm.provider '{provider}'" in vagrantfile
    lock = json.loads(first["gaev.lock.json"])
    assert lock["files"] == sorted(first) and lock["provider"] == provider
    assert lock["base_box"]["name"] == load_catalog().oses[os_id].default_box(provider).name


def test_seed_jupyterhub_project(examples):
    files = render(next(p for p in examples if p.name == "jupyterhub-vm.yaml").read_text())
    vagrantfile = files["Vagrantfile"].decode()
    assert "config.vm.box = 'bento/ubuntu-22.04'" in vagrantfile
    assert "vm.cpus = 2" in vagrantfile and "vm.memory = 2048" in vagrantfile
    assert "type: 'ansible_local'" in vagrantfile and "scripts/cleanup.sh" in vagrantfile
    assert "config.vm.synced_folder './data', '/media/sf_DATA'" in vagrantfile
    playbook = files["ansible/playbook.yml"].decode()
    roles = [line.split(": ")[1] for line in playbook.splitlines() if "- role:" in line]
    assert roles.index("jupyterhub") < roles.index("python_packages") < roles.index("manifest")
    assert "gaev_python_venv: !unsafe '/opt/tljh/user'" in files["ansible/vars/all.yml"].decode()


def test_libvirt_driver_and_disk(examples):
    files = render(next(p for p in examples if p.name == "debian12-libvirt.yaml").read_text())
    vagrantfile = files["Vagrantfile"].decode()
    assert "vm.driver = 'kvm'" in vagrantfile and "vm.machine_virtual_size = 30" in vagrantfile
    assert "type: 'rsync'" in vagrantfile
    assert "ansible/roles/r_packages/tasks/main.yml" in files


def test_windows_project_uses_winrm_and_host_ansible(examples):
    files = render(next(p for p in examples if p.name == "r-windows11.yaml").read_text())
    vagrantfile = files["Vagrantfile"].decode()
    assert "config.vm.communicator = 'winrm'" in vagrantfile and "ansible_local" not in vagrantfile
    assert "scripts/cleanup.ps1" in files and "scripts/cleanup.sh" not in files
    assert any(path.startswith("ansible/roles/windows_") for path in files)


def test_roles_follow_the_spec():
    files = render("name: bare\nos: debian-12\nprovider: libvirt\n")
    roles = {path.split("/")[2] for path in files if path.startswith("ansible/roles/")}
    assert roles == {"repositories", "manifest"}


def test_write_refuses_existing_dir_and_updates_with_force(tmp_path):
    files = render("name: w\nos: debian-12\nprovider: libvirt\nhostname: w1\n")
    dest = tmp_path / "proj"
    write_project(files, dest)
    assert (dest / "scripts/cleanup.sh").stat().st_mode & 0o111
    (dest / "data.csv").write_text("user data")
    with pytest.raises(InputError, match="--force"):
        write_project(files, dest)
    smaller = render("name: w\nos: debian-12\nprovider: libvirt\n")  # no hostname: the vm role goes
    changes = {c.path: c.status for c in write_project(smaller, dest, force=True)}
    assert changes["ansible/roles/vm/tasks/main.yml"] == "removed"
    assert not (dest / "ansible/roles/vm").joinpath("tasks/main.yml").exists()
    assert (dest / "data.csv").read_text() == "user data"
    assert all(c.status == "unchanged" for c in plan_changes(smaller, dest))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".proj.")]  # no staging left


def test_docker_engine_flag_and_tljh_first_login():
    docker = render("name: d\nos: debian-12\nprovider: libvirt\nresources: {memory_mb: 2048}\napps: [docker]\n")
    assert "gaev_docker_engine: true" in docker["ansible/vars/all.yml"].decode()
    hub = render("name: h\nos: ubuntu-22.04\nprovider: virtualbox\napps: [jupyterhub]\n")
    assert "gaev_docker_engine: false" in hub["ansible/vars/all.yml"].decode()
    readme = hub["README.md"].decode()
    assert "whoever logs in first as `admin` chooses its password" in readme
    assert "GAEV_HUB_ADMIN_PASSWORD" in readme and "GAEV_HUB_ADMIN_PASSWORD" in hub["Vagrantfile"].decode()
