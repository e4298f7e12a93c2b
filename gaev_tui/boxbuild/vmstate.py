"""Parsers for the VM state tools print: ``vagrant status --machine-readable``,
``VBoxManage showvminfo --machinereadable`` / ``list runningvms`` and ``virsh
domstate`` / ``dominfo``. Pure functions on text, tested on captured real output;
running the tools is :mod:`gaev_tui.boxbuild.vmquery`'s job."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gaev_tui.boxbuild.machine_readable import parse_line


@dataclass(frozen=True)
class VmInfo:
    """What the VM pane shows. ``state`` uses Vagrant's words where they exist."""

    state: str  # running, paused, poweroff, saved, not_created, aborted, unknown...
    detail: str = ""  # the tool's own words ("shut off (destroyed)", "The VM is ...")
    cpus: int | None = None
    memory_mb: int | None = None
    name: str = ""


@dataclass(frozen=True)
class MachineStatus:
    """One machine of ``vagrant status --machine-readable``."""

    state: str
    short: str = ""
    long: str = ""
    provider: str = ""


def parse_vagrant_status(text: str | bytes) -> dict[str, MachineStatus]:
    """Machine name -> status; lines that are not machine-readable are ignored."""
    fields: dict[str, dict[str, str]] = {}
    for line in text.splitlines():
        record = parse_line(line)
        if record is None or not record.target or not record.data:
            continue
        if record.type in ("state", "state-human-short", "state-human-long", "provider-name"):
            fields.setdefault(record.target, {})[record.type] = record.data[0]
    return {
        machine: MachineStatus(
            f.get("state", "unknown"), f.get("state-human-short", ""),
            f.get("state-human-long", ""), f.get("provider-name", ""),
        )
        for machine, f in fields.items()
    }


def _unquote(raw: str) -> str:
    """A VBoxManage quoted value: backslash escapes \\" \\\\ \\n; junk after it ignored."""
    out, i = [], 1
    while i < len(raw):
        char = raw[i]
        if char == "\\" and i + 1 < len(raw):
            nxt = raw[i + 1]
            out.append({"n": "\n", "r": "\r", "t": "\t"}.get(nxt, nxt))
            i += 2
            continue
        if char == '"':
            break
        out.append(char)
        i += 1
    return "".join(out)


def parse_showvminfo(text: str) -> dict[str, str]:
    """``key=value`` lines to a dict. Keys may be quoted ("IDE Controller-0-0") or hold
    spaces; values may be quoted or bare (``memory=2048``); odd lines
    (``VideoMode="720,400,0"@0,0 1``) keep their quoted part."""
    info: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        if line.startswith('"'):
            end = line.find('"=', 1)
            if end < 0:
                continue
            key, raw = line[1:end], line[end + 2 :]
        elif "=" in line:
            key, raw = line.split("=", 1)
        else:
            continue
        info[key] = _unquote(raw) if raw.startswith('"') else raw
    return info


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.strip().isdigit() else None


# VirtualBox's VMState words that differ from the ones Vagrant shows.
_VBOX_STATES = {"gurumeditation": "aborted", "teleported": "poweroff"}


def vbox_info(text: str) -> VmInfo:
    """A VmInfo from ``VBoxManage showvminfo --machinereadable`` output."""
    info = parse_showvminfo(text)
    raw = info.get("VMState", "unknown")
    return VmInfo(
        state=_VBOX_STATES.get(raw, raw), detail=raw, cpus=_int(info.get("cpus")),
        memory_mb=_int(info.get("memory")), name=info.get("name", ""),
    )


_RUNNING = re.compile(r'^"(?P<name>.*)" \{(?P<uuid>[0-9a-fA-F-]{36})\}$')


def parse_runningvms(text: str) -> dict[str, str]:
    """``VBoxManage list runningvms`` -> {uuid: name}."""
    out = {}
    for line in text.splitlines():
        match = _RUNNING.match(line.strip())
        if match:
            out[match["uuid"].lower()] = match["name"]
    return out


# virsh's state words -> Vagrant's (vagrant-libvirt reports "shutoff" for "shut off").
_VIRSH_STATES = {
    "running": "running", "idle": "running", "blocked": "running", "paused": "paused",
    "in shutdown": "stopping", "shut off": "shutoff", "crashed": "aborted",
    "pmsuspended": "suspended",
}


def parse_domstate(text: str) -> tuple[str, str]:
    """``virsh domstate [--reason]`` -> (state, reason); reason "" without --reason."""
    line = text.strip().splitlines()[0].strip() if text.strip() else ""
    match = re.match(r"^(?P<state>[a-z ]+?)(?: \((?P<reason>[^)]*)\))?$", line)
    if not match:
        return "unknown", ""
    return match["state"], match["reason"] or ""


def parse_dominfo(text: str) -> dict[str, str]:
    """``virsh dominfo`` ``Key:   value`` lines to a dict."""
    info = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            info[key.strip()] = value.strip()
    return info


def libvirt_info(dominfo: str) -> VmInfo:
    """A VmInfo from ``virsh dominfo`` output (memory in KiB there)."""
    info = parse_dominfo(dominfo)
    raw = info.get("State", "unknown")
    memory = info.get("Used memory", info.get("Max memory", ""))
    kib = _int(memory.split()[0]) if memory else None
    return VmInfo(
        state=_VIRSH_STATES.get(raw, raw), detail=raw, cpus=_int(info.get("CPU(s)")),
        memory_mb=kib // 1024 if kib is not None else None, name=info.get("Name", ""),
    )
