"""Assemble every file of a generated project from a checked spec."""

from __future__ import annotations

import json
from dataclasses import dataclass

from gaev_tui import __version__
from gaev_tui.catalog import Catalog
from gaev_tui.envspec import Spec, dump_spec
from gaev_tui.envspec.advice import VAGRANT_DISK_PROVIDERS, DiskPlan, disk_plan
from gaev_tui.envspec.model import built_box_name
from gaev_tui.escape import ruby
from gaev_tui.packer.render import render_packer
from gaev_tui.render import ansible
from gaev_tui.render.lockfile import LOCK_FILE, checksums
from gaev_tui.render.userdata import project_user_data
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
        return ResolvedBox(spec.base_box.name or built_box_name(spec.name), None, None, "packer")
    default = catalog.oses[spec.os].default_box(spec.provider)
    name = spec.base_box.name or default.name
    version = spec.base_box.version
    if version is None and spec.base_box.name is None:
        version = default.version
    return ResolvedBox(name, version, spec.base_box.url)


def _provider_lines(spec: Spec, disk: DiskPlan) -> list[str]:
    cpus, memory = spec.resources.cpus, spec.resources.memory_mb
    options = spec.provider_options
    if spec.provider == "virtualbox":
        lines = ["vm.name = gaev_vm_name", f"vm.cpus = {cpus}", f"vm.memory = {memory}"]
        lines.append(f"vm.gui = {'true' if options.get('gui') else 'false'}")
    elif spec.provider == "libvirt":
        driver = options.get("driver", "kvm")
        # vagrant-libvirt names the domain <prefix><machine>; its default prefix is the
        # directory's basename, which two projects easily share.
        lines = ["vm.default_prefix = gaev_vm_name + '_'", f"vm.cpus = {cpus}", f"vm.memory = {memory}",
                 f"vm.driver = {ruby(driver)}"]
        if disk.kind == "grow":
            # vagrant-libvirt grows the box's volume to this size (never shrinks it).
            lines.append(f"vm.machine_virtual_size = {disk.cap_gb}")
    elif spec.provider == "vmware_desktop":
        lines = ["vm.vmx['displayName'] = gaev_vm_name", f"vm.vmx['numvcpus'] = '{cpus}'", f"vm.vmx['memsize'] = '{memory}'", "vm.gui = false"]
    elif spec.provider == "hyperv":
        lines = ["vm.vmname = gaev_vm_name", f"vm.cpus = {cpus}", f"vm.memory = {memory}", f"vm.maxmemory = {memory}"]
    elif spec.provider == "parallels":
        lines = ["vm.name = gaev_vm_name", f"vm.cpus = {cpus}", f"vm.memory = {memory}"]
    else:  # a provider a user catalogue added: Vagrant's common settings only
        lines = [f"# GAEV knows no resource settings for the '{spec.provider}' provider"]
    return lines


def _disk_line(spec: Spec, disk: DiskPlan) -> str | None:
    """Vagrant's disk feature grows the primary disk on these providers; libvirt has
    its own setting (in the provider block) and the others have none."""
    if disk.kind == "grow" and spec.provider in VAGRANT_DISK_PROVIDERS:
        return f"config.vm.disk :disk, size: '{disk.cap_gb}GB', primary: true"
    return None


def _disk_text(spec: Spec, disk: DiskPlan) -> str:
    """What the README says of the disk: only what will be true."""
    if disk.kind == "packer":
        return f", a {disk.cap_gb} GB disk (the base box is built with Packer at that size)"
    if disk.kind == "grow":
        how = ("; `gaev build` sets `VAGRANT_EXPERIMENTAL=disks`, which Vagrant 2.3 needs for it"
               if spec.provider in VAGRANT_DISK_PROVIDERS else "")
        base = f"the base box's {disk.box_gb} GB disk" if disk.box_gb else "the base box's disk, if smaller,"
        return (f", {base} grown to {disk.cap_gb} GB at the first `vagrant up`{how} (the guest's file "
                "system grows with it only where the box does that at boot, as cloud images do)")
    if disk.kind == "kept":
        return (f", the base box's {disk.box_gb} GB disk (Vagrant cannot shrink it: the {disk.cap_gb} GB cap "
                "needs a base box built with Packer)" if disk.cap_gb < disk.box_gb else f", a {disk.box_gb} GB disk")
    if disk.kind == "unsupported":
        return ", the base box's own disk (Vagrant cannot resize it on this provider)"
    return ""


def _contents(spec: Spec, catalog: Catalog) -> list[str]:
    lines = []
    labels = {"apt": "System packages", "python": "Python packages", "r": "R packages (CRAN)",
              "bioconductor": "Bioconductor packages", "choco": "Windows packages (Chocolatey)",
              "brew": "Homebrew formulae and casks", "tex": "TeX Live packages (on BasicTeX)"}
    for category, label in labels.items():
        if values := getattr(spec.packages, category):
            lines.append(f"{label}: " + ", ".join(f"`{v}`" for v in values))
    provisioning = catalog.oses[spec.os].provisioning
    if (spec.packages.r or spec.packages.bioconductor) and provisioning.r_apt:
        lines.append(f"R: the current release from CRAN's repository (`{provisioning.r_apt.url}` `{provisioning.r_apt.suite}`)")
    for item in ansible.macos_vars(spec, catalog)["gaev_macos_pkgs"] if catalog.oses[spec.os].family == "macos" else []:
        lines.append(f"{item['name']} {item['version']} (`{item['url']}`, sha256 checked)")
    for app_id in spec.apps:
        app = catalog.apps[app_id]
        version = f" {app.version}" if app.version else ""
        lines.append(f"{app.label}{version}")
        if app.kind == "tljh" and (spec.packages.r or spec.packages.bioconductor):
            lines.append("JupyterHub's R kernel (IRkernel), registered for every user")
    return lines or ["The base system only."]


@dataclass(frozen=True)
class Forward:
    guest: int
    host: int
    protocol: str
    name: str
    default: bool  # chosen by GAEV for an app's port, not written in the spec


def forwards(spec: Spec, catalog: Catalog) -> list[Forward]:
    """The spec's forwarded ports, plus one for each app port the spec leaves out.

    An app's port is forwarded to the same host port when that is 1024 or above, else
    to 8000 + it (80 -> 8080), moved up until it clashes with no other forward.
    """
    served = {port.guest: port.name for app in spec.apps for port in catalog.apps[app].ports}
    out = [Forward(p.guest, p.host, p.protocol, served.get(p.guest, f"guest port {p.guest}"), False)
           for p in spec.network.forwarded_ports]
    taken = {f.host for f in out}
    given = {f.guest for f in out}
    for app in spec.apps:
        for port in catalog.apps[app].ports:
            if port.guest in given:
                continue
            host = port.guest if port.guest >= 1024 else port.guest + 8000
            while host in taken or host > 65535:
                host = host + 1 if host < 65535 else 1024
            taken.add(host)
            given.add(port.guest)
            out.append(Forward(port.guest, host, "tcp", port.name, True))
    return out


def _url_path(catalog: Catalog, spec: Spec, guest: int) -> str:
    for app in (catalog.apps[a] for a in spec.apps):
        if any(p.guest == guest for p in app.ports):
            return app.settings.get("url_path", "/")
    return "/"


def reach_lines(spec: Spec, catalog: Catalog) -> list[str]:
    """Where the VM's forwarded ports, shared folders and private address are (also in
    the README of the project ``gaev get`` writes around a published box)."""
    lines = []
    for port in forwards(spec, catalog):
        url = f"http://localhost:{port.host}{_url_path(catalog, spec, port.guest)}"
        lines.append(f"{port.name}: {url} (forwarded to port {port.guest} in the VM)")
        if spec.network.reachable_from_other_computers:
            lines.append(f"  from other computers: http://THIS-COMPUTER'S-ADDRESS:{port.host}/ (if its firewall lets them in)")
    for folder in spec.shared_folders:
        lines.append(f"Shared folder: `{folder.host}` on this machine is `{folder.guest}` in the VM.")
    if spec.network.private_network:
        lines.append("Private network address: `vagrant ssh -c 'hostname -I'` shows it.")
    return lines


def access_lines(spec: Spec, catalog: Catalog) -> list[str]:
    """How to reach what the VM serves, and the first steps (the project README's list;
    the wizard shows it once the project is written)."""
    lines = reach_lines(spec, catalog)
    for app in (catalog.apps[app_id] for app_id in spec.apps):
        if app.kind == "tljh":
            admin = app.settings.get("admin_user", "admin")
            lines.append(
                f"JupyterHub's admin is `{admin}`. Set its password at build time with "
                f"`GAEV_HUB_ADMIN_PASSWORD='...' gaev build .` (Vagrant hides it from its output; it is "
                f"written to no file of the project). Without it, the account is unclaimed: whoever logs in "
                f"first as `{admin}` chooses its password, so do it right after the build, before sharing the URL. "
                f"Other users choose their password at their first login; the admin adds them in the hub's Admin page.")
            if spec.shared_folders:
                lines.append("Each hub user's home has a link to every shared folder (read-only for them on VirtualBox).")
    return lines


def _hub_admin(spec: Spec, catalog: Catalog) -> str:
    """The JupyterHub admin's name when the spec has TLJH, else ''."""
    tljh = [catalog.apps[a] for a in spec.apps if catalog.apps[a].kind == "tljh"]
    return tljh[0].settings.get("admin_user", "admin") if tljh else ""


def _notes(spec: Spec, catalog: Catalog) -> list[str]:
    os_entry, provider = catalog.oses[spec.os], catalog.providers[spec.provider]
    notes = [os_entry.notes] if os_entry.notes else []
    notes += ansible.r_library_warnings(spec, catalog)
    if spec.provider == "libvirt":
        notes.append("libvirt: shared folders are copied with rsync when the VM starts; run `vagrant rsync` to copy changes again.")
    if os_entry.family == "windows":
        notes.append("Windows: Ansible runs from this machine over WinRM; it needs `pip install ansible pywinrm` (on Windows, use WSL).")
    if os_entry.family == "macos":
        notes.append("macOS: Ansible runs from this machine over SSH; it needs `pip install ansible` (or ansible-core and "
                     "`ansible-galaxy collection install -r ansible/requirements.yml`). `scripts/macos-python.sh` first "
                     "installs Apple's Command Line Tools in the VM, whose python3 Ansible uses.")
        notes.append("macOS: shared folders are copied with rsync when the VM starts (`vagrant rsync` copies changes "
                     "again): macOS guests have no VirtualBox or Parallels shared-folder driver GAEV can rely on.")
        notes.append("macOS: R packages are CRAN's and Bioconductor's macOS binaries (no compiler needed); a version "
                     "pin (`name@version`) builds from source and needs the Command Line Tools' compilers.")
    if provider.vagrant_plugin:
        notes.append(f"{provider.label} needs the Vagrant plugin `{provider.vagrant_plugin}`.")
    return notes


def machine_context(spec: Spec, catalog: Catalog, disk: DiskPlan) -> dict[str, object]:
    """What templates/vagrant/machine.j2 needs: the machine's settings from the spec, for the
    generated project and for the project ``gaev get`` writes around a published box."""
    family = catalog.oses[spec.os].family
    return dict(spec=spec, windows=family == "windows", macos=family == "macos",
                rsync=spec.provider == "libvirt" or family == "macos", forwards=forwards(spec, catalog), provider_lines=_provider_lines(spec, disk),
                hub_admin=_hub_admin(spec, catalog))


def render_project(spec: Spec, catalog: Catalog) -> dict[str, bytes]:
    """Every file of the project for ``spec``, keyed by its path relative to the project."""
    os_entry, provider = catalog.oses[spec.os], catalog.providers[spec.provider]
    windows = os_entry.family == "windows"
    macos = os_entry.family == "macos"
    roles = ansible.roles_for(spec, catalog)
    box = resolve_box(spec, catalog)
    disk = disk_plan(spec, catalog)
    files: dict[str, str | bytes] = {}
    context = dict(
        machine_context(spec, catalog, disk),
        os=os_entry, provider=provider, box=box, gaev_version=__version__, playbook=bool(roles),
        disk_line=_disk_line(spec, disk), has_ansible=bool(roles), disk=disk, disk_text=_disk_text(spec, disk),
        guest_ansible=os_entry.provisioning, contents=_contents(spec, catalog), access=access_lines(spec, catalog),
        notes=_notes(spec, catalog),
    )
    files["Vagrantfile"] = render("project/Vagrantfile.j2", **context)
    files["README.md"] = render("project/README.md.j2", **context)
    files["gaev.yaml"] = dump_spec(spec)
    script = "cleanup.ps1" if windows else "cleanup.sh"
    files[f"scripts/{script}"] = static_tree("project", "scripts")["cleanup-macos.sh" if macos else script]
    if macos and roles:
        files["scripts/macos-python.sh"] = static_tree("project", "scripts")["macos-python.sh"]
    if roles:
        files["ansible/playbook.yml"] = ansible.playbook_yaml(spec, catalog)
        files["ansible/vars/all.yml"] = ansible.vars_yaml(spec, catalog)
        files["ansible/.ansible-lint"] = static_tree("ansible")[".ansible-lint"]
        role_files = ansible.role_files(roles, os_entry.family)
        files.update({f"ansible/roles/{path}": data for path, data in role_files.items()})
        files["ansible/requirements.yml"] = ansible.requirements_yaml(ansible.collections_used(role_files))
        if os_entry.provisioning.ansible_core:
            files["scripts/install-ansible.sh"] = static_tree("project", "scripts")["install-ansible.sh"]
    if context["hub_admin"]:
        files["scripts/hub-admin-password.sh"] = static_tree("project", "scripts")["hub-admin-password.sh"]
    if spec.base_box.build == "packer":
        files.update(render_packer(spec, catalog))
    if spec.cloud:
        files["cloud/user-data"] = project_user_data(spec)
    encoded = {path: (data.encode("utf-8") if isinstance(data, str) else data) for path, data in files.items()}
    lock = _lock(spec, catalog, box, roles, sorted([*encoded, LOCK_FILE]), checksums(encoded))
    encoded[LOCK_FILE] = lock.encode("utf-8")
    return dict(sorted(encoded.items()))


def _lock_ansible(spec: Spec, catalog: Catalog, roles: list[str]) -> dict[str, object] | None:
    """The Ansible that provisions the VM: installed in the guest at this exact version."""
    provisioning = catalog.oses[spec.os].provisioning
    if not roles:
        return None
    if not provisioning.ansible_core:  # Windows and macOS: the host's Ansible, over WinRM/SSH
        collections = ansible.collections_used(ansible.role_files(roles, catalog.oses[spec.os].family))
        pins = {name: ansible.COLLECTION_PINS[name] for name in collections if name in ansible.COLLECTION_PINS}
        return {"runs_on": "host", "collections": collections, **({"collection_versions": pins} if pins else {})}
    return {"runs_on": "guest", "ansible_core": provisioning.ansible_core, "python": f">={provisioning.ansible_python}",
            "install": "pip into /opt/gaev/ansible (scripts/install-ansible.sh)"}


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
        # The registry the box comes from, only when there is one: locks of projects
        # without one stay as they were.
        "base_box": {"name": box.name, "version": box.version, "build": box.build, **({"url": box.url} if box.url else {})},
        "apps": apps,
        "ansible": _lock_ansible(spec, catalog, roles),
        "roles": roles,
        "files": files,
        # What each file held when GAEV wrote it: 'generate --force' replaces only these.
        "sha256": sha256,
    }
    return json.dumps(lock, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
