"""The recipe of the test guest: a minimal Debian 12 root filesystem made by debootstrap.

Chosen for the fastest ``vagrant up`` + Ansible under software emulation: every package
that Vagrant or a provisioner would otherwise install in the guest (rsync for the synced
folder, python3-apt for Ansible's apt module, pip/venv for Python packages) is in the
image already, because installing anything under TCG costs minutes.
Changing this file changes the cache key, so the box is rebuilt.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from .procs import run

SUITE = "bookworm"
MIRROR = "http://deb.debian.org/debian"
HOSTNAME = "gaev-test"
ROOT_LABEL = "gaev-root"
# net.ifnames=0 keeps the first NIC "eth0" whatever bus libvirt or Packer puts it on.
# "quiet": every console line goes through an emulated UART, which is slow under TCG.
CMDLINE = f"root=LABEL={ROOT_LABEL} rw console=ttyS0,115200n8 net.ifnames=0 biosdevname=0 quiet"

PACKAGES = (
    "linux-image-amd64",  # kernel + initramfs (virtio drivers are modules)
    "systemd-sysv", "udev",  # init that Vagrant's Debian guest plugin expects
    "ifupdown", "isc-dhcp-client",  # DHCP on eth0 and /etc/resolv.conf, as Debian's own boxes
    "openssh-server", "sudo",
    "python3", "python3-apt",  # Ansible from the host; its apt module needs python3-apt
    "python3-pip", "python3-venv",  # pip packages into a venv (PEP 668 forbids system pip)
    "rsync",  # Vagrant's default synced folder for libvirt; else it apt-installs it at up
    "ca-certificates",
)

# Kernel module trees no VM under libvirt/qemu uses: ~150 MB off every box copy.
_PRUNED_MODULES = (
    "drivers/gpu", "drivers/media", "drivers/infiniband", "drivers/iio", "drivers/staging",
    "drivers/comedi", "drivers/mtd", "drivers/isdn", "drivers/bluetooth",
    "drivers/net/wireless", "drivers/net/can", "drivers/net/wwan", "sound",
    "net/wireless", "net/mac80211", "net/bluetooth",
)

_FILES = {
    "etc/hostname": f"{HOSTNAME}\n",
    "etc/hosts": f"127.0.0.1\tlocalhost\n127.0.1.1\t{HOSTNAME}\n::1\tlocalhost ip6-localhost\n",
    "etc/fstab": f"LABEL={ROOT_LABEL}\t/\text4\tdefaults,errors=remount-ro\t0\t0\n",
    "etc/network/interfaces.d/eth0": "allow-hotplug eth0\niface eth0 inet dhcp\n",
    "etc/sudoers.d/vagrant": "vagrant ALL=(ALL) NOPASSWD:ALL\nDefaults:vagrant !requiretty\n",
    # Host keys are removed from the image; each VM makes its own at first boot. Only
    # ed25519 and ECDSA: an RSA key takes ~40 s to generate under emulation.
    "etc/ssh/sshd_config.d/gaev-hostkeys.conf": (
        "HostKey /etc/ssh/ssh_host_ed25519_key\nHostKey /etc/ssh/ssh_host_ecdsa_key\n"
    ),
    "usr/local/sbin/gaev-ssh-hostkeys": (
        "#!/bin/sh\nfor t in ed25519 ecdsa; do\n  f=/etc/ssh/ssh_host_${t}_key\n"
        "  [ -e \"$f\" ] || ssh-keygen -q -t \"$t\" -N '' -f \"$f\"\ndone\n"
    ),
    "etc/systemd/system/ssh.service.d/gaev-keygen.conf": (
        "[Service]\nExecStartPre=\nExecStartPre=/usr/local/sbin/gaev-ssh-hostkeys\n"
        "ExecStartPre=/usr/sbin/sshd -t\n"
    ),
    # Later installs in the guest skip docs and recommends: faster under emulation.
    "etc/dpkg/dpkg.cfg.d/90-gaev-nodoc": (
        "path-exclude=/usr/share/doc/*\npath-include=/usr/share/doc/*/copyright\n"
        "path-exclude=/usr/share/man/*\npath-exclude=/usr/share/info/*\n"
        "path-exclude=/usr/share/locale/*\npath-include=/usr/share/locale/locale.alias\n"
    ),
    "etc/apt/apt.conf.d/90-gaev-norecommends": 'APT::Install-Recommends "false";\n',
    "etc/machine-id": "",  # systemd creates a fresh one per VM at boot
    # A 6 MB initramfs with just the root disk's drivers instead of 36 MB with all of
    # them: the initramfs phase of an emulated boot drops by tens of seconds.
    "etc/initramfs-tools/conf.d/gaev.conf": "MODULES=list\nCOMPRESS=gzip\n",
    "etc/initramfs-tools/modules": "virtio_pci\nvirtio_blk\next4\n",
}

# Background jobs that would compete with the test for the one emulated CPU.
# (e2scrub_reap alone took ~60 s of a 2 min boot.)
_MASKED = ("apt-daily.timer", "apt-daily-upgrade.timer", "dpkg-db-backup.timer",
           "e2scrub_all.timer", "e2scrub_reap.service", "fstrim.timer",
           "systemd-binfmt.service", "proc-sys-fs-binfmt_misc.automount")


def debootstrap(root: Path, log: Path, deb_cache: Path) -> None:
    """Create the Debian root filesystem in ``root`` (which must not exist).

    Downloaded .debs are kept in ``deb_cache``: a rebuild after a recipe change then
    costs the unpacking only, not the download.
    """
    deb_cache.mkdir(parents=True, exist_ok=True)
    run(["debootstrap", "--variant=minbase", f"--include={','.join(PACKAGES)}",
         f"--cache-dir={deb_cache.resolve()}", SUITE, str(root), MIRROR], log, timeout=1800)


def configure(root: Path, pubkey: Path, ca_dir: Path, log: Path) -> None:
    """Turn the bare root filesystem into a Vagrant guest (user, keys, CA, network)."""
    for rel, text in _FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (root / "etc/sudoers.d/vagrant").chmod(0o440)
    (root / "usr/local/sbin/gaev-ssh-hostkeys").chmod(0o755)
    for name in _MASKED:
        link = root / "etc/systemd/system" / name
        link.unlink(missing_ok=True)
        link.symlink_to("/dev/null")
    for key in (root / "etc/ssh").glob("ssh_host_*"):
        key.unlink()
    # debootstrap copies the host's resolv.conf; dhclient writes the guest's own.
    (root / "etc/resolv.conf").unlink(missing_ok=True)

    run(["chroot", str(root), "useradd", "--create-home", "--shell", "/bin/bash", "vagrant"], log)
    ssh_dir = root / "home/vagrant/.ssh"
    ssh_dir.mkdir(mode=0o700)
    shutil.copyfile(pubkey, ssh_dir / "authorized_keys")
    (ssh_dir / "authorized_keys").chmod(0o600)
    run(["chroot", str(root), "chown", "-R", "vagrant:vagrant", "/home/vagrant/.ssh"], log)

    # The guest reaches PyPI through the same intercepting proxy as this host.
    guest_ca = root / "usr/local/share/ca-certificates"
    guest_ca.mkdir(parents=True, exist_ok=True)
    for crt in sorted(ca_dir.glob("*.crt")):
        shutil.copyfile(crt, guest_ca / crt.name)
    run(["chroot", str(root), "update-ca-certificates"], log)

    _slim(root, log)


def _slim(root: Path, log: Path) -> None:
    for kdir in (root / "usr/lib/modules").iterdir():
        for rel in _PRUNED_MODULES:
            shutil.rmtree(kdir / "kernel" / rel, ignore_errors=True)
        run(["chroot", str(root), "depmod", "-a", kdir.name], log)
    run(["chroot", str(root), "update-initramfs", "-u", "-k", "all"], log)
    run(["chroot", str(root), "apt-get", "clean"], log)
    for rel in ("usr/share/doc", "usr/share/man", "usr/share/info", "usr/share/locale"):
        for child in (root / rel).glob("*"):
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
    # Apt's package lists stay: the guest can install from them without `apt-get update`.


def kernel_files(root: Path) -> tuple[Path, Path]:
    """The kernel and initrd installed in ``root`` (exactly one kernel is expected)."""
    kernels = sorted((root / "boot").glob("vmlinuz-*"))
    if len(kernels) != 1:
        raise RuntimeError(f"expected one kernel in {root}/boot, found {kernels}")
    version = kernels[0].name.removeprefix("vmlinuz-")
    return kernels[0], root / "boot" / f"initrd.img-{version}"


def assert_unmounted(root: Path) -> None:
    """Refuse to image a tree with something still mounted inside (debootstrap mounts /proc)."""
    mounts = subprocess.run(["findmnt", "-rn", "-o", "TARGET"], capture_output=True, text=True).stdout
    inside = [m for m in mounts.split() if m == str(root) or m.startswith(f"{root}/")]
    if inside:
        raise RuntimeError(f"still mounted under {root}: {inside}")
