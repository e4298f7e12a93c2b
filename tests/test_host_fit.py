"""Whether a VM fits this host: more CPUs or memory than it has, or a host port that
something already holds, are warnings (the spec may be meant for another host)."""

from __future__ import annotations

import socket

from gaev_tui.hostfacts import HostCapacity, host_capacity, host_fit, port_in_use


def test_this_hosts_capacity_is_read():
    capacity = host_capacity()
    assert capacity.cpus and capacity.cpus >= 1
    assert capacity.memory_mb and capacity.memory_mb > 256


def test_a_port_someone_listens_on_is_in_use_and_a_closed_one_is_not():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert port_in_use(port)
        (warning,) = host_fit(1, 512, [(port, "tcp")], HostCapacity(2, 4096))
        assert warning.field == "network.forwarded_ports" and f"host port {port}/tcp is already in use" in warning.message
    assert not port_in_use(port)  # closed again


def test_more_cpus_or_memory_than_the_host_has():
    found = host_fit(8, 8192, [], HostCapacity(4, 4096), in_use=lambda port, protocol: False)
    assert [w.field for w in found] == ["resources.cpus", "resources.memory_mb"]
    assert "8 CPUs is more than this computer's 4" in found[0].message
    assert "8192 MB is more than this computer's 4096 MB" in found[1].message
    assert host_fit(4, 4096, [], HostCapacity(4, 4096)) == []
    assert host_fit(64, 10**6, [], HostCapacity(None, None)) == []  # unknown: nothing said
