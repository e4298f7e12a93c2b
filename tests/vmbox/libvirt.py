"""libvirt without systemd: start the daemons, the NAT network and the image pool.

The machines running the ``vm`` tests have no init system, so nothing starts
``virtlogd``/``libvirtd`` for us. Everything here is idempotent and runs under an
inter-process lock because several pytest sessions may start at once.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

from filelock import FileLock

URI = "qemu:///system"
NETWORK = "default"
POOL = "default"
POOL_DIR = "/var/lib/libvirt/images"
_SETUP_LOCK = "/tmp/gaev-tests-libvirt-setup.lock"
# Debian's libvirt-daemon-config-network ships this definition of the NAT network.
_NETWORK_XML = "/usr/share/libvirt/networks/default.xml"


class LibvirtUnavailable(RuntimeError):
    """libvirt could not be brought up; the message says which step failed."""


def virsh(*args: str, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run ``virsh -c qemu:///system ARGS`` and return the completed process."""
    proc = subprocess.run(
        ["virsh", "-c", URI, *args], capture_output=True, text=True, timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    if check and proc.returncode != 0:
        raise LibvirtUnavailable(f"virsh {' '.join(args)}: {proc.stderr.strip() or proc.stdout.strip()}")
    return proc


def _daemon_running(name: str) -> bool:
    """Whether a process named ``name`` runs (pid files go stale after a container restart)."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if Path(f"/proc/{pid}/comm").read_text().strip() == name:
                return True
        except OSError:
            continue
    return False


def reachable() -> bool:
    """Whether libvirtd answers on the system URI."""
    try:
        return virsh("version", check=False, timeout=15).returncode == 0
    except subprocess.TimeoutExpired:
        return False


def _start_daemons() -> list[str]:
    actions = []
    if not _daemon_running("virtlogd"):
        subprocess.run(["virtlogd", "-d"], check=True, stdin=subprocess.DEVNULL)
        actions.append("started virtlogd")
    if not reachable():
        if not _daemon_running("libvirtd"):
            subprocess.run(["libvirtd", "-d"], check=True, stdin=subprocess.DEVNULL)
            actions.append("started libvirtd")
        deadline = time.monotonic() + 60
        while not reachable():
            if time.monotonic() > deadline:
                raise LibvirtUnavailable("libvirtd started but does not answer on " + URI)
            time.sleep(0.5)
    return actions


def _ensure_network() -> list[str]:
    actions = []
    if virsh("net-info", NETWORK, check=False).returncode != 0:
        if not Path(_NETWORK_XML).exists():
            raise LibvirtUnavailable(f"network {NETWORK!r} undefined and {_NETWORK_XML} missing")
        virsh("net-define", _NETWORK_XML)
        actions.append(f"defined network {NETWORK}")
    info = virsh("net-info", NETWORK).stdout
    if not any(line.split() == ["Active:", "yes"] for line in info.splitlines()):
        virsh("net-start", NETWORK)
        actions.append(f"started network {NETWORK}")
    return actions


def _ensure_pool() -> list[str]:
    # vagrant-libvirt creates the pool itself when missing, but two sessions doing it at
    # once race; creating it here, under our lock, removes the race.
    actions = []
    if virsh("pool-info", POOL, check=False).returncode != 0:
        Path(POOL_DIR).mkdir(parents=True, exist_ok=True)
        virsh("pool-define-as", POOL, "dir", "--target", POOL_DIR)
        actions.append(f"defined pool {POOL}")
    info = virsh("pool-info", POOL).stdout
    if not any(line.split() == ["State:", "running"] for line in info.splitlines()):
        virsh("pool-start", POOL)
        actions.append(f"started pool {POOL}")
    return actions


def ensure_libvirt() -> list[str]:
    """Bring up virtlogd, libvirtd, the default network and pool; return what was done."""
    with FileLock(_SETUP_LOCK, timeout=120):
        try:
            return _start_daemons() + _ensure_network() + _ensure_pool()
        except (OSError, subprocess.SubprocessError) as exc:
            raise LibvirtUnavailable(str(exc)) from exc


def vagrant_libvirt_version(env: dict[str, str] | None = None) -> str | None:
    """Version of the vagrant-libvirt plugin Vagrant loads, or None.

    Debian installs the plugin as a system gem, registered in
    /usr/share/vagrant-plugins/plugins.json; ``vagrant plugin list`` reports it as
    ``vagrant-libvirt (0.11.2, system)`` whatever VAGRANT_HOME is, so the
    machine-readable listing is the reliable check.
    """
    proc = subprocess.run(
        ["vagrant", "plugin", "list", "--machine-readable"], capture_output=True, text=True,
        env={**os.environ, **(env or {})}, timeout=120, stdin=subprocess.DEVNULL,
    )
    for line in proc.stdout.splitlines():
        fields = line.split(",", 4)
        if len(fields) == 4 and fields[1] == "vagrant-libvirt" and fields[2] == "plugin-version":
            return fields[3].replace("%!(VAGRANT_COMMA)", ",").split(",")[0].strip()
    return None


def domains() -> list[str]:
    """Names of all libvirt domains, running or not."""
    return [n for n in virsh("list", "--all", "--name").stdout.split() if n]


def volumes(pool: str = POOL) -> list[str]:
    """Names of the volumes in ``pool`` (empty when the pool does not exist)."""
    proc = virsh("vol-list", pool, "--details", check=False)
    if proc.returncode != 0:
        return []
    names = []
    for line in proc.stdout.splitlines()[2:]:
        if line.strip():
            names.append(line.split()[0])
    return names


def remove_prefixed(prefix: str) -> list[str]:
    """Destroy and undefine domains, delete volumes, whose names start with ``prefix``.

    Returns what had to be removed: a non-empty answer after ``vagrant destroy`` means
    the code under test leaked libvirt objects.
    """
    if not prefix:
        raise ValueError("refusing to clean libvirt objects with an empty prefix")
    removed = []
    for name in domains():
        if name.startswith(prefix):
            virsh("destroy", name, check=False)
            virsh("undefine", name, "--nvram", check=False)
            virsh("undefine", name, check=False)
            removed.append(f"domain {name}")
    virsh("pool-refresh", POOL, check=False)
    for name in volumes():
        if name.startswith(prefix):
            virsh("vol-delete", name, "--pool", POOL, check=False)
            removed.append(f"volume {name}")
    return removed


def _backing_files(path: str) -> set[str]:
    """Every image in the backing chain of ``path`` (``-U``: the VM may be running)."""
    proc = subprocess.run(["qemu-img", "info", "-U", "--backing-chain", "--output=json", path],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        return set()
    return {entry.get("backing-filename", "") for entry in json.loads(proc.stdout)} - {""}


def remove_unused_volumes(prefix: str, keep: str) -> list[str]:
    """Delete pool volumes named ``prefix*`` except ``keep`` that no domain's disk uses.

    Removes base-box volumes of older test-box versions; a volume still backing some
    VM (perhaps another session's) is left alone.
    """
    virsh("pool-refresh", POOL, check=False)
    candidates = [v for v in volumes() if v.startswith(prefix) and v != keep]
    if not candidates:
        return []
    in_use: set[str] = set()
    for volume in volumes():
        path = virsh("vol-path", volume, "--pool", POOL, check=False).stdout.strip()
        if path:
            in_use |= {os.path.basename(p) for p in _backing_files(path)}
    removed = []
    for name in candidates:
        if name not in in_use:
            virsh("vol-delete", name, "--pool", POOL, check=False)
            removed.append(name)
    return removed
