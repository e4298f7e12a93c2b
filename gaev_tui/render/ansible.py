"""The generated playbook and its vars file.

User values reach Ansible only as data in ``vars/all.yml``, each string tagged
``!unsafe`` so Ansible never evaluates ``{{ ... }}`` or ``{% ... %}`` inside them. The
roles themselves are static files shipped with GAEV (``templates/ansible/roles``).
"""

from __future__ import annotations

from typing import Any

import yaml

from gaev_tui.catalog import Catalog
from gaev_tui.cloud.userdata import cloud_apps
from gaev_tui.envspec import Spec
from gaev_tui.envspec.dump import _Dumper

MANIFEST_PATH = "/var/lib/gaev/manifest.json"
DEFAULT_VENV = "/opt/gaev/venv"
TLJH_VENV = "/opt/tljh/user"  # TLJH's users' environment: packages there reach notebooks

# Provisioning order matters: the users' Python environment exists only after TLJH.
LINUX_ROLE_ORDER = (
    "repositories", "server", "vm", "system_packages", "r_packages", "jupyterhub",
    "rstudio_server", "docker_app", "python_packages", "cloud_ready", "manifest",
)
WINDOWS_ROLE_ORDER = ("windows_base", "windows_packages", "windows_r_packages", "windows_manifest")
# One R installer serves Linux and Windows; it is kept once and placed in both roles.
SHARED_ROLE_FILES = {"windows_r_packages/files/gaev_r_install.R": "r_packages/files/gaev_r_install.R"}


class Unsafe(str):
    """A string Ansible must never template."""


class _VarsDumper(_Dumper):
    pass


_STR_TAG = "tag:yaml.org,2002:str"
_TEMPLATE_MARKS = ("{{", "{%", "{#")


def _represent_unsafe(dumper: yaml.SafeDumper, value: Unsafe) -> yaml.Node:
    text = str(value)
    style = "|" if "\n" in text else "'"
    # ansible-core 2.19 resolves a !unsafe scalar as if it were unquoted, so
    # `!unsafe 'no'` would reach the roles as False and `!unsafe '0777'` as 511. Such
    # texts (YAML booleans, numbers, nulls, dates) cannot hold template syntax, so they
    # are written as plain quoted strings, which every Ansible reads back as text.
    if dumper.resolve(yaml.ScalarNode, text, (True, False)) != _STR_TAG:
        assert not any(mark in text for mark in _TEMPLATE_MARKS), text
        return dumper.represent_scalar(_STR_TAG, text, style=style)
    return dumper.represent_scalar("!unsafe", text, style=style)


_VarsDumper.add_representer(Unsafe, _represent_unsafe)


def roles_for(spec: Spec, catalog: Catalog) -> list[str]:
    """The roles the spec needs, in provisioning order."""
    family = catalog.oses[spec.os].family
    kinds = {catalog.apps[app].kind for app in spec.apps}
    if family == "windows":
        wanted = {"windows_base", "windows_manifest"}
        if spec.packages.choco or spec.packages.r or spec.packages.bioconductor:
            wanted.add("windows_packages")
        if spec.packages.r or spec.packages.bioconductor:
            wanted.add("windows_r_packages")
        return [role for role in WINDOWS_ROLE_ORDER if role in wanted]
    if family == "macos":
        return []
    wanted = {"repositories", "manifest"}
    if spec.timezone or spec.locale:
        wanted.add("server")
    if spec.hostname:
        wanted.add("vm")
    if spec.packages.apt:
        wanted.add("system_packages")
    if spec.packages.python:
        wanted.add("python_packages")
    if spec.packages.r or spec.packages.bioconductor:
        wanted.add("r_packages")
    if spec.cloud:  # after the apps: their configuration directories exist by then
        wanted.add("cloud_ready")
    wanted |= {{"tljh": "jupyterhub", "rstudio_server": "rstudio_server", "docker": "docker_app"}[kind] for kind in kinds}
    return [role for role in LINUX_ROLE_ORDER if role in wanted]


def _unsafe(value: Any) -> Any:
    if isinstance(value, str):
        return Unsafe(value)
    if isinstance(value, (list, tuple)):
        return [_unsafe(item) for item in value]
    if isinstance(value, dict):
        return {key: _unsafe(item) for key, item in value.items()}
    return value


def vars_for(spec: Spec, catalog: Catalog) -> dict[str, Any]:
    apps = [catalog.apps[app] for app in spec.apps]
    tljh = next((app for app in apps if app.kind == "tljh"), None)
    rstudio = next((app for app in apps if app.kind == "rstudio_server"), None)
    data: dict[str, Any] = {
        "gaev_name": spec.name,
        "gaev_hostname": spec.hostname or "",
        "gaev_timezone": spec.timezone or "",
        "gaev_locale": spec.locale or "",
        "gaev_apt_packages": list(spec.packages.apt),
        "gaev_python_packages": list(spec.packages.python),
        "gaev_python_venv": TLJH_VENV if tljh else DEFAULT_VENV,
        "gaev_r_packages": list(spec.packages.r),
        "gaev_bioconductor_packages": list(spec.packages.bioconductor),
        "gaev_choco_packages": list(spec.packages.choco),
        "gaev_manifest_path": MANIFEST_PATH,
    }
    if tljh:
        data["gaev_tljh"] = {"version": tljh.version, "admin_user": tljh.settings.get("admin_user", "admin"), **tljh.settings}
    if rstudio:
        data["gaev_rstudio"] = {"version": rstudio.version, **rstudio.settings}
    if spec.cloud:
        data["gaev_cloud_apps"] = cloud_apps(spec, catalog)
    data["gaev_docker_engine"] = any(app.kind == "docker" for app in apps)
    data["gaev_docker_apps"] = [
        {
            "name": app.id,
            "image": app.image,
            "tag": app.version or "latest",
            "ports": [{"host": port.guest, "container": int(app.settings.get("container_port", port.guest))} for port in app.ports],
        }
        for app in apps
        if app.kind == "docker" and app.image
    ]
    return _unsafe(data)


def vars_yaml(spec: Spec, catalog: Catalog) -> str:
    header = (
        "# All the data of this environment, written by GAEV from gaev.yaml.\n"
        "# Strings are tagged !unsafe: Ansible uses them as they are and never templates them.\n"
        "---\n"
    )
    return header + yaml.dump(vars_for(spec, catalog), Dumper=_VarsDumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)


def playbook_yaml(spec: Spec, catalog: Catalog) -> str:
    family = catalog.oses[spec.os].family
    play: dict[str, Any] = {"name": f"Provision {spec.name}", "hosts": "all"}
    if family != "windows":
        play["become"] = True
    play["vars_files"] = ["vars/all.yml"]
    play["roles"] = [{"role": role} for role in roles_for(spec, catalog)]
    header = "# Written by GAEV from gaev.yaml; the data lives in vars/all.yml.\n---\n"
    return header + yaml.dump([play], Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=100)
