"""Every module the generated roles call exists in the Ansible that runs them.

Per OS of the catalogue, a project with every package kind and app that OS takes is
generated; the modules named in its task files are listed and resolved with
``ansible-doc`` of the ansible-core version the catalogue pins for that OS's guests,
installed alone (no collection): what ``scripts/install-ansible.sh`` gives the guest.
Windows and macOS are provisioned from the host: their modules are resolved with the
host's Ansible and must be covered by the project's ``ansible/requirements.yml``.
"""

from __future__ import annotations

import json
import subprocess

import pytest
import yaml

from gaev_tui.catalog import load_catalog
from gaev_tui.envspec import parse_spec_text
from gaev_tui.render import render_project
from gaev_tui.render.ansible import BUILTIN, modules_used
from tests.toolcheck import need_tool

from .pinned import core_venv, host_core_version, pinned_versions

pytestmark = pytest.mark.tools

CATALOG = load_catalog(include_user=False)


def _full_spec(os_id: str) -> str:
    family = CATALOG.oses[os_id].family
    provider = next(iter(CATALOG.oses[os_id].boxes))
    apps = [aid for aid, app in CATALOG.apps.items() if family in app.families]
    packages = ({"choco": ["git"], "r": ["ggplot2"]} if family == "windows" else
                {"brew": ["git", "cask:xquartz"], "tex": ["latexmk"], "python": ["six"], "r": ["ggplot2"],
                 "bioconductor": ["limma"]} if family == "macos" else
                {"apt": ["git"], "python": ["six"], "r": ["ggplot2", "sf"], "bioconductor": ["limma"]})
    spec = {"name": "modules", "os": os_id, "provider": provider, "hostname": "modules",
            "resources": {"cpus": 2, "memory_mb": 8192}, "packages": packages, "apps": apps,
            "timezone": "Europe/Paris", "locale": "fr_FR.UTF-8", "shared_folders": [{"host": "./d", "guest": "/srv/d"}]}
    if family == "windows":
        spec.pop("locale")
        spec.pop("shared_folders")
    if family == "macos":
        spec["shared_folders"] = [{"host": "./d", "guest": "/Users/vagrant/d"}]
    return yaml.safe_dump(spec)


def _project(os_id: str) -> dict[str, bytes]:
    return render_project(parse_spec_text(_full_spec(os_id), CATALOG), CATALOG)


def _roles(files: dict[str, bytes]) -> dict[str, bytes]:
    return {path.removeprefix("ansible/roles/"): data for path, data in files.items() if path.startswith("ansible/roles/")}


def _resolve(bin_dir: str, modules: list[str]) -> set[str]:
    """The modules among ``modules`` that this ansible-doc knows."""
    proc = subprocess.run([f"{bin_dir}/ansible-doc", "-t", "module", "--json", *modules],
                          capture_output=True, text=True, timeout=600, env={"ANSIBLE_NOCOLOR": "1", "PATH": bin_dir + ":/usr/bin:/bin"})
    return set(json.loads(proc.stdout or "{}")) if proc.stdout.strip().startswith("{") else set()


LINUX = [oid for oid, entry in CATALOG.oses.items() if entry.family in ("debian", "rhel")]


@pytest.mark.parametrize("os_id", LINUX)
def test_linux_roles_call_only_modules_of_the_pinned_ansible_core(os_id):
    files = _project(os_id)
    modules = modules_used(_roles(files))
    assert modules and all(m.startswith(BUILTIN + ".") for m in modules), modules
    assert yaml.safe_load(files["ansible/requirements.yml"]) == {"collections": []}
    version = pinned_versions()[os_id]
    lock = json.loads(files["gaev.lock.json"])
    assert lock["ansible"]["ansible_core"] == version
    known = _resolve(str(core_venv(version)), modules)
    assert not set(modules) - known, f"not in ansible-core {version}: {sorted(set(modules) - known)}"


@pytest.mark.parametrize("os_id", LINUX)
def test_a_project_carries_only_its_own_family_tasks(os_id):
    family = CATALOG.oses[os_id].family
    text = b"".join(data for path, data in _project(os_id).items() if path.startswith("ansible/roles/")).decode()
    foreign = ("ansible.builtin.apt:", "ansible.builtin.apt_repository:") if family == "rhel" else (
        "ansible.builtin.dnf:", "ansible.builtin.yum_repository:", "ansible.builtin.rpm_key:", "config-manager")
    assert not [word for word in foreign if word in text]
    assert "community." not in text


@pytest.mark.parametrize("os_id", [oid for oid, e in CATALOG.oses.items() if e.family in ("windows", "macos")])
def test_host_side_roles_declare_their_collections(os_id):
    need_tool("ansible-doc")
    files = _project(os_id)
    modules = modules_used(_roles(files))
    collections = {m.rsplit(".", 1)[0] for m in modules} - {BUILTIN}
    declared = {c["name"] for c in yaml.safe_load(files["ansible/requirements.yml"])["collections"]}
    assert collections == declared and declared
    bin_dir = subprocess.run(["sh", "-c", "dirname $(command -v ansible-doc)"], capture_output=True, text=True).stdout.strip()
    assert not set(modules) - _resolve(bin_dir, modules)


def test_the_tests_run_the_pinned_ansible_core():
    """The chroot runs use the ansible-playbook on PATH: it must be the Debian 12 pin."""
    pinned = pinned_versions()["debian-12"]
    assert host_core_version() == pinned, (
        f"ansible-playbook on PATH runs ansible-core {host_core_version()}, the catalogue pins {pinned} "
        f"for Debian 12 guests: python3 -m pip install 'ansible-core=={pinned}'")


def test_the_test_dependencies_pin_the_same_ansible_core():
    import re
    from pathlib import Path

    text = (Path(__file__).parents[2] / "pyproject.toml").read_text()
    assert re.findall(r'"ansible-core==([0-9.]+)"', text) == [pinned_versions()["debian-12"]]
