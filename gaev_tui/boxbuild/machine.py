"""The build VM as the provider knows it: its name, its identity, and destroying it
without Vagrant when Vagrant can no longer (the project directory was removed).

Names. Every provider would otherwise name the VM after something two projects share
(vagrant-libvirt: the project directory's basename, so ``p/`` here and ``p/`` there
both make ``p_default``). The generated Vagrantfile names it ``<spec name>-<hash>``,
the hash being that of the Vagrantfile's own directory, computed in Ruby when Vagrant
loads it (``Digest::SHA256`` of ``File.realpath(__dir__)``). Why there and not written
in or passed by GAEV: the same spec must give the same Vagrantfile byte for byte (a
written hash would differ per directory, and a copied project would carry the old
one and clash again), and a user's own ``vagrant up`` must get the same unique name
as GAEV's build (an environment variable set by GAEV would not be there).
:func:`vm_name` computes the same name in Python.

Identity. When ``vagrant up`` creates the VM, the provider's id of it appears in
``.vagrant/machines/default/<provider>/id`` (libvirt: the domain UUID; VirtualBox:
the VM UUID). The pipeline records it in the job state as soon as it appears, so the
VM can still be found and destroyed after the project directory is gone.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from gaev_tui import tools
from gaev_tui.fsutil import read_regular_text

MACHINE = "default"  # the one machine of a GAEV Vagrantfile
# Providers whose VM name the generated Vagrantfile sets (render/project.py).
NAMED_PROVIDERS = ("libvirt", "virtualbox", "vmware_desktop", "hyperv", "parallels")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:{}-]{0,127}")  # UUIDs, VirtualBox/VMware ids
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,127}")
HASH_CHARS = 10
TIMEOUT_S = 120


def vm_name(spec_name: str, project_dir: Path) -> str:
    """``<spec name>-<first 10 hex of sha256(real path of the project dir)>``, as the
    generated Vagrantfile computes it."""
    real = os.fsencode(os.path.realpath(project_dir))
    return f"{spec_name}-{hashlib.sha256(real).hexdigest()[:HASH_CHARS]}"


def provider_name(spec_name: str, project_dir: Path, provider: str) -> str:
    """The name the provider gives the VM (vagrant-libvirt appends ``_<machine>`` to
    its prefix; the others take the name as it is)."""
    name = vm_name(spec_name, project_dir)
    return f"{name}_{MACHINE}" if provider == "libvirt" else name


@dataclass(frozen=True)
class Machine:
    """What is needed to destroy a build VM through its provider."""

    provider: str
    name: str  # the provider's name of the VM (from vm_name)
    id: str | None = None  # the provider's id, once ``vagrant up`` created the VM

    def to_dict(self) -> dict:
        return {"provider": self.provider, "name": self.name, "id": self.id}

    @classmethod
    def from_dict(cls, data: dict) -> Machine:
        """Checked: a state file must not make GAEV pass an option or a path to virsh."""
        provider, name, ident = data.get("provider"), data.get("name"), data.get("id")
        if not isinstance(provider, str) or not isinstance(name, str) or not _NAME.fullmatch(name):
            raise ValueError("machine: provider and name must be strings, name a VM name")
        if ident is not None and not (isinstance(ident, str) and _ID.fullmatch(ident)):
            raise ValueError("machine: id is not a provider id")
        return cls(provider, name, ident)


def read_id(project_dir: Path, provider: str, machine: str = MACHINE) -> str | None:
    """The provider's id of the project's VM, None while there is none (or it is not
    one: the file is the project's, so it is checked like any input)."""
    path = Path(project_dir) / ".vagrant" / "machines" / machine / provider / "id"
    try:
        text = read_regular_text(path, 4096).strip()
    except (OSError, ValueError):
        return None
    return text if _ID.fullmatch(text) else None


def _libvirt_uri() -> str:
    # vagrant-libvirt's own default when the Vagrantfile sets no uri (GAEV's sets none).
    return os.environ.get("LIBVIRT_DEFAULT_URI") or "qemu:///system"


def _run(argv: list[str]) -> tuple[int, list[str]]:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT_S,
                             stdin=subprocess.DEVNULL, cwd="/")
    except (OSError, subprocess.SubprocessError) as exc:
        return 127, [f"{argv[0]}: {exc}"]
    return out.returncode, [line for line in (out.stdout + out.stderr).splitlines() if line.strip()]


def _libvirt_destroy(machine: Machine, log: list[str]) -> bool:
    virsh = [tools.require("virsh"), "-c", _libvirt_uri()]
    who = machine.id or machine.name
    if _run([*virsh, "domstate", who])[0] != 0:
        log.append(f"no libvirt domain {who}: nothing to destroy")
        return True
    for args in (["destroy", who], ["undefine", who, "--remove-all-storage", "--managed-save",
                                    "--snapshots-metadata"]):
        code, lines = _run([*virsh, *args])
        log.append(f"$ virsh {' '.join(args)}: " + ("ok" if code == 0 else "; ".join(lines[-2:])))
    gone = _run([*virsh, "domstate", who])[0] != 0
    log.append(f"libvirt domain {who} " + ("and its disks destroyed" if gone else "is STILL defined"))
    return gone


def _virtualbox_destroy(machine: Machine, log: list[str]) -> bool:
    vbox = tools.require("VBoxManage")
    who = machine.id or machine.name
    if _run([vbox, "showvminfo", who])[0] != 0:
        log.append(f"no VirtualBox VM {who}: nothing to destroy")
        return True
    _run([vbox, "controlvm", who, "poweroff"])
    code, lines = _run([vbox, "unregistervm", who, "--delete"])
    log.append(f"$ VBoxManage unregistervm {who} --delete: " + ("ok" if code == 0 else "; ".join(lines[-2:])))
    return code == 0


def destroy(machine: Machine) -> tuple[bool, list[str]]:
    """Destroy the VM and its disks through the provider's own tool; (gone, log lines).

    Raises :class:`tools.ToolMissing` when the provider's tool is not installed.
    """
    log: list[str] = []
    if machine.provider == "libvirt":
        return _libvirt_destroy(machine, log), log
    if machine.provider == "virtualbox":
        return _virtualbox_destroy(machine, log), log
    log.append(f"GAEV cannot destroy a {machine.provider} VM without Vagrant: remove "
               f"'{machine.id or machine.name}' with the provider's own tools")
    return False, log
