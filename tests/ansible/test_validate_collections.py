"""`gaev validate` with a bare ansible-core (the pinned one, no collection) names the
collection a project lacks and the one command that installs it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .pinned import core_venv, pinned_versions

pytestmark = pytest.mark.tools


def _validate(spec_text: str, tmp_path, bin_dir) -> subprocess.CompletedProcess:
    spec = tmp_path / "gaev.yaml"
    spec.write_text(spec_text)
    project = tmp_path / "project"
    env = {**os.environ, "ANSIBLE_COLLECTIONS_PATH": str(tmp_path / "no-collections"),
           "PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin"}
    env = {k: v for k, v in env.items() if not k.startswith("ANSIBLE_") or k == "ANSIBLE_COLLECTIONS_PATH"}
    generated = subprocess.run([sys.executable, "-m", "gaev_tui", "generate", str(spec), "-o", str(project)],
                               capture_output=True, text=True, env=env, timeout=120)
    assert generated.returncode == 0, generated.stderr
    return subprocess.run([sys.executable, "-m", "gaev_tui", "validate", str(project)],
                          capture_output=True, text=True, env=env, timeout=900)


def test_bare_ansible_core_names_the_missing_collection(tmp_path):
    bin_dir = core_venv(pinned_versions()["debian-12"])
    proc = _validate("name: w\nos: windows-11\nprovider: virtualbox\npackages: {choco: [git]}\n", tmp_path, bin_dir)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "FAILED  Ansible collections (ansible/requirements.yml)" in proc.stdout
    assert "collection ansible.windows is missing: install it with 'ansible-galaxy collection install ansible.windows'" in proc.stdout


def test_bare_ansible_core_is_enough_for_a_linux_project(tmp_path):
    bin_dir = core_venv(pinned_versions()["debian-12"])
    proc = _validate("name: l\nos: debian-12\nprovider: libvirt\npackages: {apt: [jq], r: [sf]}\napps: [jupyterhub]\n",
                     tmp_path, bin_dir)
    assert "ok      Ansible collections (ansible/requirements.yml)" in proc.stdout, proc.stdout
    assert "ok      ansible-playbook --syntax-check" in proc.stdout, proc.stdout


def test_bare_ansible_core_names_the_collection_a_macos_project_lacks(tmp_path):
    bin_dir = core_venv(pinned_versions()["debian-12"])
    proc = _validate("name: m\nos: macos\nprovider: virtualbox\npackages: {brew: [wget], r: [ggplot2]}\n", tmp_path, bin_dir)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert ("collection community.general is missing: install it with "
            "'ansible-galaxy collection install community.general:==11.4.2'") in proc.stdout
