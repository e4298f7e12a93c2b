"""External tools GAEV drives, found on PATH, with one install hint each.

This module is the one place tools are looked up: besides PATH it looks next to GAEV's
own interpreter, where ``pip install ansible`` puts ``ansible-playbook`` in a virtual
environment that was never activated (or a ``--user`` install whose ``bin`` is not on
PATH). The checks, the pre-flight and Home all ask here, so they agree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

from gaev_tui.errors import ToolMissing


@dataclass(frozen=True)
class Tool:
    name: str  # the executable
    purpose: str  # what GAEV uses it for, in a few words
    hint: str  # how to install it


TOOLS: dict[str, Tool] = {
    tool.name: tool
    for tool in (
        Tool("vagrant", "build and run VMs", "install Vagrant: 'apt-get install vagrant' or https://developer.hashicorp.com/vagrant/install"),
        Tool("packer", "build base boxes from ISOs", "install Packer: 'apt-get install packer' or https://developer.hashicorp.com/packer/install"),
        Tool("ansible-playbook", "check and run provisioning", "install Ansible: 'pip install ansible'"),
        Tool("ansible-lint", "lint the generated Ansible", "install ansible-lint: 'pip install ansible-lint'"),
        Tool("ruby", "check Vagrantfile syntax", "install Ruby: 'apt-get install ruby'"),
        Tool("VBoxManage", "VirtualBox VM state", "install VirtualBox from https://www.virtualbox.org/wiki/Downloads"),
        Tool("virsh", "libvirt VM state", "install libvirt: 'apt-get install libvirt-daemon-system libvirt-clients'"),
        Tool("qemu-img", "convert disk images", "install QEMU tools: 'apt-get install qemu-utils'"),
        Tool("debootstrap", "make Debian root filesystems", "install debootstrap: 'apt-get install debootstrap'"),
    )
}


# No update checks (they phone home and stall offline) and no colour codes in output
# GAEV parses or shows: every run of vagrant and packer goes through this.
QUIET_ENV = {"VAGRANT_CHECKPOINT_DISABLE": "1", "CHECKPOINT_DISABLE": "1", "VAGRANT_NO_COLOR": "1",
             "PACKER_NO_COLOR": "1"}


def interpreter_dirs() -> list[str]:
    """Where this Python installs scripts, PATH or not: the interpreter's own directory
    (a venv's ``bin``; not resolved, since a venv's python is a symlink out of it), the
    install scheme's scripts directory (``Scripts`` on Windows) and the user scheme's."""
    dirs = [str(Path(sys.executable).parent)] if sys.executable else []
    for scheme in (None, f"{os.name}_user"):
        try:
            found = sysconfig.get_path("scripts", scheme) if scheme else sysconfig.get_path("scripts")
        except KeyError:  # a scheme this platform does not have
            continue
        if found:
            dirs.append(found)
    return list(dict.fromkeys(d for d in dirs if os.path.isdir(d)))


def search_path() -> str:
    """PATH, then :func:`interpreter_dirs` not already on it."""
    path = [p for p in os.environ.get("PATH", os.defpath).split(os.pathsep) if p]
    return os.pathsep.join(path + [d for d in interpreter_dirs() if d not in path])


def quiet_env(**extra: str) -> dict[str, str]:
    """This process's environment for running vagrant/packer, plus ``extra``. PATH gets
    the interpreter's directories too: ansible-lint runs ``ansible-playbook`` by name,
    and ``vagrant`` runs it for ``GAEV_ANSIBLE=host``."""
    return {**os.environ, "PATH": search_path(), **QUIET_ENV, **extra}


def which(name: str) -> str | None:
    """Path of ``name`` on PATH or next to GAEV's interpreter, or None."""
    return shutil.which(name, path=search_path())


def require(name: str) -> str:
    """Path of ``name`` (see :func:`which`), or :class:`ToolMissing` saying how to install it."""
    path = which(name)
    if path is None:
        tool = TOOLS.get(name)
        raise ToolMissing(name, tool.hint if tool else f"install {name}")
    return path


def version(name: str, *args: str) -> str | None:
    """First line a tool prints for its version, or None when it is missing or fails."""
    path = which(name)
    if path is None:
        return None
    try:
        out = subprocess.run(
            [path, *(args or ("--version",))],
            capture_output=True,
            text=True,
            timeout=30,
            env=quiet_env(),
        )
    except (OSError, subprocess.SubprocessError):
        return None
    text = (out.stdout or out.stderr).strip()
    return text.splitlines()[0] if text else None


@dataclass(frozen=True)
class CheckResult:
    """One check a tool made (``gaev validate``)."""

    name: str  # what was checked, e.g. "ruby -c Vagrantfile"
    status: str  # "ok", "failed", "skipped", "warning" (the spec's: valid, but unlikely to work)
    detail: str = ""  # the tool's output when it failed, or why it was skipped


CHECK_TIMEOUT_S = 600


def run_tool(name: str, argv: list[str], cwd: Path, label: str, env: dict[str, str] | None = None) -> CheckResult:
    """Run one checking tool; a missing tool is a skip naming it, a non-zero exit a failure."""
    path = which(argv[0])
    if path is None:
        tool = TOOLS.get(argv[0])
        return CheckResult(label, "skipped", f"{argv[0]} not found; {tool.hint if tool else 'install it'}")
    try:
        proc = subprocess.run(
            [path, *argv[1:]], cwd=cwd, capture_output=True, text=True, timeout=CHECK_TIMEOUT_S,
            env=quiet_env(**(env or {})),
        )
    except subprocess.TimeoutExpired:
        return CheckResult(label, "failed", f"{argv[0]} did not finish in {CHECK_TIMEOUT_S} s")
    output = (proc.stdout + proc.stderr).strip()
    return CheckResult(label, "ok" if proc.returncode == 0 else "failed", output if proc.returncode else "")
