"""What each hypervisor and installer needs to know about a guest OS.

The boot commands are typed by Packer into the installer's boot menu (the VM boots
with BIOS firmware, except Windows on Hyper-V, which uses generation 2/UEFI); they
point the installer at the answer file Packer serves from ``http/``. ``{{ .HTTPIP }}``
and ``{{ .HTTPPort }}`` are Packer's own template variables, filled in at build time.
"""

from __future__ import annotations

from gaev_tui.catalog import OsEntry

HTTP = "http://{{ .HTTPIP }}:{{ .HTTPPort }}"

# Guest OS type names each hypervisor knows, by distro (then by family as a fallback,
# for distros a user catalogue adds). They tune virtual hardware defaults.
_GUEST_OS = {
    "virtualbox-iso": {"ubuntu": "Ubuntu_64", "debian": "Debian_64", "rhel": "RedHat_64",
                       "windows": "Windows10_64", "windows-11": "Windows11_64",
                       "windows-2022": "Windows2019_64", "windows-2019": "Windows2019_64"},
    "vmware-iso": {"ubuntu": "ubuntu-64", "debian": "debian10-64", "rhel": "centos-64",
                   "windows": "windows9-64", "windows-2022": "windows2019srv-64",
                   "windows-2019": "windows2019srv-64"},
    "parallels-iso": {"ubuntu": "ubuntu", "debian": "debian", "rhel": "centos",
                      "windows": "win-10", "windows-11": "win-11", "windows-2022": "win-2022",
                      "windows-2019": "win-2019"},
}


def guest_os_type(builder: str, os_entry: OsEntry) -> str | None:
    """The hypervisor's guest type for ``os_entry``, or None when the builder has none."""
    table = _GUEST_OS.get(builder)
    if table is None:
        return None
    major = os_entry.version.split(".")[0]
    for key in (f"{os_entry.distro}-{major}", os_entry.distro, os_entry.family):
        if key in table:
            return table[key]
    return None


def boot_command(install: str, hostname: str, uefi: bool = False) -> list[str]:
    """Keystrokes that start the unattended install of kind ``install``.

    ``hostname`` is already checked by the spec grammar (letters, digits, '-', '.'),
    so it cannot contain Packer's ``<key>`` markers.
    """
    if install == "autoinstall":
        # Ubuntu >= 22.04 live-server ISOs boot GRUB (BIOS and UEFI alike): its command
        # line loads casper with the NoCloud data source on Packer's HTTP server. The
        # ';' must be escaped for GRUB.
        return [
            "<wait>c<wait>",
            "set gfxpayload=keep<enter><wait>",
            f"linux /casper/vmlinuz quiet autoinstall ds=nocloud-net\\;s={HTTP}/ ---<enter><wait>",
            "initrd /casper/initrd<enter><wait>",
            "boot<enter>",
        ]
    if install == "preseed":
        # Debian's isolinux menu: <esc> gives the boot: prompt, 'auto' defers the
        # locale and keyboard questions until the preseed file has answered them.
        return [
            "<wait><esc><wait>",
            f"auto preseed/url={HTTP}/preseed.cfg netcfg/get_hostname={hostname} netcfg/get_domain= <enter>",
        ]
    if install == "kickstart":
        # RHEL-family isolinux menu: <up> leaves "Test this media", <tab> edits the line.
        return [f"<up><wait><tab><wait> inst.text inst.ks={HTTP}/ks.cfg<enter><wait>"]
    if install == "autounattend":
        # Windows Setup finds Autounattend.xml on the floppy/CD by itself; UEFI firmware
        # only boots the DVD after "Press any key".
        return ["<spacebar><wait><spacebar><wait><spacebar><wait><spacebar>"] if uefi else []
    raise ValueError(f"no boot command for install kind {install!r}")


def answer_files(install: str) -> list[str]:
    """Files under ``packer/http/`` the installer of kind ``install`` reads."""
    return {
        "autoinstall": ["user-data", "meta-data"],
        "preseed": ["preseed.cfg"],
        "kickstart": ["ks.cfg"],
        "autounattend": ["Autounattend.xml", "winrm.ps1"],
    }[install]
