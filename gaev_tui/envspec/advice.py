"""Warnings about a valid spec: things that are allowed but will not do what the spec
says on a usual host (they are not errors: the spec may be meant for another host).

``gaev validate``, ``gaev generate``, the pre-flight and the wizard all show these.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from gaev_tui.catalog import Catalog
from gaev_tui.envspec.model import Spec

# VirtualBox >= 6.1.28 on Linux and macOS hosts refuses host-only addresses outside this
# range unless /etc/vbox/networks.conf lists others (VirtualBox manual, "Host-Only
# Networking"; Windows hosts have no such limit).
VIRTUALBOX_HOST_ONLY = ipaddress.IPv4Network("192.168.56.0/21")


# Providers on which Vagrant grows the primary disk: with config.vm.disk (Vagrant's disk
# feature, experimental in 2.3: it acts only with VAGRANT_EXPERIMENTAL=disks), or
# libvirt's own machine_virtual_size. Neither ever shrinks a box's disk.
VAGRANT_DISK_PROVIDERS = ("virtualbox", "vmware_desktop", "hyperv")
GROWS_DISK = (*VAGRANT_DISK_PROVIDERS, "libvirt")


@dataclass(frozen=True)
class DiskPlan:
    """What the spec's disk cap really does."""

    kind: str  # "none" (no cap), "packer" (built at that size), "grow" (grown at 'vagrant up'),
    #            "kept" (the box's disk is already that size or larger: the cap cannot hold),
    #            "unsupported" (the provider cannot resize)
    cap_gb: int | None
    box_gb: int | None  # the base box's disk, from the catalogue; None: unknown


def box_disk_gb(spec: Spec, catalog: Catalog) -> int | None:
    """The base box's disk size per the catalogue (None: built with Packer, or unknown)."""
    if spec.base_box.build == "packer":
        return None
    refs = catalog.oses[spec.os].boxes.get(spec.provider, ())
    name = spec.base_box.name or (refs[0].name if refs else None)
    return next((ref.disk_gb for ref in refs if ref.name == name), None)


def disk_plan(spec: Spec, catalog: Catalog) -> DiskPlan:
    cap, box = spec.resources.disk_gb, box_disk_gb(spec, catalog)
    if cap is None:
        kind = "none"
    elif spec.base_box.build == "packer":
        kind = "packer"
    elif box is not None and cap <= box:
        kind = "kept"
    elif spec.provider in GROWS_DISK:
        kind = "grow"
    else:
        kind = "unsupported"
    return DiskPlan(kind, cap, box)


@dataclass(frozen=True)
class SpecWarning:
    field: str  # dotted spec field, like "network.private_network"
    message: str


def spec_warnings(spec: Spec, catalog: Catalog) -> list[SpecWarning]:
    """Every warning for ``spec``, in spec order."""
    return [*_disk_warnings(spec, catalog), *_network_warnings(spec), *_folder_warnings(spec)]


def _folder_warnings(spec: Spec) -> list[SpecWarning]:
    return [SpecWarning(f"shared_folders[{index}].host", (
        f"{folder.host} is a Windows path: the VM can then start only on a Windows computer "
        "(elsewhere Vagrant would create it as a folder inside the project)"))
        for index, folder in enumerate(spec.shared_folders) if folder.windows_host]


def _network_warnings(spec: Spec) -> list[SpecWarning]:
    private = spec.network.private_network
    if spec.provider != "virtualbox" or private in (None, "dhcp"):
        return []
    address = ipaddress.IPv4Address(private)
    if address in VIRTUALBOX_HOST_ONLY:
        return []
    net = ipaddress.IPv4Network(f"{address}/24", strict=False)
    return [SpecWarning("network.private_network", (
        f"VirtualBox 6.1.28 and later (on Linux and macOS hosts) only allow host-only addresses in "
        f"{VIRTUALBOX_HOST_ONLY} (192.168.56.2 to 192.168.63.254): 'vagrant up' will fail with {private} "
        f"unless /etc/vbox/networks.conf allows it, with a line like '* {net}'; or use e.g. 192.168.56.10"))]


def _disk_warnings(spec: Spec, catalog: Catalog) -> list[SpecWarning]:
    plan = disk_plan(spec, catalog)
    if plan.kind == "kept" and plan.cap_gb < plan.box_gb:
        box = spec.base_box.name or catalog.oses[spec.os].default_box(spec.provider).name
        packer = "build the base box with Packer ('base_box: {build: packer}'), whose disk is made at that size"
        if catalog.oses[spec.os].iso is None or catalog.providers[spec.provider].packer_builder is None:
            packer = "choose a base box with a smaller disk (GAEV cannot build this one with Packer)"
        return [SpecWarning("resources.disk_gb", (
            f"{box} has a {plan.box_gb} GB disk and Vagrant can only grow a box's disk, so the {plan.cap_gb} GB "
            f"cap cannot hold (the VM's disk stays {plan.box_gb} GB; it only takes the space it uses). For a "
            f"{plan.cap_gb} GB disk, {packer}"))]
    if plan.kind == "unsupported":
        return [SpecWarning("resources.disk_gb", (
            f"Vagrant cannot resize {catalog.providers[spec.provider].label} disks: the cap applies only to a base "
            "box built with Packer ('base_box: {build: packer}')"))]
    return []
