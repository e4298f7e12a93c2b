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


@dataclass(frozen=True)
class SpecWarning:
    field: str  # dotted spec field, like "network.private_network"
    message: str


def spec_warnings(spec: Spec, catalog: Catalog) -> list[SpecWarning]:
    """Every warning for ``spec``, in spec order."""
    return [*_disk_warnings(spec, catalog), *_network_warnings(spec)]


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
    return []
