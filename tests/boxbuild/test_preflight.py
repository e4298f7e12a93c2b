"""Pre-flight checks: what is missing is named with its install hint; warnings warn."""

from __future__ import annotations

import secrets
import subprocess
import tempfile

import pytest

from gaev_tui.boxbuild import preflight as pf
from gaev_tui.boxbuild.project import load_project
from gaev_tui.errors import InputError
from tests.fakes.project import write_project
from tests.toolcheck import need, need_tool


def by_level(checks, level):
    return [c for c in checks if c.level == level]


def answers(plugin=True, libvirtd=True):
    """A stand-in for running vagrant/virsh, to reach each branch on any machine."""
    def run(argv):
        if argv[1:3] == ["plugin", "list"]:
            return 0, "1,,plugin-name,vagrant-libvirt\n" if plugin else "1,,ui,info,No plugins installed.\n"
        if "uri" in argv:
            return (0, "qemu:///system\n") if libvirtd else (1, "error: failed to connect to the hypervisor\n")
        if "pool-dumpxml" in argv:
            return 1, "error: pool not found"
        return 0, ""
    return run


def test_missing_provider_tool_is_named_with_hint(fake_project, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))  # only the scripted vagrant
    checks = pf.check_tools(load_project(fake_project.dir))
    missing = {c.message.split()[0]: c for c in by_level(checks, "error")}
    assert set(missing) == {"virsh", "bsdtar", "qemu-img", "virt-sysprep", "virt-sparsify"}
    assert missing["virsh"].message == "virsh is not installed (not on PATH)"
    assert "apt-get install libvirt-daemon-system libvirt-clients" in missing["virsh"].hint
    assert "libguestfs-tools" in missing["virt-sysprep"].hint
    assert by_level(checks, "ok")[0].message.startswith("vagrant found at ")


def test_packer_needed_only_for_packer_base_boxes(fake_project):
    assert not any(c.message.startswith("packer") for c in pf.check_tools(load_project(fake_project.dir)))
    write_project(fake_project.dir, extra="base_box:\n  build: packer\n")
    packer = [c for c in pf.check_tools(load_project(fake_project.dir)) if c.message.startswith("packer")]
    assert len(packer) == 1


def test_plugin_and_libvirtd_problems(fake_project, monkeypatch):
    monkeypatch.setattr(pf.tools, "which", lambda name: f"/usr/bin/{name}")
    project = load_project(fake_project.dir)
    errors = by_level(pf.check_libvirt(project, answers(plugin=False, libvirtd=False)), "error")
    assert [c.message for c in errors] == [
        "the vagrant-libvirt plugin is not installed",
        "libvirtd is not reachable at qemu:///system: error: failed to connect to the hypervisor",
    ]
    assert "vagrant plugin install vagrant-libvirt" in errors[0].hint
    assert "libvirtd -d" in errors[1].hint


def test_emulation_warns_and_missing_kvm_errors(fake_project, monkeypatch):
    monkeypatch.setattr(pf.tools, "which", lambda name: f"/usr/bin/{name}")
    project = load_project(fake_project.dir)  # driver: qemu
    (warn,) = by_level(pf.check_libvirt(project, answers()), "warn")
    assert "will be slow" in warn.message
    write_project(fake_project.dir)
    (fake_project.dir / "gaev.yaml").write_text("name: demo\nos: ubuntu-22.04\nprovider: libvirt\n")  # driver kvm (default)
    monkeypatch.setattr(pf.os, "access", lambda path, mode: False)
    (error,) = by_level(pf.check_libvirt(load_project(fake_project.dir), answers()), "error")
    assert "KVM is not usable" in error.message and "driver: qemu" in error.hint


def test_disk_shortfall_warns(fake_project):
    write_project(fake_project.dir, extra="resources:\n  disk_gb: 16384\n")
    (warn,) = pf.check_disk(load_project(fake_project.dir), answers())
    assert warn.level == "warn" and warn.message.startswith("not enough free disk for ")
    assert "project" in warn.message and "needed" in warn.message
    assert pf.worst([pf.Check("ok", ""), warn]) == "warn"


def test_estimate_uses_the_pool_path_and_the_disk_cap(fake_project):
    write_project(fake_project.dir, extra="resources:\n  disk_gb: 30\n")
    project = load_project(fake_project.dir)
    est = pf.estimate(project, lambda argv: (0, "<pool><target><path>/srv/images</path></target></pool>"))
    assert str(est.places["image store"]) == "/srv/images"
    assert est.needs["project"] == 30 * pf.GIB
    assert est.needs["image store"] == pf.UNKNOWN_BOX + 30 * pf.GIB  # box not downloaded yet
    assert est.needs["VAGRANT_HOME"] == pf.UNKNOWN_BOX + 30 * pf.GIB  # download + package export
    # While building: once the VM is up, only packaging still needs room.
    assert est.remaining({"up"}) == {"VAGRANT_HOME": 30 * pf.GIB, "project": 30 * pf.GIB, "image store": 0}
    assert est.remaining({"up", "package"}) == {"VAGRANT_HOME": 0, "project": 0, "image store": 0}


def test_virtualbox_missing(fake_project):
    write_project(fake_project.dir, provider="virtualbox")
    checks = pf.preflight(load_project(fake_project.dir), answers())
    (vbox,) = [c for c in checks if c.message.startswith("VBoxManage")]
    assert vbox.level == "error" and "virtualbox.org" in vbox.hint
    assert pf.worst(checks) == "error"


@pytest.mark.tools
def test_real_libvirt_host(tmp_path):
    need_tool("vagrant", "virsh")
    write_project(tmp_path / "p")
    checks = pf.preflight(load_project(tmp_path / "p"))
    messages = [c.message for c in checks]
    if any(m.startswith("libvirtd is not reachable") for m in messages):
        need("libvirtd is not running (start it: 'virtlogd -d; libvirtd -d')")
    assert "vagrant-libvirt plugin installed" in messages
    assert "libvirtd reachable at qemu:///system" in messages
    assert any("will be slow" in m for m in messages)
    assert "libvirt network 'default' active" in messages  # .ci/vm-setup.sh starts it


def test_missing_dnsmasq_is_an_error(fake_project, monkeypatch):
    monkeypatch.setattr(pf.tools, "which", lambda name: None if name == "dnsmasq" else f"/usr/bin/{name}")
    monkeypatch.setattr(pf, "DNSMASQ", fake_project.dir / "no-dnsmasq")
    (error,) = by_level(pf.check_networks(["default"], answers()), "error")
    assert "dnsmasq is not installed" in error.message and "dnsmasq-base" in error.hint


def test_networks_used_come_from_the_vagrantfile(fake_project):
    (fake_project.dir / "Vagrantfile").write_text(
        "Vagrant.configure('2') do |config|\n"
        "  config.vm.network 'private_network', type: 'dhcp', libvirt__network_name: 'lab-net'\n"
        "  config.vm.provider 'libvirt' do |lv|\n    lv.management_network_name = \"gaev-mgmt\"\n  end\nend\n")
    assert pf.networks_used(load_project(fake_project.dir)) == ["default", "lab-net", "gaev-mgmt"]


@pytest.fixture
def throwaway_network():
    """A real libvirt network of our own (isolated: no DHCP, no NAT), defined but not
    started; removed afterwards. Never ``default``: other tests' VMs rely on it."""
    need_tool("virsh")
    name = f"gaev-pf-{secrets.token_hex(3)}"
    xml = f"<network><name>{name}</name><bridge name='gv{secrets.token_hex(3)}'/></network>"
    virsh = ["virsh", "-c", pf.LIBVIRT_URI]
    if subprocess.run([*virsh, "uri"], capture_output=True).returncode != 0:
        need("libvirtd is not running (start it: 'virtlogd -d; libvirtd -d')")
    with tempfile.NamedTemporaryFile("w", suffix=".xml") as handle:
        handle.write(xml)
        handle.flush()
        subprocess.run([*virsh, "net-define", handle.name], check=True, capture_output=True)
    yield name
    subprocess.run([*virsh, "net-destroy", name], capture_output=True)
    subprocess.run([*virsh, "net-undefine", name], check=True, capture_output=True)


@pytest.mark.tools
def test_inactive_network_is_caught_with_the_command_that_starts_it(fake_project, throwaway_network):
    (fake_project.dir / "Vagrantfile").write_text(
        "Vagrant.configure('2') do |config|\n  config.vm.provider 'libvirt' do |lv|\n"
        f"    lv.management_network_name = '{throwaway_network}'\n  end\nend\n")
    project = load_project(fake_project.dir)
    checks = pf.preflight(project)
    (stopped,) = [c for c in checks if throwaway_network in c.message]
    assert stopped.level == "warn" and stopped.message == f"libvirt network '{throwaway_network}' is not active"
    assert stopped.hint == f"start it: 'virsh -c qemu:///system net-start {throwaway_network}'"
    # Doing what the hint says makes the check pass.
    subprocess.run(stopped.hint.split("'")[1].split(), check=True, capture_output=True)
    (started,) = [c for c in pf.preflight(project) if throwaway_network in c.message]
    assert (started.level, started.message) == ("ok", f"libvirt network '{throwaway_network}' active")


def test_the_vm_must_fit_this_host_warnings_not_errors(fake_project):
    import socket

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        write_project(fake_project.dir, extra=f"resources: {{cpus: 8, memory_mb: 8192}}\n"
                                              f"network:\n  forwarded_ports: [{{guest: 80, host: {port}}}]\n")
        checks = pf.check_spec(load_project(fake_project.dir), pf.hostfacts.HostCapacity(2, 4096))
    assert [c.level for c in checks] == ["warn", "warn", "warn"]
    assert "8 CPUs is more than this computer's 2" in checks[0].message and "resources.cpus" in checks[0].hint
    assert "8192 MB is more than" in checks[1].message
    assert f"host port {port}/tcp is already in use" in checks[2].message
    write_project(fake_project.dir, extra="resources: {cpus: 1, memory_mb: 1024}\n")
    (ok,) = pf.check_spec(load_project(fake_project.dir), pf.hostfacts.HostCapacity(2, 4096))
    assert ok.level == "ok" and ok.message == "this computer can give 1 CPU(s), 1024 MB"


def test_the_specs_warnings_reach_the_preflight(fake_project):
    write_project(fake_project.dir, provider="virtualbox")
    (fake_project.dir / "gaev.yaml").write_text("name: demo\nos: ubuntu-22.04\nprovider: virtualbox\n"
                                                "network: {private_network: 192.168.99.10}\n")
    checks = pf.preflight(load_project(fake_project.dir), answers(), pf.hostfacts.HostCapacity(2, 4096))
    assert any(c.level == "warn" and "/etc/vbox/networks.conf" in c.message for c in checks)


def test_a_spec_that_no_longer_parses_stops_before_any_host_check(fake_project):
    (fake_project.dir / "gaev.yaml").write_text("name: demo\nprovider: libvirt\nos: ubuntu-22.04\nresources: {cpus: 0}\n")
    with pytest.raises(InputError, match=r"gaev.yaml:4: resources.cpus"):
        load_project(fake_project.dir)  # the one checked reader: the pre-flight never sees it


def test_a_disk_cap_that_cannot_hold_is_said_before_the_build(fake_project):
    write_project(fake_project.dir, extra="base_box: {name: generic/ubuntu2204}\nresources: {disk_gb: 40}\n")
    checks = pf.check_spec(load_project(fake_project.dir), pf.hostfacts.HostCapacity(8, 65536))
    (warn,) = [c for c in checks if c.level == "warn"]
    assert "generic/ubuntu2204 has a 128 GB disk" in warn.message and "build: packer" in warn.message
