"""A real run of GAEV's Linux roles into a debootstrap'd Debian 12 chroot, twice.

Every Linux role is in the playbook, in the generator's order. The data asks for what
can really happen here (timezone, locale, host name, a Debian package, a PyPI package
in a venv, the manifest); R, JupyterHub, RStudio and Docker are left empty, so their
roles run too and must do nothing. The second run must change nothing.

Needs root (chroot), debootstrap and ansible-playbook, plus the Debian mirror and PyPI.
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest

from gaev_tui.render.ansible import LINUX_ROLE_ORDER

from .chroot import chroot_inventory, converge, in_chroot
from .project import DATA, load_vars, make_project, playbook_yaml

pytestmark = pytest.mark.tools

CANARY = "/tmp/gaev-roles-canary"  # what the hostile gaev_name would create if it ran


def test_debian_roles_converge_then_change_nothing(debian_root, tmp_path, record_property):
    root, timings = debian_root
    for path in (Path(CANARY), root / CANARY.lstrip("/")):
        path.unlink(missing_ok=True)
    project = make_project(tmp_path / "ansible", playbook_yaml(list(LINUX_ROLE_ORDER), become=True),
                           (DATA / "chroot_vars.yml").read_text())
    chroot_inventory(project, root)
    host_name = socket.gethostname()

    first_s, second_s = converge(project)

    timings.update(first_run=first_s, second_run=second_s)
    for key, value in timings.items():
        record_property(key, round(value, 1))
    print(f"\nchroot timings (s): {', '.join(f'{k}={v:.1f}' for k, v in timings.items())}")

    manifest = json.loads((root / "var/lib/gaev/manifest.json").read_text())
    assert manifest["name"] == load_vars((DATA / "chroot_vars.yml").read_text())["gaev_name"]
    assert manifest["os"]["distribution"] == "Debian" and manifest["os"]["version"].startswith("12")
    assert "jq" in {p["name"] for p in manifest["system_packages"]}
    assert "six==1.16.0" in manifest["python"]["freeze"]
    assert manifest["python"]["environment"] == "/opt/gaev/venv"
    assert manifest["r_packages"] == {}  # no R was asked for, so none was installed

    # What the roles were asked to do, seen from inside the chroot.
    assert (root / "etc/timezone").read_text().strip() == "Europe/Paris"
    assert os.readlink(root / "etc/localtime").endswith("zoneinfo/Europe/Paris")
    assert "LANG=fr_FR.UTF-8" in (root / "etc/default/locale").read_text().splitlines()
    assert "fr_FR.utf8" in in_chroot(root, "locale", "-a").split()
    assert (root / "etc/hostname").read_text() == "gaev-chroot\n"
    assert "127.0.1.1\tgaev-chroot" in (root / "etc/hosts").read_text().splitlines()
    assert in_chroot(root, "jq", "--version").startswith("jq-")
    assert in_chroot(root, "/opt/gaev/venv/bin/python", "-c", "import six; print(six.__version__)").strip() == "1.16.0"
    # The app roles had nothing to do: nothing of theirs is on the machine.
    assert not (root / "opt/tljh").exists() and not (root / "usr/bin/Rscript").exists()
    assert not (root / "usr/bin/docker").exists()

    # cloud_ready: cloud-init for OpenStack/NoCloud, off where no datasource is found.
    assert (root / "usr/bin/cloud-init").exists() and (root / "usr/bin/growpart").exists()
    assert "notfound=disabled" in (root / "etc/cloud/ds-identify.cfg").read_text()
    assert "datasource_list: [NoCloud, OpenStack]" in (root / "etc/cloud/cloud.cfg.d/90-gaev.cfg").read_text()
    assert json.loads((root / "etc/gaev/cloud-apps.json").read_text()) == []
    assert os.access(root / "usr/local/sbin/gaev-base-url", os.X_OK)

    # A chroot shares the host's kernel names: the host must keep its own.
    assert socket.gethostname() == host_name
    # The hostile name was data: nothing in it ran, on the host or in the chroot.
    assert not Path(CANARY).exists() and not (root / CANARY.lstrip("/")).exists()
