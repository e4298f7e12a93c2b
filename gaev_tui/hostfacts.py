"""What this host has: the tools GAEV drives and the Vagrant plugins, and what that
means for each provider. Probing runs the tools (slow: Vagrant is a Ruby program), so
the wizard calls :func:`probe_host` in a worker thread and tests inject fixed facts."""

from __future__ import annotations

import platform
import re
import subprocess
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
class HostFacts:
    host_os: str  # linux, windows or macos (the catalogue's names)
    tools: dict[str, str | None]  # executable -> first line of its version, None: missing
    plugins: tuple[str, ...] | None = None  # Vagrant plugins; None: unknown

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
        return HostFacts(host_os(), found, plugins.result())


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
