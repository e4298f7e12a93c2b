"""The Packer variables and the source block for one OS and provider, as HCL attribute
groups (``[(comment, [(key, expression), ...]), ...]``) that the templates lay out."""

from __future__ import annotations

from dataclasses import dataclass

from gaev_tui.catalog import OsEntry, Provider
from gaev_tui.envspec import Spec
from gaev_tui.packer import osinfo
from gaev_tui.packer.hcl import string, strings

DEFAULT_DISK_GB = 40  # the spec caps the disk; without a cap, room for a scientific stack
# What each installer needs to run at all, whatever the final VM gets: Ubuntu's live
# installer runs from RAM, Anaconda refuses less than ~1.5 GB, Windows 11 Setup wants 4 GB.
MIN_BUILD_MEMORY_MB = {"autoinstall": 3072, "preseed": 1024, "kickstart": 2048, "autounattend": 4096}
# The vagrant user's password, the Vagrant convention for base boxes (public, not a
# secret): Vagrant replaces the insecure key on first boot, and the password lets
# Packer log in before the key is installed.
VAGRANT_PASSWORD = "vagrant"
SHUTDOWN_LINUX = f"echo '{VAGRANT_PASSWORD}' | sudo -S shutdown -P now"
SHUTDOWN_WINDOWS = 'shutdown /s /t 10 /f /d p:4:1 /c "Packer shutdown"'

Group = tuple[str, list[tuple[str, str]]]


@dataclass(frozen=True)
class Variable:
    name: str
    type: str
    default: str  # an HCL expression
    description: str
    sensitive: bool = False

    def pairs(self) -> list[tuple[str, str]]:
        pairs = [("type", self.type), ("default", self.default), ("description", string(self.description))]
        return pairs + ([("sensitive", "true")] if self.sensitive else [])


def build_memory_mb(spec: Spec, os_entry: OsEntry) -> int:
    return max(spec.resources.memory_mb, MIN_BUILD_MEMORY_MB[os_entry.iso.install])


def box_path(spec: Spec) -> str:
    """Where the vagrant post-processor writes the box, relative to ``packer/``."""
    return f"output/{spec.name}-{spec.provider}.box"


def qemu_accelerator(spec: Spec) -> str:
    # Same choice as the Vagrantfile's libvirt driver: 'qemu' is software emulation (TCG).
    return "tcg" if spec.provider_options.get("driver", "kvm") == "qemu" else "kvm"


def variables(spec: Spec, os_entry: OsEntry, provider: Provider) -> list[Variable]:
    """Every input of the template, with the spec's values as defaults (``-var`` and
    ``PKR_VAR_*`` override them)."""
    iso, windows = os_entry.iso, os_entry.family == "windows"
    disk_mb = (spec.resources.disk_gb or DEFAULT_DISK_GB) * 1024
    found = [
        Variable("iso_url", "string", string(iso.url), f"installer ISO of {os_entry.label}"),
        Variable("iso_checksum", "string", string(iso.checksum), "checksum of the ISO, in Packer's 'type:value' form"),
        Variable("cpus", "number", str(spec.resources.cpus), "CPUs of the build VM"),
        Variable("memory", "number", str(build_memory_mb(spec, os_entry)), "memory of the build VM, in MB (at least what the installer needs)"),
        Variable("disk_size", "number", str(disk_mb), "disk size cap, in MB"),
        Variable("build_directory", "string", string(f"output/build-{spec.provider}"), "where the builder puts the VM while it runs"),
        Variable("box_output", "string", string(box_path(spec)), "the base box the vagrant post-processor writes"),
    ]
    if windows:
        found += [
            Variable("winrm_username", "string", string("vagrant"), "account Packer logs in with (created by Autounattend.xml)"),
            Variable("winrm_password", "string", string(VAGRANT_PASSWORD), "Vagrant's well-known password for base boxes (public, not a secret)"),
            Variable("winrm_timeout", "string", string("4h"), "how long Windows Setup may take"),
            # A real secret: read from the environment at build time, never written here.
            Variable("windows_admin_password", "string", 'env("GAEV_WINDOWS_ADMIN_PASSWORD")',
                     "password of the built-in Administrator; empty keeps that account disabled", sensitive=True),
        ]
    else:
        found += [
            Variable("ssh_username", "string", string("vagrant"), "account Packer logs in with (created by the installer)"),
            Variable("ssh_password", "string", string(VAGRANT_PASSWORD), "Vagrant's well-known password for base boxes (public, not a secret)"),
            Variable("ssh_timeout", "string", string("2h"), "how long the unattended install may take"),
            Variable("ssh_private_key_file", "string", string(""),
                     "a key to log in with instead of the password (a disk image with Vagrant's key)"),
        ]
    if provider.packer_builder != "parallels-iso":  # Parallels has no headless mode
        found.append(Variable("headless", "bool", "true", "run the build VM without a window"))
    if provider.packer_builder == "qemu":
        found += [
            Variable("qemu_accelerator", "string", string(qemu_accelerator(spec)), "kvm, or tcg for software emulation"),
            Variable("disk_image", "bool", "false", "iso_url is a bootable disk image, not an installer (skips the install)"),
            Variable("qemu_extra_args", "list(list(string))", "[]", "extra QEMU arguments, e.g. [[\"-kernel\", \"vmlinuz\"]]"),
        ]
    if provider.packer_builder == "hyperv-iso":
        found.append(Variable("hyperv_switch", "string", string("Default Switch"), "Hyper-V virtual switch with Internet access"))
    return found


def _boot(builder: str, os_entry: OsEntry, spec: Spec) -> list[tuple[str, str]]:
    install, windows = os_entry.iso.install, os_entry.family == "windows"
    uefi = builder == "hyperv-iso" and windows
    keys = strings(osinfo.boot_command(install, spec.hostname or spec.name, uefi=uefi))
    if builder == "qemu":
        # A disk image is already installed: nothing to type into its console.
        keys = f"var.disk_image ? [] : {keys}"
    pairs = [
        ("iso_url", "var.iso_url"),
        ("iso_checksum", "var.iso_checksum"),
        ("http_directory", string("http")),
        ("boot_wait", string("2s" if uefi else "5s")),
        ("boot_command", keys),
    ]
    if builder == "qemu":
        pairs.insert(2, ("disk_image", "var.disk_image"))
    if windows:
        files = strings(f"http/{name}" for name in osinfo.answer_files(install))
        # Hyper-V generation 2 has no floppy drive; the others read the floppy first.
        pairs.append(("cd_files" if uefi else "floppy_files", files))
    return pairs


def _machine(builder: str, os_entry: OsEntry, spec: Spec) -> list[tuple[str, str]]:
    windows, linux_tools = os_entry.family == "windows", os_entry.family != "windows"
    pairs = [
        ("vm_name", string(f"{spec.name}-base")),
        ("cpus", "var.cpus"),
        ("memory", "var.memory"),
        ("disk_size", "var.disk_size"),
        ("output_directory", "var.build_directory"),
    ]
    if builder != "parallels-iso":  # Parallels has no headless mode
        pairs.insert(4, ("headless", "var.headless"))
    guest = osinfo.guest_os_type(builder, os_entry)
    if guest:
        pairs.append(("guest_os_type", string(guest)))
    if builder == "virtualbox-iso":
        pairs += [
            ("hard_drive_interface", string("sata")),
            ("iso_interface", string("sata")),
            # Linux compiles the Guest Additions from the uploaded ISO; Windows runs the
            # installer from the attached CD.
            ("guest_additions_mode", string("upload" if linux_tools else "attach")),
        ]
    elif builder == "qemu":
        pairs += [
            ("accelerator", "var.qemu_accelerator"),
            ("format", string("qcow2")),
            # Windows has no virtio drivers on its DVD: emulated IDE and e1000 need none.
            ("disk_interface", string("ide" if windows else "virtio")),
            ("net_device", string("e1000" if windows else "virtio-net")),
            # Zeroed and trimmed blocks become holes in the qcow2, so the box stays small.
            ("disk_discard", string("unmap")),
            ("disk_detect_zeroes", string("unmap")),
            ("disk_compression", "true"),
            ("qemuargs", "var.qemu_extra_args"),
        ]
    elif builder == "vmware-iso":
        pairs += [
            ("version", string("14")),
            ("disk_adapter_type", string("sata")),
            ("network_adapter_type", string("e1000e")),
        ]
        if windows:
            pairs += [("tools_upload_flavor", string("windows")),
                      ("tools_upload_path", string("C:/Windows/Temp/vmware-tools.iso"))]
    elif builder == "hyperv-iso":
        pairs += [
            ("generation", "2" if windows else "1"),
            ("switch_name", "var.hyperv_switch"),
            ("enable_dynamic_memory", "false"),
            ("guest_additions_mode", string("disable")),
        ]
        if windows:
            pairs += [("enable_secure_boot", "true"), ("secure_boot_template", string("MicrosoftWindows"))]
    elif builder == "parallels-iso":
        pairs += [
            ("parallels_tools_flavor", string("win" if windows else "lin")),
            ("parallels_tools_mode", string("attach" if windows else "upload")),
            ("prlctl_version_file", string(".prlctl_version")),
        ]
    return pairs


def _communicator(os_entry: OsEntry) -> list[tuple[str, str]]:
    if os_entry.family == "windows":
        return [
            ("communicator", string("winrm")),
            ("winrm_username", "var.winrm_username"),
            ("winrm_password", "var.winrm_password"),
            ("winrm_timeout", "var.winrm_timeout"),
            ("shutdown_command", string(SHUTDOWN_WINDOWS)),
            ("shutdown_timeout", string("30m")),
        ]
    return [
        ("communicator", string("ssh")),
        ("ssh_username", "var.ssh_username"),
        ("ssh_password", "var.ssh_password"),
        ("ssh_timeout", "var.ssh_timeout"),
        ("ssh_private_key_file", "var.ssh_private_key_file"),
        ("shutdown_command", string(SHUTDOWN_LINUX)),
    ]


def source_groups(spec: Spec, os_entry: OsEntry, provider: Provider) -> list[Group]:
    """The source block's attributes, grouped with a comment saying what each group is for."""
    builder = provider.packer_builder
    return [
        ("The installer and its answer files, served over HTTP by Packer.", _boot(builder, os_entry, spec)),
        ("The build VM.", _machine(builder, os_entry, spec)),
        ("How Packer logs in once the install is done, and stops the VM.", _communicator(os_entry)),
    ]
