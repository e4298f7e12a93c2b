"""The jupyterhub role's work around TLJH, run for real in a Debian 12 chroot, twice.

TLJH's own installer fetches itself from GitHub, out of reach here; so the test lays
down what it leaves behind and the role looks for: the hub's environment (a venv with
bcrypt, as TLJH's has) with its ``jupyterhub`` and the users' environment (a venv with
jupyter_client, whose ``jupyter kernelspec`` IRkernel calls). Then, for real: TLJH's
settings merged into an existing config.yaml, the R kernel (Debian's IRkernel)
registered in the users' environment, the shared folder linked into /etc/skel and an
existing user's home; a second run changes nothing. The admin-password script runs
against the hub's environment and leaves no trace of the password in a file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

import gaev_tui
from gaev_tui.catalog import load_catalog
from gaev_tui.envspec import parse_spec_text
from gaev_tui.render.ansible import tljh_config

from .chroot import chroot_inventory, converge, in_chroot
from .project import make_project, playbook_yaml

pytestmark = pytest.mark.tools

ROLES = ["repositories", "r_packages", "jupyterhub"]
SHARED = "/srv/class-data"
PASSWORD = "gaev-Hub-s3cret-7f3a"
SCRIPT = Path(gaev_tui.__file__).parent / "templates" / "project" / "scripts" / "hub-admin-password.sh"
SPEC = "name: hub\nos: ubuntu-22.04\nprovider: virtualbox\napps: [jupyterhub]\napp_options: {jupyterhub: {idle_timeout_minutes: 90, memory_limit_mb: 512}}\n"


def _vars(config: dict) -> str:
    data = {
        "gaev_r_packages": ["IRkernel"],
        "r_packages_system_packages": {"Debian": ["r-base-core", "r-cran-irkernel"]},
        "gaev_cran_repo": "file:///srv/no-cran-needed",
        "gaev_tljh": {"version": "2.0.0", "admin_user": "admin", "config": config},
        "gaev_shared_folders": [SHARED],
    }
    return "---\n" + yaml.safe_dump(data)


def _stand_in_for_tljh(root: Path) -> None:
    in_chroot(root, "apt-get", "update", "-qq")
    in_chroot(root, "apt-get", "install", "-y", "-qq", "--no-install-recommends", "python3-venv")
    for env, package in (("user", "jupyter_client"), ("hub", "bcrypt")):
        in_chroot(root, "python3", "-m", "venv", f"/opt/tljh/{env}")
        in_chroot(root, f"/opt/tljh/{env}/bin/pip", "install", "--quiet", "--disable-pip-version-check", package)
    (root / "opt/tljh/hub/bin/jupyterhub").write_text("#!/bin/sh\n")
    (root / "opt/tljh/config").mkdir(parents=True)
    (root / "opt/tljh/config/config.yaml").write_text("users:\n  admin: [teacher]\nuser_environment:\n  default_app: jupyterlab\n")
    (root / SHARED.lstrip("/")).mkdir(parents=True)
    in_chroot(root, "useradd", "--create-home", "--uid", "1001", "alice")


def test_hub_settings_r_kernel_and_shared_folder_links(debian_root, tmp_path):
    root, _ = debian_root
    _stand_in_for_tljh(root)
    catalog = load_catalog(include_user=False)
    spec = parse_spec_text(SPEC, catalog)
    config = tljh_config(spec, catalog, catalog.apps["jupyterhub"])
    project = make_project(tmp_path / "ansible", playbook_yaml(ROLES, become=True), _vars(config), roles=ROLES)
    chroot_inventory(project, root)

    converge(project)

    # TLJH's settings: GAEV's keys merged in, the admin's earlier ones kept.
    settings = yaml.safe_load((root / "opt/tljh/config/config.yaml").read_text())
    assert settings["services"]["cull"] == {"enabled": True, "timeout": 5400}
    assert settings["limits"] == {"memory": "512M", "cpu": 1}
    assert settings["users"]["admin"] == ["teacher", "admin"]
    assert settings["user_environment"] == {"default_app": "jupyterlab"}

    # The R kernel, as Jupyter itself lists it from the users' environment.
    kernels = json.loads(in_chroot(root, "/opt/tljh/user/bin/jupyter", "kernelspec", "list", "--json"))["kernelspecs"]
    assert kernels["ir"]["resource_dir"] == "/opt/tljh/user/share/jupyter/kernels/ir"
    assert kernels["ir"]["spec"]["language"] == "R" and kernels["ir"]["spec"]["argv"][0].endswith("/R")

    # The shared folder: in the skeleton of new homes and in alice's existing home.
    name = os.path.basename(SHARED)
    assert os.readlink(root / "etc/skel" / name) == SHARED
    link = root / "home/alice" / name
    assert os.readlink(link) == SHARED
    assert os.lstat(link).st_uid == 1001


def test_admin_password_script_sets_the_hash_and_writes_no_secret(debian_root):
    root, _ = debian_root
    _stand_in_for_tljh(root)
    (root / "tmp/hub-admin-password.sh").write_bytes(SCRIPT.read_bytes())

    unset = in_chroot(root, "sh", "/tmp/hub-admin-password.sh", "admin")
    assert "first login as 'admin' will choose" in unset
    assert not (root / "opt/tljh/state/passwords.dbm").exists()

    for expected in ("set the password", "already has this password"):
        out = in_chroot(root, "env", f"GAEV_HUB_ADMIN_PASSWORD={PASSWORD}", "sh", "/tmp/hub-admin-password.sh", "admin")
        assert expected in out and PASSWORD not in out
    check = ("import dbm, bcrypt, sys; db = dbm.open('/opt/tljh/state/passwords.dbm');"
             "print(bcrypt.checkpw(sys.argv[1].encode(), db[b'admin']))")
    assert in_chroot(root, "/opt/tljh/hub/bin/python3", "-c", check, PASSWORD).strip() == "True"
    assert in_chroot(root, "/opt/tljh/hub/bin/python3", "-c", check, "wrong").strip() == "False"
    for top in ("opt/tljh", "etc", "root", "home", "tmp", "var/log"):
        for path in (root / top).rglob("*"):
            if path.is_file() and not path.is_symlink():
                assert PASSWORD.encode() not in path.read_bytes(), path
