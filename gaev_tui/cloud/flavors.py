"""Choosing a flavour: the smallest that holds the spec's CPUs and memory and the
image's disk (Nova refuses a root disk smaller than the image's virtual size)."""

from __future__ import annotations

from dataclasses import dataclass

GIB = 1 << 30


@dataclass(frozen=True)
class Need:
    cpus: int
    memory_mb: int
    disk_bytes: int  # the image's virtual size, or the spec's disk cap if larger

    @property
    def disk_gb(self) -> int:
        return -(-self.disk_bytes // GIB)


def fits(flavor, need: Need) -> bool:
    # disk 0: the root disk is a volume of the image's size (boot from volume)
    disk_ok = flavor.disk == 0 or flavor.disk * GIB >= need.disk_bytes
    return flavor.vcpus >= need.cpus and flavor.ram >= need.memory_mb and disk_ok


def smallest(flavors, need: Need):
    """The fitting flavour with the fewest CPUs, then memory, then disk; None if none."""
    fitting = [f for f in flavors if fits(f, need)]
    return min(fitting, key=lambda f: (f.vcpus, f.ram, f.disk, f.name), default=None)


def table(flavors, need: Need, chosen=None) -> list[str]:
    """The report's 'flavor list' table, with what fits marked."""
    rows = [f"  {'':2}{'name':<24} {'vCPUs':>5} {'RAM MB':>8} {'disk GB':>7}  fits"]
    for f in sorted(flavors, key=lambda f: (f.vcpus, f.ram, f.disk, f.name)):
        mark = "->" if chosen is not None and f.id == chosen.id else ""
        rows.append(f"  {mark:2}{f.name:<24} {f.vcpus:>5} {f.ram:>8} {f.disk:>7}  {'yes' if fits(f, need) else 'no'}")
    return rows
