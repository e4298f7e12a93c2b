"""What this host has: the tools GAEV drives and the Vagrant plugins, and what that
means for each provider. Probing runs the tools (slow: Vagrant is a Ruby program), so
the wizard calls :func:`probe_host` in a worker thread and tests inject fixed facts.

Also whether a VM's resources fit this host (:func:`host_fit`): CPUs, memory and host
ports. Those are warnings, never spec errors, since a spec may be meant for another
host; the pre-flight and the wizard's resources step both ask here.
"""

from __future__ import annotations

import ctypes
import os
import platform
import re
import socket
import subprocess
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gaev_tui import tools

if TYPE_CHECKING:  # the wizard's first screen shows tools before the catalogue loads
    from gaev_tui.catalog import Provider

# The tools the wizard's home screen reports, with the words a newcomer knows them by.
HOME_TOOLS = {
    "vagrant": "Vagrant",
    "packer": "Packer",
    "ansible-playbook": "Ansible",
    "VBoxManage": "VirtualBox",
    "virsh": "libvirt",
}
_PLUGIN_LINE = re.compile(r"^([A-Za-z0-9_.-]+) \(")


@dataclass(frozen=True)
class HostCapacity:
    cpus: int | None  # logical CPUs; None: unknown
    memory_mb: int | None  # physical memory; None: unknown


@dataclass(frozen=True)
class HostFacts:
    host_os: str  # linux, windows or macos (the catalogue's names)
    tools: dict[str, str | None]  # executable -> first line of its version, None: missing
    plugins: tuple[str, ...] | None = None  # Vagrant plugins; None: unknown
    capacity: HostCapacity | None = None  # CPUs and memory; None: not probed

    def found(self, tool: str) -> bool:
        return self.tools.get(tool) is not None


def host_os() -> str:
    """This host's OS in the catalogue's vocabulary."""
    return {"Darwin": "macos", "Windows": "windows"}.get(platform.system(), "linux")


def vagrant_plugins() -> tuple[str, ...] | None:
    """Names of the installed Vagrant plugins, or None when Vagrant cannot say."""
    path = tools.which("vagrant")
    if path is None:
        return None
    try:
        out = subprocess.run([path, "plugin", "list", "--no-tty"], capture_output=True, text=True, timeout=60,
                             env=tools.quiet_env())
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    return tuple(m.group(1) for line in out.stdout.splitlines() if (m := _PLUGIN_LINE.match(line)))


def probe_host() -> HostFacts:
    """Run every tool's ``--version`` (in parallel: they are slow to start)."""
    with ThreadPoolExecutor(max_workers=len(HOME_TOOLS) + 1) as pool:
        plugins = pool.submit(vagrant_plugins)
        versions = {name: pool.submit(tools.version, name) for name in HOME_TOOLS}
        found = {name: future.result() for name, future in versions.items()}
        return HostFacts(host_os(), found, plugins.result(), host_capacity())


def provider_status(provider: Provider, facts: HostFacts | None) -> tuple[bool | None, str]:
    """(usable here?, why not) for a provider; None while the host is still probed."""
    if facts is None:
        return None, "checking this host…"
    if facts.host_os not in provider.hosts:
        return False, f"cannot run on {facts.host_os} (only {', '.join(provider.hosts)})"
    if provider.tool and not facts.found(provider.tool):
        return False, f"not installed: {provider.install_hint}"
    plugin = provider.vagrant_plugin
    if plugin and facts.plugins is not None and plugin not in facts.plugins:
        return False, f"needs the Vagrant plugin: vagrant plugin install {plugin}"
    return True, "installed"


def tool_hint(tool: str) -> str:
    """How to install a tool, in one line."""
    known = tools.TOOLS.get(tool)
    return known.hint if known else f"install {tool}"


@dataclass(frozen=True)
class HostWarning:
    field: str  # the spec field it is about, like "resources.memory_mb"
    message: str


def host_capacity() -> HostCapacity:
    """This host's CPUs and physical memory, as far as the OS tells."""
    return HostCapacity(os.cpu_count(), _memory_mb())


def _memory_mb() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // (1 << 20)
    except (AttributeError, ValueError, OSError):
        pass
    if os.name == "nt":  # Windows has no sysconf: GlobalMemoryStatusEx
        class _Status(ctypes.Structure):
            _fields_ = [("length", ctypes.c_ulong), ("load", ctypes.c_ulong), ("total", ctypes.c_ulonglong),
                        ("avail", ctypes.c_ulonglong), *((n, ctypes.c_ulonglong) for n in ("tp", "ap", "tv", "av", "ae"))]
        status = _Status(length=ctypes.sizeof(_Status))
        if ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):  # type: ignore[attr-defined]
            return status.total // (1 << 20)
    return None


def port_in_use(port: int, protocol: str = "tcp") -> bool:
    """True when something on this host already holds ``port`` on 127.0.0.1 (where the
    generated Vagrantfile forwards it), so Vagrant could not forward it."""
    kind = socket.SOCK_DGRAM if protocol == "udp" else socket.SOCK_STREAM
    with socket.socket(socket.AF_INET, kind) as sock:
        if os.name == "posix":
            # Lets a port in TIME_WAIT count as free; a listener still makes bind fail.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def host_fit(cpus: int | None, memory_mb: int | None, host_ports: Iterable[tuple[int, str]],
             capacity: HostCapacity, in_use: Callable[[int, str], bool] = port_in_use) -> list[HostWarning]:
    """What of a VM's resources this host cannot give: more CPUs or memory than it has,
    forwarded host ports ((port, protocol) pairs) something else already holds."""
    out = []
    if cpus and capacity.cpus and cpus > capacity.cpus:
        out.append(HostWarning("resources.cpus", f"{cpus} CPUs is more than this computer's {capacity.cpus}: "
                                                 "the VM will be slow or fail to start"))
    if memory_mb and capacity.memory_mb and memory_mb > capacity.memory_mb:
        out.append(HostWarning("resources.memory_mb", f"{memory_mb} MB is more than this computer's "
                                                      f"{capacity.memory_mb} MB of memory: the VM will not start"))
    for port, protocol in host_ports:
        if in_use(port, protocol):
            out.append(HostWarning("network.forwarded_ports", f"host port {port}/{protocol} is already in use on "
                                                              "this computer: Vagrant will refuse it; choose another"))
    return out
