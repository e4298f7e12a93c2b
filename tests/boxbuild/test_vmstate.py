"""VM state parsers on captured output (see data/README.md for where each comes from)."""

from __future__ import annotations

from pathlib import Path

from gaev_tui.boxbuild.vmquery import machine_id
from gaev_tui.boxbuild.vmstate import (
    libvirt_info,
    parse_domstate,
    parse_runningvms,
    parse_showvminfo,
    parse_vagrant_status,
    vbox_info,
)

DATA = Path(__file__).parent / "data"


def read(name: str) -> str:
    return (DATA / name).read_text()


def test_vagrant_status_not_created():
    (status,) = parse_vagrant_status(read("vagrant_status_not_created.txt")).values()
    assert status.state == "not_created" and status.short == "not created"
    assert status.provider == "libvirt"
    assert status.long.startswith("The Libvirt domain is not created.")


def test_vagrant_status_running_and_poweroff():
    running = parse_vagrant_status(read("vagrant_status_running_libvirt.txt"))["default"]
    assert running.state == "running"
    assert "To stop this machine, you can run\n`vagrant halt`" in running.long
    off = parse_vagrant_status(read("vagrant_status_poweroff_virtualbox.txt"))["default"]
    assert (off.state, off.provider) == ("poweroff", "virtualbox")


def test_vagrant_status_ignores_noise():
    assert parse_vagrant_status("Bringing machine up...\n\n1,,ui,info,hello\n") == {}


def test_showvminfo_running():
    info = vbox_info(read("vbox_showvminfo_running.txt"))
    assert (info.state, info.cpus, info.memory_mb, info.name) == ("running", 2, 2048, "gaev-demo")
    raw = parse_showvminfo(read("vbox_showvminfo_running.txt"))
    assert raw["IDE Controller-0-0"].endswith("ubuntu-jammy-22.04-cloudimg.vmdk")
    assert raw["VideoMode"] == "720,400,0"
    assert raw["VRDEClients"] == "=0"
    assert raw["GuestAdditionsFacility_VirtualBox Base Driver"] == "50,1709631700512"
    assert raw["Forwarding(0)"] == "ssh,tcp,127.0.0.1,2222,,22"


def test_showvminfo_poweroff_with_escapes():
    info = vbox_info(read("vbox_showvminfo_poweroff.txt"))
    assert (info.state, info.cpus, info.memory_mb) == ("poweroff", 4, 4096)
    raw = parse_showvminfo(read("vbox_showvminfo_poweroff.txt"))
    assert raw["description"] == 'Built by GAEV: "demo" env\nsecond line'


def test_showvminfo_garbage_gives_unknown():
    info = vbox_info("not key value\n=\n")
    assert info.state == "unknown" and info.cpus is None


def test_runningvms():
    vms = parse_runningvms(read("vbox_list_runningvms.txt"))
    assert vms["8f1c2b3e-5d4a-4c6b-9e2f-1a2b3c4d5e6f"] == "gaev-demo"
    assert vms["0d9c8b7a-6f5e-4d3c-2b1a-0f9e8d7c6b5a"] == "Windows 11 {test}"
    assert len(vms) == 3


def test_virsh_domstate_real_output():
    assert parse_domstate(read("virsh_domstate_running.txt")) == ("running", "booted")
    assert parse_domstate(read("virsh_domstate_running_noreason.txt")) == ("running", "")
    assert parse_domstate(read("virsh_domstate_paused.txt")) == ("paused", "user")
    assert parse_domstate(read("virsh_domstate_shutoff.txt")) == ("shut off", "unknown")
    assert parse_domstate(read("virsh_domstate_missing.txt")) == ("unknown", "")


def test_virsh_dominfo_real_output():
    running = libvirt_info(read("virsh_dominfo_running.txt"))
    assert (running.state, running.cpus, running.memory_mb) == ("running", 2, 64)
    assert running.name == "gaev-capture-fixture"
    assert libvirt_info(read("virsh_dominfo_shutoff.txt")).state == "shutoff"
    assert libvirt_info(read("virsh_dominfo_paused.txt")).state == "paused"


def test_machine_id(tmp_path):
    assert machine_id(tmp_path, "libvirt") is None
    path = tmp_path / ".vagrant" / "machines" / "default" / "libvirt"
    path.mkdir(parents=True)
    (path / "id").write_text("eda50ebf-c35e-43fd-aa5a-bcd1ef057122\n")
    assert machine_id(tmp_path, "libvirt") == "eda50ebf-c35e-43fd-aa5a-bcd1ef057122"
