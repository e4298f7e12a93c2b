"""Checks before a build starts: tools, virtualisation, free disk against an estimate,
whether the VM fits this host, and the spec's own warnings.

Each check gives one :class:`Check` with a level (ok / warn / error), one line saying
what was found and a hint saying what to do. Errors stop the build; warnings ask.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gaev_tui import hostfacts, paths, tools
from gaev_tui.boxbuild import disk
from gaev_tui.boxbuild.project import BuildProject
from gaev_tui.boxbuild.stages import OK, PENDING, RUNNING, SKIPPED, Stage
from gaev_tui.boxcache.scan import scan
from gaev_tui.boxcache.text import human_bytes
from gaev_tui.catalog import load_catalog
from gaev_tui.envspec.advice import spec_warnings

GIB = 1 << 30
#: Guessed size of a base box not yet downloaded (a minimal Linux box is 0.5-2 GB).
UNKNOWN_BOX = 2 * GIB
LIBVIRT_URI = "qemu:///system"
LIBVIRT_IMAGES = Path("/var/lib/libvirt/images")  # vagrant-libvirt's "default" pool
PROVIDER_TOOLS = {"libvirt": "virsh", "virtualbox": "VBoxManage"}

#: Runs a command and returns (exit code, stdout + stderr); None when it cannot start.
Run = Callable[[list[str]], "tuple[int, str] | None"]


def run_command(argv: list[str]) -> tuple[int, str] | None:
    """The default :data:`Run`: a real subprocess with a timeout."""
    try:
        done = subprocess.run(
            argv, capture_output=True, text=True, errors="replace", timeout=60,
            stdin=subprocess.DEVNULL, env=tools.quiet_env(),
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.returncode, done.stdout + done.stderr


@dataclass(frozen=True)
class Check:
    """One pre-flight finding."""

    level: str  # "ok", "warn" or "error"
    message: str
    hint: str = ""


@dataclass(frozen=True)
class Estimate:
    """Bytes the build will write, per stage and place (rough, on the safe side)."""

    per_stage: dict[str, dict[str, int]]  # stage id -> place label -> bytes
    places: dict[str, Path]

    @property
    def needs(self) -> dict[str, int]:
        """Total per place for the whole build."""
        return self.remaining(set())

    def remaining(self, done: set[str]) -> dict[str, int]:
        """Per place, what the stages not in ``done`` will still write (the Disk pane
        compares this with the free space while the build runs)."""
        total: dict[str, int] = dict.fromkeys(self.places, 0)
        for stage, needs in self.per_stage.items():
            if stage not in done:
                for label, amount in needs.items():
                    total[label] = total.get(label, 0) + amount
        return total

    def still_needed(self, stages: list[Stage]) -> dict[str, int]:
        """Per place, what a build with these stages will still write: what its stages
        not yet over (ok or skipped) write, and nothing once the build is over."""
        if stages and not any(s.state in (PENDING, RUNNING) for s in stages):
            return self.remaining(set(self.per_stage))
        return self.remaining({s.id for s in stages if s.state in (OK, SKIPPED)})


# Tools ``vagrant package`` itself runs: bsdtar always, libguestfs + qemu-img for libvirt.
PACKAGE_TOOLS = {
    "bsdtar": "install bsdtar: 'apt-get install libarchive-tools'",
    "qemu-img": "install QEMU tools: 'apt-get install qemu-utils'",
    "virt-sysprep": "install libguestfs: 'apt-get install libguestfs-tools'",
    "virt-sparsify": "install libguestfs: 'apt-get install libguestfs-tools'",
}


def check_tools(project: BuildProject) -> list[Check]:
    """Vagrant, Packer when the base box is built, the provider's tool, packaging tools."""
    names = ["vagrant"]
    if project.base_box_build == "packer":
        names.append("packer")
    if project.provider in PROVIDER_TOOLS:
        names.append(PROVIDER_TOOLS[project.provider])
    names.append("bsdtar")
    if project.provider == "libvirt":
        names += ["qemu-img", "virt-sysprep", "virt-sparsify"]
    out = []
    for name in names:
        path = tools.which(name)
        if path:
            out.append(Check("ok", f"{name} found at {path}"))
        else:
            hint = tools.TOOLS[name].hint if name in tools.TOOLS else PACKAGE_TOOLS.get(name, f"install {name}")
            out.append(Check("error", f"{name} is not installed (not on PATH)", hint))
    return out


def check_libvirt(project: BuildProject, run: Run) -> list[Check]:
    """The vagrant-libvirt plugin, a reachable libvirtd, and KVM or the slow driver."""
    out = []
    if tools.which("vagrant"):
        done = run([tools.which("vagrant"), "plugin", "list", "--machine-readable"])
        if done is not None and re.search(r"^\d*,,plugin-name,vagrant-libvirt$", done[1], re.M):
            out.append(Check("ok", "vagrant-libvirt plugin installed"))
        else:
            out.append(Check("error", "the vagrant-libvirt plugin is not installed",
                             "'apt-get install vagrant-libvirt' or 'vagrant plugin install vagrant-libvirt'"))
    if tools.which("virsh"):
        done = run([tools.which("virsh"), "-c", LIBVIRT_URI, "uri"])
        if done is not None and done[0] == 0:
            out.append(Check("ok", f"libvirtd reachable at {LIBVIRT_URI}"))
        else:
            why = done[1].strip().splitlines()[-1] if done and done[1].strip() else "no answer"
            out.append(Check("error", f"libvirtd is not reachable at {LIBVIRT_URI}: {why}",
                             "start it ('systemctl start libvirtd', or 'virtlogd -d; libvirtd -d') "
                             "and make sure you are in the 'libvirt' group"))
    if project.driver == "qemu":
        out.append(Check("warn", "software emulation (driver 'qemu'): the build will be slow (tens of minutes)",
                         "use driver 'kvm' on a machine where /dev/kvm works"))
    elif os.access("/dev/kvm", os.R_OK | os.W_OK):
        out.append(Check("ok", "KVM usable (/dev/kvm)"))
    else:
        out.append(Check("error", "KVM is not usable here (/dev/kvm missing or not accessible)",
                         "join the 'kvm' group, or set provider_options: {driver: qemu} in gaev.yaml (slow)"))
    return out


#: Where Debian's dnsmasq-base puts it: off a normal user's PATH (sbin), found by libvirt.
DNSMASQ = Path("/usr/sbin/dnsmasq")
_NETWORK_NAMES = re.compile(r"""(?:management_network_name\s*=\s*|libvirt__network_name:\s*)['"]([^'"]+)['"]""")


def networks_used(project: BuildProject) -> list[str]:
    """libvirt networks the build relies on: ``default`` (libvirt's own, the one
    ``virsh net-start default`` brings up), and the ones the Vagrantfile names."""
    try:
        text = (project.dir / "Vagrantfile").read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    names = ["default", *_NETWORK_NAMES.findall(text)]
    return list(dict.fromkeys(names))


def check_networks(names: list[str], run: Run) -> list[Check]:
    """dnsmasq (libvirt serves DHCP to every NAT network with it) and each network's state.

    A network that exists but is not active is reported with the command that starts it.
    vagrant-libvirt creates the networks the Vagrantfile names when they do not exist,
    so only ``default`` is reported missing.
    """
    out = []
    if not (tools.which("dnsmasq") or DNSMASQ.exists()):
        out.append(Check("error", "dnsmasq is not installed: libvirt cannot start the VM's network without it",
                         "install it: 'apt-get install dnsmasq-base'"))
    virsh = tools.which("virsh")
    if not virsh:
        return out
    for name in names:
        done = run([virsh, "-c", LIBVIRT_URI, "net-info", name])
        if done is None:
            continue
        start = f"virsh -c {LIBVIRT_URI} net-start {name}"
        if done[0] != 0:
            if name == "default":
                out.append(Check("warn", "libvirt has no network 'default'",
                                 f"virsh -c {LIBVIRT_URI} net-define /usr/share/libvirt/networks/default.xml; {start}"))
        elif re.search(r"^Active:\s+yes\s*$", done[1], re.M):
            out.append(Check("ok", f"libvirt network '{name}' active"))
        else:
            out.append(Check("warn", f"libvirt network '{name}' is not active", f"start it: '{start}'"))
    return out


def check_virtualbox(run: Run) -> list[Check]:
    """VBoxManage answers (its kernel modules are loaded)."""
    vbox = tools.which("VBoxManage")
    if not vbox:
        return []  # check_tools already said it is missing
    done = run([vbox, "--version"])
    if done is None or done[0] != 0:
        return [Check("error", "VBoxManage does not run", "reinstall VirtualBox; run 'VBoxManage --version' to see why")]
    return [Check("ok", f"VirtualBox {done[1].strip().splitlines()[0] if done[1].strip() else ''}".rstrip())]


def image_store(project: BuildProject, run: Run) -> Path | None:
    """Where the provider keeps VM disks: libvirt's default pool, VirtualBox's VM folder."""
    if project.provider == "libvirt":
        virsh = tools.which("virsh")
        done = run([virsh, "-c", LIBVIRT_URI, "pool-dumpxml", "default"]) if virsh else None
        match = re.search(r"<path>([^<]+)</path>", done[1]) if done and done[0] == 0 else None
        return Path(match[1]) if match else LIBVIRT_IMAGES
    if project.provider == "virtualbox":
        return Path.home() / "VirtualBox VMs"
    return None


def base_box_size(project: BuildProject) -> int | None:
    """Allocated size of the base box if Vagrant already has it, else None."""
    boxes, _ = scan(paths.vagrant_home())
    sizes = [b.size_bytes for b in boxes if b.name == project.base_box_name and b.provider == project.provider
             and (project.base_box_version in (None, b.version))]
    return max(sizes) if sizes else None


def estimate(project: BuildProject, run: Run) -> Estimate:
    """Needs per place: the box download, the VM disk up to its cap, the packaged box.

    ``vagrant package`` exports the VM disk into a temporary dir under VAGRANT_HOME,
    then compresses it into the project dir (the box is at most that disk's size).
    """
    have = base_box_size(project)
    base = have if have is not None else UNKNOWN_BOX
    vm_disk = max(base, (project.disk_gb or 0) * GIB)
    places = {"VAGRANT_HOME": paths.vagrant_home(), "project": project.dir}
    up = {"VAGRANT_HOME": 0 if have is not None else base}
    store = image_store(project, run)
    if store is not None:
        places["image store"] = store
        up["image store"] = base + vm_disk
    package = {"VAGRANT_HOME": vm_disk, "project": vm_disk}
    return Estimate({"up": up, "package": package}, places)


def check_disk(project: BuildProject, run: Run) -> list[Check]:
    """Free space of each place against what the build will write there."""
    est = estimate(project, run)
    disks = disk.snapshot(est.places)
    out = [Check("warn", f"not enough free disk for {' + '.join(s.labels)}: {human_bytes(s.free)} free, "
                         f"about {human_bytes(s.needed)} needed",
                 "free space (e.g. 'gaev boxes prune') or move VAGRANT_HOME / the project")
           for s in disk.shortfalls(disks, est.needs)]
    if not out:
        out.append(Check("ok", "free disk: " + ", ".join(
            f"{d.label} {human_bytes(d.free)}" for d in disks if d.free is not None)))
    return out


def check_spec(project: BuildProject, capacity: hostfacts.HostCapacity | None = None,
               in_use: Callable[[int, str], bool] = hostfacts.port_in_use) -> list[Check]:
    """What the spec asks that this host cannot give (CPUs, memory, host ports), and the
    spec's warnings (a host-only address VirtualBox refuses, a disk cap that cannot hold)."""
    spec, catalog = project.spec, load_catalog()  # the spec load_project checked: read once
    ports = [(p.host, p.protocol) for p in spec.network.forwarded_ports]
    found = hostfacts.host_fit(spec.resources.cpus, spec.resources.memory_mb, ports,
                               capacity or hostfacts.host_capacity(), in_use)
    out = [Check("warn", w.message, _HINTS.get(w.field, "")) for w in found]
    out += [Check("warn", w.message, "") for w in spec_warnings(spec, catalog)]
    if not found:
        out.insert(0, Check("ok", f"this computer can give {spec.resources.cpus} CPU(s), {spec.resources.memory_mb} MB"
                                  + (f" and host port(s) {', '.join(str(p) for p, _ in ports)}" if ports else "")))
    return out


_HINTS = {
    "resources.cpus": "lower resources.cpus in gaev.yaml, or build on a bigger machine",
    "resources.memory_mb": "lower resources.memory_mb in gaev.yaml, or build on a bigger machine",
    "network.forwarded_ports": "stop what holds the port, or change network.forwarded_ports in gaev.yaml",
}


def preflight(project: BuildProject, run: Run = run_command, capacity: hostfacts.HostCapacity | None = None,
              in_use: Callable[[int, str], bool] = hostfacts.port_in_use) -> list[Check]:
    """Every check for ``project``, in the order a user reads them."""
    checks = check_tools(project)
    if project.provider == "libvirt":
        checks += check_libvirt(project, run)
        checks += check_networks(networks_used(project), run)
    elif project.provider == "virtualbox":
        checks += check_virtualbox(run)
    return checks + check_spec(project, capacity, in_use) + check_disk(project, run)


def worst(checks: list[Check]) -> str:
    """``error`` if any check failed, else ``warn`` if any warned, else ``ok``."""
    levels = {c.level for c in checks}
    return "error" if "error" in levels else "warn" if "warn" in levels else "ok"
