"""GAEV's shipped roles pass Ansible's syntax check and ansible-lint's production profile.

The playbook applies every role (Linux and Windows plays), with a vars file shaped like
a generated ``vars/all.yml``: realistic values, strings tagged ``!unsafe``, several
hostile. The roles that cannot run here (R, JupyterHub, RStudio Server, Docker,
Windows) are checked this way only; macOS projects in test_macos_project.py.
"""

from __future__ import annotations

import pytest

from gaev_tui.render.ansible import LINUX_ROLE_ORDER, MACOS_ROLE_ORDER, WINDOWS_ROLE_ORDER
from tests.toolcheck import need_tool

from .project import DATA, _has_family, make_project, playbook_yaml, run_ansible, shipped_roles

pytestmark = pytest.mark.tools


def _linux_roles(family: str) -> list[str]:
    return [role for role in LINUX_ROLE_ORDER if _has_family(role, family)]


def _all_roles_playbook(family: str) -> str:
    linux = playbook_yaml(_linux_roles(family), hosts="linux", name="Provision a Linux machine")
    windows = playbook_yaml(list(WINDOWS_ROLE_ORDER), hosts="windows", name="Provision a Windows machine")
    # One file, two plays: drop the second document marker so it stays one YAML list.
    return linux + windows.removeprefix("---\n")


# Each Linux family's project holds only that family's task files: both are checked.
@pytest.fixture(scope="module", params=["debian", "rhel"])
def all_roles_project(request, tmp_path_factory):
    family = request.param
    project = tmp_path_factory.mktemp(f"lint-{family}") / "ansible"
    return make_project(project, _all_roles_playbook(family), (DATA / "lint_vars.yml").read_text(),
                        roles=_linux_roles(family) + list(WINDOWS_ROLE_ORDER), family=family)


def test_the_renderer_orders_exactly_the_shipped_roles():
    # macOS reuses two Linux roles (r_packages, python_packages) through their main.macos.yml.
    assert sorted(set(LINUX_ROLE_ORDER + WINDOWS_ROLE_ORDER + MACOS_ROLE_ORDER)) == shipped_roles()


def test_syntax_check_passes(all_roles_project):
    need_tool("ansible-playbook")
    proc = run_ansible(["ansible-playbook", "--syntax-check", "-i", "linux,windows", "playbook.yml"],
                       all_roles_project, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ansible_lint_production_profile_passes(all_roles_project):
    need_tool("ansible-lint")
    proc = run_ansible(["ansible-lint", "--offline", "--nocolor", "--profile", "production", "playbook.yml"],
                       all_roles_project, timeout=600)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "Profile 'production' was required, and it passed" in output, output
