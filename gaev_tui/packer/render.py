"""``packer/`` of a generated project: HCL2 templates, unattended-install answer files
and provisioning scripts that build the spec's base box from the OS installer ISO."""

from __future__ import annotations

import re

from gaev_tui import __version__
from gaev_tui.catalog import Catalog, OsEntry, Provider
from gaev_tui.envspec import Spec
from gaev_tui.envspec.model import built_box_name
from gaev_tui.errors import GaevError, InputError, Location
from gaev_tui.packer import answers, osinfo, sources
from gaev_tui.packer.hcl import attrs, string, strings
from gaev_tui.templating import render, static_tree

BUILDERS = ("virtualbox-iso", "qemu", "vmware-iso", "hyperv-iso", "parallels-iso")
# Providers whose guests need the hypervisor's tools for Vagrant to work (shared
# folders, IP discovery, clean shutdown). libvirt needs none: vagrant-libvirt reads the
# address from DHCP leases and copies folders with rsync.
_GUEST_TOOLS = ("virtualbox-iso", "vmware-iso", "hyperv-iso", "parallels-iso")
_WINDOWS_GUEST_TOOLS = ("virtualbox-iso", "vmware-iso", "parallels-iso")  # Hyper-V's are built in
_PLUGIN_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")
# Run as root through sudo; the vagrant user's public password feeds sudo -S until
# vagrant.sh has given it password-less sudo.
EXECUTE_COMMAND = "echo 'vagrant' | {{ .Vars }} sudo -S -E sh -eu '{{ .Path }}'"


def oneline(text: object) -> str:
    """Catalogue text made safe for a ``#`` comment: a newline would end the comment."""
    return " ".join(str(text).split())


def refuse_unbuildable(spec: Spec, os_entry: OsEntry) -> None:
    """An InputError on ``base_box.build`` when the OS has no unattended installer."""
    if os_entry.iso is None or os_entry.iso.install == "manual":
        reason = ("its installer has no unattended mode, so Packer cannot drive it"
                  if os_entry.family != "macos" else
                  "macOS installs only interactively, and Apple's licence allows macOS "
                  "virtual machines only on Apple hardware, so GAEV cannot automate it")
        notes = f" ({oneline(os_entry.notes)})" if os_entry.notes else ""
        raise InputError(
            f"{os_entry.label} cannot be built with Packer: {reason}{notes}; use a published "
            "base box instead (remove 'build: packer')",
            Location("gaev.yaml", None, "base_box.build"),
        )


def _plugin(provider: Provider) -> tuple[str, list[tuple[str, str]]] | None:
    plugin = provider.packer_plugin
    if plugin is None:
        return None
    name = plugin.source.rstrip("/").rsplit("/", 1)[-1].removeprefix("packer-plugin-")
    if not _PLUGIN_NAME.fullmatch(name):
        raise InputError(f"'{plugin.source}' does not end in a plugin name (like github.com/hashicorp/qemu)",
                         Location("catalogue", None, f"providers.{provider.id}.packer.plugin.source"))
    return name, [("source", string(plugin.source)), ("version", string(plugin.version))]


def _scripts(builder: str, os_entry: OsEntry) -> tuple[list[str], list[str]]:
    """Provisioning scripts, in order: (before the last step, the last step)."""
    if os_entry.family == "windows":
        first = ["provision.ps1"] + (["guest-tools.ps1"] if builder in _WINDOWS_GUEST_TOOLS else [])
        return first, ["cleanup.ps1"]
    first = ["vagrant.sh"] + (["guest-tools.sh"] if builder in _GUEST_TOOLS else []) + ["cleanup.sh"]
    return first, ["zero.sh"]


def render_packer(spec: Spec, catalog: Catalog) -> dict[str, str | bytes]:
    """Every file under ``packer/`` for ``spec``, keyed by its path in the project."""
    os_entry, provider = catalog.oses[spec.os], catalog.providers[spec.provider]
    refuse_unbuildable(spec, os_entry)
    builder = provider.packer_builder
    if builder not in BUILDERS:
        raise GaevError(f"GAEV has no Packer template for the '{builder}' builder (it knows {', '.join(BUILDERS)})")
    windows = os_entry.family == "windows"
    first, last = _scripts(builder, os_entry)
    box_name = spec.base_box.name or built_box_name(spec.name)
    context = dict(
        spec=spec, os=os_entry, provider=provider, builder=builder, windows=windows,
        gaev_version=__version__, attrs=attrs, oneline=oneline, box_name=box_name,
        box_path=sources.box_path(spec),
    )
    files: dict[str, str | bytes] = {}
    if (plugin := _plugin(provider)) is not None:
        files["packer/plugins.pkr.hcl"] = render("packer/plugins.pkr.hcl.j2", plugin_name=plugin[0],
                                                 plugin_pairs=plugin[1], **context)
    files["packer/variables.pkr.hcl"] = render("packer/variables.pkr.hcl.j2",
                                               variables=sources.variables(spec, os_entry, provider), **context)
    files["packer/sources.pkr.hcl"] = render("packer/sources.pkr.hcl.j2",
                                             groups=sources.source_groups(spec, os_entry, provider), **context)
    files["packer/build.pkr.hcl"] = render(
        "packer/build.pkr.hcl.j2",
        description=string(spec.description or f"GAEV base box for {spec.name}"),
        sources=strings([f"source.{builder}.base"]),
        execute_command=string(EXECUTE_COMMAND),
        scripts_first=strings(f"scripts/{name}" for name in first),
        scripts_last=strings(f"scripts/{name}" for name in last),
        admin_env='["GAEV_ADMIN_PASSWORD=${var.windows_admin_password}"]',
        admin_scripts=strings(["scripts/admin-password.ps1"]),
        **context,
    )
    files.update(answers.answer_files(spec, os_entry, context))
    files.update(_script_files(first + last + (["admin-password.ps1"] if windows else []), context))
    files["packer/README.md"] = render("packer/README.md.j2", answer_files=osinfo.answer_files(os_entry.iso.install),
                                       **context)
    return files


def _script_files(names: list[str], context: dict) -> dict[str, str | bytes]:
    """Scripts are static unless a ``.j2`` template exists for them (per provider or OS)."""
    static = static_tree("packer", "scripts")
    files: dict[str, str | bytes] = {}
    for name in names:
        if name in static:
            files[f"packer/scripts/{name}"] = static[name]
        else:
            files[f"packer/scripts/{name}"] = render(f"packer/scripts/{name}.j2", **context)
    return files
