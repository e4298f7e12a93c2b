"""Assemble every file of a generated project from a checked spec."""

from __future__ import annotations

import json
from dataclasses import dataclass

from gaev_tui import __version__
from gaev_tui.catalog import Catalog
from gaev_tui.errors import GaevError
from gaev_tui.escape import ruby
from gaev_tui.envspec import Spec, dump_spec
from gaev_tui.packer.render import render_packer
from gaev_tui.render import ansible
from gaev_tui.render.lockfile import LOCK_FILE, checksums
from gaev_tui.templating import render, static_tree


@dataclass(frozen=True)
class ResolvedBox:
    name: str
    version: str | None
    url: str | None = None
    build: str | None = None


def resolve_box(spec: Spec, catalog: Catalog) -> ResolvedBox:
    """The exact box the Vagrantfile uses: the spec's, or the catalogue's default."""
    if spec.base_box.build == "packer":
        # Built by 'packer build' and added to Vagrant under this name by 'gaev build'.
        return ResolvedBox(spec.base_box.name or f"gaev/{spec.name}-base", None, None, "packer")
    default = catalog.oses[spec.os].default_box(spec.provider)
    name = spec.base_box.name or default.name
    version = spec.base_box.version
    if version is None and spec.base_box.name is None:
        version = default.version
    return ResolvedBox(name, version)


def _provider_lines(spec: Spec) -> list[str]:
    r, cpus, memory = spec.resources, spec.resources.cpus, spec.resources.memory_mb
    options = spec.provider_options
    if spec.provider == "virtualbox":
        lines = [f"vm.name = {ruby(spec.name)}", f"vm.cpus = {cpus}", f"vm.memory = {memory}"]
        lines.append(f"vm.gui = {'true' if options.get('gui') else 'false'}")
    elif spec.provider == "libvirt":
        driver = options.get("driver", "kvm")
        lines = [f"vm.cpus = {cpus}", f"vm.memory = {memory}", f"vm.driver = {ruby(driver)}"]
        if r.disk_gb:
            lines.append(f"vm.machine_virtual_size = {r.disk_gb}")
    elif spec.provider == "vmware_desktop":
        lines = [f"vm.vmx['displayName'] = {ruby(spec.name)}", f"vm.vmx['numvcpus'] = '{cpus}'", f"vm.vmx['memsize'] = '{memory}'", "vm.gui = false"]
    elif spec.provider == "hyperv":
        lines = [f"vm.vmname = {ruby(spec.name)}", f"vm.cpus = {cpus}", f"vm.memory = {memory}", f"vm.maxmemory = {memory}"]
    elif spec.provider == "parallels":
        lines = [f"vm.name = {ruby(spec.name)}", f"vm.cpus = {cpus}", f"vm.memory = {memory}"]
    else:  # a provider a user catalogue added: Vagrant's common settings only
        lines = [f"# GAEV knows no resource settings for the '{spec.provider}' provider"]
    return lines


def _disk_line(spec: Spec) -> str | None:
    """Vagrant's disk feature resizes the primary disk on these providers; libvirt has
    its own setting (in the provider block) and the others have none."""
    if spec.resources.disk_gb and spec.provider in ("virtualbox", "vmware_desktop", "hyperv"):
        return f"config.vm.disk :disk, size: '{spec.resources.disk_gb}GB', primary: true"
    return None


def _contents(spec: Spec, catalog: Catalog) -> list[str]:
    lines = []
    labels = {"apt": "System packages", "python": "Python packages", "r": "R packages (CRAN)",
              "bioconductor": "Bioconductor packages", "choco": "Windows packages (Chocolatey)"}
    for category, label in labels.items():
        if values := getattr(spec.packages, category):
            lines.append(f"{label}: " + ", ".join(f"`{v}`" for v in values))
    for app_id in spec.apps:
        app = catalog.apps[app_id]
        version = f" {app.version}" if app.version else ""
        lines.append(f"{app.label}{version}")
    return lines or ["The base system only."]


def _access(spec: Spec, catalog: Catalog) -> list[str]:
    served = {port.guest: port.name for app in spec.apps for port in catalog.apps[app].ports}
    lines = []
    for port in spec.network.forwarded_ports:
        what = served.get(port.guest, f"guest port {port.guest}")
        lines.append(f"{what}: http://localhost:{port.host}/ (forwarded to port {port.guest} in the VM)")
    for folder in spec.shared_folders:
        lines.append(f"Shared folder: `{folder.host}` on this machine is `{folder.guest}` in the VM.")
    if spec.network.private_network:
        lines.append("Private network address: `vagrant ssh -c 'hostname -I'` shows it.")
    for app in (catalog.apps[app_id] for app_id in spec.apps):
        if app.kind == "tljh":
            admin = app.settings.get("admin_user", "admin")
            # TLJH lets the first login of the admin set its password: none is stored anywhere.
            lines.append(f"JupyterHub: log in first as `{admin}` right after the build; the password you type then becomes the admin's password.")
    return lines


def _notes(spec: Spec, catalog: Catalog) -> list[str]:
    os_entry, provider = catalog.oses[spec.os], catalog.providers[spec.provider]
    notes = [os_entry.notes] if os_entry.notes else []
    if spec.provider == "libvirt":
        notes.append("libvirt: shared folders are copied with rsync when the VM starts; run `vagrant rsync` to copy changes again.")
    if os_entry.family == "windows":
        notes.append("Windows: Ansible runs from this machine over WinRM; it needs `pip install ansible pywinrm` (on Windows, use WSL).")
    if spec.resources.disk_gb and spec.provider == "parallels":
        notes.append("Parallels: Vagrant cannot resize its disks; the disk cap applies only to boxes built with Packer.")
    if provider.vagrant_plugin:
        notes.append(f"{provider.label} needs the Vagrant plugin `{provider.vagrant_plugin}`.")
    return notes


def render_project(spec: Spec, catalog: Catalog) -> dict[str, bytes]:
    """Every file of the project for ``spec``, keyed by its path relative to the project."""
    os_entry, provider = catalog.oses[spec.os], catalog.providers[spec.provider]
    windows = os_entry.family == "windows"
    roles = ansible.roles_for(spec, catalog)
    box = resolve_box(spec, catalog)
    files: dict[str, str | bytes] = {}
    context = dict(
        spec=spec, os=os_entry, provider=provider, box=box, windows=windows,
        gaev_version=__version__, rsync=spec.provider == "libvirt", playbook=bool(roles),
        provider_lines=_provider_lines(spec), disk_line=_disk_line(spec), has_ansible=bool(roles),
        contents=_contents(spec, catalog), access=_access(spec, catalog), notes=_notes(spec, catalog),
    )
    files["Vagrantfile"] = render("project/Vagrantfile.j2", **context)
    files["README.md"] = render("project/README.md.j2", **context)
    files["gaev.yaml"] = dump_spec(spec)
    script = "cleanup.ps1" if windows else "cleanup.sh"
    files[f"scripts/{script}"] = static_tree("project", "scripts")[script]
    if roles:
        files["ansible/playbook.yml"] = ansible.playbook_yaml(spec, catalog)
        files["ansible/vars/all.yml"] = ansible.vars_yaml(spec, catalog)
        files["ansible/.ansible-lint"] = static_tree("ansible")[".ansible-lint"]
        all_roles = static_tree("ansible", "roles")
        all_roles.update({path: all_roles[source] for path, source in ansible.SHARED_ROLE_FILES.items()})
        for role in roles:
            role_files = {path: data for path, data in all_roles.items() if path.startswith(f"{role}/")}
            if not role_files:
                raise GaevError(f"GAEV's installation lacks the Ansible role '{role}' (templates/ansible/roles/{role})")
            files.update({f"ansible/roles/{path}": data for path, data in role_files.items()})
    if spec.base_box.build == "packer":
        files.update(render_packer(spec, catalog))
    encoded = {path: (data.encode("utf-8") if isinstance(data, str) else data) for path, data in files.items()}
    lock = _lock(spec, catalog, box, roles, sorted([*encoded, LOCK_FILE]), checksums(encoded))
    encoded[LOCK_FILE] = lock.encode("utf-8")
    return dict(sorted(encoded.items()))


def _lock(spec: Spec, catalog: Catalog, box: ResolvedBox, roles: list[str], files: list[str],
          sha256: dict[str, str]) -> str:
    apps = {
        app_id: {"kind": app.kind, "version": app.version, **({"image": app.image} if app.image else {})}
        for app_id in spec.apps
        for app in [catalog.apps[app_id]]
    }
    lock = {
        "gaev_version": __version__,
        "name": spec.name,
        "os": {"id": spec.os, "family": catalog.oses[spec.os].family, "label": catalog.oses[spec.os].label},
        "provider": spec.provider,
        "base_box": {"name": box.name, "version": box.version, "build": box.build},
        "apps": apps,
        "roles": roles,
        "files": files,
        # What each file held when GAEV wrote it: 'generate --force' replaces only these.
        "sha256": sha256,
    }
    return json.dumps(lock, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
