"""The generated playbook and its vars file.

User values reach Ansible only as data in ``vars/all.yml``, each string tagged
``!unsafe`` so Ansible never evaluates ``{{ ... }}`` or ``{% ... %}`` inside them. The
roles themselves are static files shipped with GAEV (``templates/ansible/roles``).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from gaev_tui.catalog import Catalog
from gaev_tui.catalog.model import App
from gaev_tui.envspec import Spec
from gaev_tui.envspec.dump import _Dumper
from gaev_tui.errors import GaevError
from gaev_tui.render.userdata import cloud_apps
from gaev_tui.templating import static_tree

MANIFEST_PATH = "/var/lib/gaev/manifest.json"
DEFAULT_VENV = "/opt/gaev/venv"
TLJH_VENV = "/opt/tljh/user"  # TLJH's users' environment: packages there reach notebooks

# Provisioning order matters: the users' Python environment exists only after TLJH.
LINUX_ROLE_ORDER = (
    "repositories", "server", "vm", "system_packages", "r_packages", "jupyterhub",
    "rstudio_server", "docker_app", "python_packages", "cloud_ready", "manifest",
)
WINDOWS_ROLE_ORDER = ("windows_base", "windows_packages", "windows_r_packages", "windows_manifest")
# macOS: R, XQuartz, BasicTeX and Homebrew's packages before the R and Python packages.
MACOS_ROLE_ORDER = ("macos_base", "macos_packages", "r_packages", "python_packages", "macos_manifest")
# Collections the host-side roles use, pinned: what 'ansible-galaxy collection install -r
# ansible/requirements.yml' installs. community.general 11.4.2 is the one the ansible
# 12.3.0 bundle ships (the host's Ansible the tests run).
COLLECTION_PINS = {"community.general": "11.4.2"}
# One R installer serves Linux and Windows; it is kept once and placed in both roles.
SHARED_ROLE_FILES = {"windows_r_packages/files/gaev_r_install.R": "r_packages/files/gaev_r_install.R"}
# A role file named NAME.<family>.yml is that family's NAME.yml: a project gets only its
# own family's tasks, so no module of another family is ever loaded or resolved.
_FAMILY_FILE = re.compile(r"^(?P<stem>.+)\.(?P<family>debian|rhel|windows|macos)\.yml$")
# A task's module, as written in GAEV's roles: "      namespace.collection.module:".
_MODULE_KEY = re.compile(r"^\s*(?:- )?(?P<fqcn>[a-z0-9_]+\.[a-z0-9_]+\.[a-z0-9_]+):\s*$", re.MULTILINE)
BUILTIN = "ansible.builtin"


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
        wanted = {"macos_base", "macos_manifest"}
        if spec.packages.brew or spec.packages.tex or spec.packages.r or spec.packages.bioconductor:
            wanted.add("macos_packages")
        if spec.packages.r or spec.packages.bioconductor:
            wanted.add("r_packages")
        if spec.packages.python:
            wanted.add("python_packages")
        return [role for role in MACOS_ROLE_ORDER if role in wanted]
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


def role_files(roles: list[str], family: str) -> dict[str, bytes]:
    """The files of ``roles`` for one OS family, keyed ``role/path`` as in ``ansible/roles/``."""
    shipped = static_tree("ansible", "roles")
    shipped.update({path: shipped[source] for path, source in SHARED_ROLE_FILES.items()})
    files: dict[str, bytes] = {}
    for role in roles:
        mine = {path: data for path, data in shipped.items() if path.startswith(f"{role}/")}
        for path, data in sorted(mine.items()):
            folder, _, name = path.rpartition("/")
            if match := _FAMILY_FILE.match(name):
                if match["family"] != family:
                    continue
                path = f"{folder}/{match['stem']}.yml"
                if path in mine:
                    raise GaevError(f"templates/ansible/roles/{path} exists twice (plain and per-family)")
            files[path] = data
        if f"{role}/tasks/main.yml" not in files:
            raise GaevError(f"GAEV's installation lacks the Ansible role '{role}' for the {family} family "
                            f"(templates/ansible/roles/{role}/tasks/main[.{family}].yml)")
    return files


def modules_used(files: dict[str, bytes]) -> list[str]:
    """Every module (fully qualified name) the task files among ``files`` call."""
    found = set()
    for path, data in files.items():
        if "/tasks/" in path or "/handlers/" in path:
            found |= {m["fqcn"] for m in _MODULE_KEY.finditer(data.decode("utf-8"))}
    return sorted(found)


def collections_used(files: dict[str, bytes]) -> list[str]:
    """The collections besides ansible.builtin that the roles need."""
    return sorted({name.rsplit(".", 1)[0] for name in modules_used(files)} - {BUILTIN})


def requirements_yaml(collections: list[str]) -> str:
    """ansible/requirements.yml: what 'ansible-galaxy collection install -r' must install."""
    header = ("# Written by GAEV: the Ansible collections the roles use, besides ansible.builtin\n"
              "# (which every ansible-core has). Install them with:\n"
              "#   ansible-galaxy collection install -r ansible/requirements.yml\n---\n")
    entries = [{"name": name, **({"version": COLLECTION_PINS[name]} if name in COLLECTION_PINS else {})}
               for name in collections]
    return header + yaml.dump({"collections": entries},
                              Dumper=_Dumper, sort_keys=False, default_flow_style=False)


def _unsafe(value: Any) -> Any:
    if isinstance(value, str):
        return Unsafe(value)
    if isinstance(value, (list, tuple)):
        return [_unsafe(item) for item in value]
    if isinstance(value, dict):
        return {key: _unsafe(item) for key, item in value.items()}
    return value


IRKERNEL = "IRkernel"
DEFAULT_CRAN = "https://cloud.r-project.org"


def _name(spec: str) -> str:
    return spec.split("@", 1)[0]


def r_packages_for(spec: Spec, catalog: Catalog) -> list[str]:
    """The CRAN packages to install: the spec's, plus IRkernel when R meets JupyterHub
    (the hub then gets an R kernel, which needs the package)."""
    packages = list(spec.packages.r)
    tljh = any(catalog.apps[app].kind == "tljh" for app in spec.apps)
    wants_r = bool(spec.packages.r or spec.packages.bioconductor)
    if tljh and wants_r and IRKERNEL not in {_name(p) for p in packages}:
        packages.append(IRKERNEL)
    return packages


def r_system_libraries(spec: Spec, catalog: Catalog) -> list[str]:
    """System packages the chosen R packages need, from the catalogue's r_libraries."""
    family = catalog.oses[spec.os].family
    found: dict[str, None] = {}
    for package in [*r_packages_for(spec, catalog), *spec.packages.bioconductor]:
        entry = catalog.r_libraries.get(_name(package))
        for library in entry.needs.get(family, ()) if entry else ():
            found[library] = None
    return list(found)


def r_library_warnings(spec: Spec, catalog: Catalog) -> list[str]:
    """R packages known to need a system library the catalogue does not name here."""
    family = catalog.oses[spec.os].family
    if family not in ("debian", "rhel"):
        return []
    warnings = []
    for package in [*spec.packages.r, *spec.packages.bioconductor]:
        entry = catalog.r_libraries.get(_name(package))
        if entry is not None and not entry.needs.get(family):
            warnings.append(f"R package '{_name(package)}' needs system libraries that the catalogue's "
                            f"r_libraries table does not name for {family}: its build may fail; add them "
                            f"to packages.apt or to r_libraries in your catalogue")
    return warnings


def app_option(spec: Spec, app: App, name: str) -> int:
    """An app's option: the spec's value, else the catalogue's default."""
    return spec.app_options.get(app.id, {}).get(name, app.options[name].default)


def tljh_config(spec: Spec, catalog: Catalog, app: App) -> dict[str, Any]:
    """TLJH's config.yaml keys GAEV manages (tljh/configurer.py): idle culler, limits."""
    options = {name: app_option(spec, app, name) for name in app.options}
    config: dict[str, Any] = {}
    if "idle_timeout_minutes" in options:
        minutes = options["idle_timeout_minutes"]
        config["services"] = {"cull": {"enabled": minutes > 0, "timeout": max(minutes, 1) * 60}}
    limits: dict[str, Any] = {}
    if "memory_limit_mb" in options:
        limits["memory"] = f"{options['memory_limit_mb']}M" if options["memory_limit_mb"] else None
    if "cpu_limit" in options:
        limits["cpu"] = options["cpu_limit"] or None
    if limits:
        config["limits"] = limits
    return config


def macos_vars(spec: Spec, catalog: Catalog) -> dict[str, Any]:
    """What the macOS roles install: the catalogue's pinned installers (R and XQuartz
    for R packages, BasicTeX for TeX ones) and Homebrew's formulae and casks."""
    installers = catalog.oses[spec.os].provisioning.installers
    wanted = []
    if spec.packages.r or spec.packages.bioconductor:
        wanted += [("R", "r"), ("XQuartz", "xquartz")]
    if spec.packages.tex:
        wanted.append(("BasicTeX", "tex"))
    if spec.packages.brew:
        wanted.append(("Homebrew", "homebrew"))
    missing = [key for _, key in wanted if key not in installers]
    if missing:
        raise GaevError(f"the catalogue's {spec.os} entry names no provisioning.installers.{missing[0]} "
                        f"(version, url, sha256), which this spec needs")
    pkgs = [{"name": label, "version": installers[key].version, "url": installers[key].url, "sha256": installers[key].sha256}
            for label, key in wanted if key != "homebrew"]
    data: dict[str, Any] = {
        "gaev_macos_pkgs": pkgs,
        "gaev_tex_packages": list(spec.packages.tex),
        "gaev_tex_repository": installers["tex"].repository if spec.packages.tex else "",
        "gaev_brew_formulae": [name for name in spec.packages.brew if not name.startswith("cask:")],
        "gaev_brew_casks": [name.removeprefix("cask:") for name in spec.packages.brew if name.startswith("cask:")],
    }
    if spec.packages.brew:
        brew = installers["homebrew"]
        data["gaev_homebrew_installer"] = {"version": brew.version, "url": brew.url, "sha256": brew.sha256}
    return data


def vars_for(spec: Spec, catalog: Catalog) -> dict[str, Any]:
    apps = [catalog.apps[app] for app in spec.apps]
    tljh = next((app for app in apps if app.kind == "tljh"), None)
    rstudio = next((app for app in apps if app.kind == "rstudio_server"), None)
    provisioning = catalog.oses[spec.os].provisioning
    data: dict[str, Any] = {
        "gaev_name": spec.name,
        "gaev_hostname": spec.hostname or "",
        "gaev_timezone": spec.timezone or "",
        "gaev_locale": spec.locale or "",
        "gaev_apt_packages": list(spec.packages.apt),
        "gaev_python_packages": list(spec.packages.python),
        "gaev_python_venv": TLJH_VENV if tljh else DEFAULT_VENV,
        "gaev_r_packages": r_packages_for(spec, catalog),
        "gaev_bioconductor_packages": list(spec.packages.bioconductor),
        "gaev_r_system_libraries": r_system_libraries(spec, catalog),
        "gaev_cran_repo": provisioning.r_binary_repo or DEFAULT_CRAN,
        "gaev_choco_packages": list(spec.packages.choco),
        "gaev_manifest_path": MANIFEST_PATH,
    }
    if catalog.oses[spec.os].family == "macos":
        data.update(macos_vars(spec, catalog))
    if provisioning.r_apt:
        repo = provisioning.r_apt
        data["gaev_r_apt"] = {"url": repo.url, "suite": repo.suite, "key_url": repo.key_url, "fingerprint": repo.fingerprint}
    if tljh:
        data["gaev_tljh"] = {"version": tljh.version, "admin_user": tljh.settings.get("admin_user", "admin"), **tljh.settings,
                             "config": tljh_config(spec, catalog, tljh)}
        data["gaev_shared_folders"] = [folder.guest for folder in spec.shared_folders]
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
