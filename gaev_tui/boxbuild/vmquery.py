"""Ask the tools about the build VM (for the VM pane): cheap queries first.

The VM is found through the id Vagrant keeps in ``.vagrant/machines/<machine>/<provider>/id``
(a libvirt domain UUID or a VirtualBox VM UUID), so no ``vagrant`` start-up (about a
second with plugins) is paid on every refresh; ``vagrant status`` is there too.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from gaev_tui import tools
from gaev_tui.boxbuild.machine import read_id
from gaev_tui.boxbuild.vmstate import (
    MachineStatus,
    VmInfo,
    libvirt_info,
    parse_domstate,
    parse_vagrant_status,
    vbox_info,
)

LIBVIRT_URI = "qemu:///system"  # vagrant-libvirt's default connection


def _run(argv: list[str], cwd: Path | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str] | None:
    try:
        return subprocess.run(
            argv, cwd=cwd, capture_output=True, text=True, errors="replace", timeout=timeout,
            env=tools.quiet_env(), stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):
        return None


def machine_id(project: Path, provider: str, machine: str = "default") -> str | None:
    """The provider's id of the project's VM, or None when Vagrant never created it
    (read by the one checked reader of that file: it goes on to virsh/VBoxManage)."""
    return read_id(project, provider, machine)


def vagrant_status(project: Path) -> dict[str, MachineStatus]:
    """``vagrant status --machine-readable`` in ``project``; {} when it cannot run."""
    vagrant = tools.which("vagrant")
    done = _run([vagrant, "status", "--machine-readable"], cwd=project) if vagrant else None
    return parse_vagrant_status(done.stdout) if done else {}


def libvirt_vm(domain: str, uri: str = LIBVIRT_URI) -> VmInfo:
    """State, CPUs and memory of a libvirt domain (name or UUID)."""
    virsh = tools.which("virsh")
    if virsh is None:
        return VmInfo("unknown", "virsh is not installed")
    done = _run([virsh, "-c", uri, "dominfo", domain], timeout=20)
    if done is None:
        return VmInfo("unknown", "virsh did not answer")
    if done.returncode != 0:
        gone = "failed to get domain" in done.stderr
        return VmInfo("not_created" if gone else "unknown", done.stderr.strip()[:200])
    info = libvirt_info(done.stdout)
    reason = _run([virsh, "-c", uri, "domstate", "--reason", domain], timeout=20)
    if reason is not None and reason.returncode == 0:
        state, why = parse_domstate(reason.stdout)
        info = VmInfo(info.state, f"{state} ({why})" if why else state, info.cpus, info.memory_mb, info.name)
    return info


def vbox_vm(uuid: str) -> VmInfo:
    """State, CPUs and memory of a VirtualBox VM."""
    vbox = tools.which("VBoxManage")
    if vbox is None:
        return VmInfo("unknown", "VBoxManage is not installed")
    done = _run([vbox, "showvminfo", uuid, "--machinereadable"], timeout=20)
    if done is None:
        return VmInfo("unknown", "VBoxManage did not answer")
    if done.returncode != 0:
        return VmInfo("not_created", done.stderr.strip()[:200])
    return vbox_info(done.stdout)


def build_vm(project: Path, provider: str, machine: str = "default") -> VmInfo:
    """The build VM of ``project`` as the VM pane shows it."""
    vm_id = machine_id(project, provider, machine)
    if vm_id is None:
        return VmInfo("not_created", "no VM yet")
    if provider == "libvirt":
        return libvirt_vm(vm_id)
    if provider == "virtualbox":
        return vbox_vm(vm_id)
    status = vagrant_status(project).get(machine)
    return VmInfo(status.state, status.short) if status else VmInfo("unknown")
