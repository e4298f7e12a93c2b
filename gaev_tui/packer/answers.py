"""Answer files of the unattended installers, served to the build VM from ``packer/http/``:
Ubuntu autoinstall (``user-data``, ``meta-data``), Debian ``preseed.cfg``, RHEL-family
``ks.cfg``, Windows ``Autounattend.xml`` with its WinRM set-up script.

Each file is written with its own escaping: YAML through a YAML emitter, XML through
``|xml``, kickstart words through ``|sh`` (pykickstart splits lines like a POSIX shell).
Preseed has no quoting at all (a value runs to the end of its line), so its values must
be single words, which the spec grammar already guarantees; :func:`_word` checks again.
"""

from __future__ import annotations

import re

import yaml

from gaev_tui.catalog import OsEntry
from gaev_tui.envspec import Spec
from gaev_tui.errors import InputError, Location
from gaev_tui.templating import render, static_tree

DEFAULT_LOCALE = "en_US.UTF-8"
DEFAULT_TIMEZONE = "UTC"
# SHA-512 crypt of "vagrant", the public password of Vagrant base boxes, with a fixed
# salt so the same spec gives the same file (``openssl passwd -6 -salt gaevvagrantbox``).
VAGRANT_PASSWORD_HASH = "$6$gaevvagrantbox$0dpm/xPQBnefmVwJ4HOPWXCgdYjfjoTi6NGxEHmTYFq/r0JGkqEbIv.KF.22Cs.TjM86KOWNd/7NUt.fGgPsN."
_WORD = re.compile(r"^[A-Za-z0-9._+/@:-]+$")
# What Windows Setup's FirstLogonCommands runs: winrm.ps1 from whichever drive holds it
# (A: for the floppy, a CD letter on Hyper-V generation 2).
WINRM_COMMAND = (
    "powershell -NoProfile -ExecutionPolicy Bypass -Command \"Get-PSDrive -PSProvider FileSystem | "
    "ForEach-Object { $p = Join-Path $_.Root 'winrm.ps1'; if (Test-Path $p) { & $p } }\""
)


def hostname(spec: Spec) -> str:
    """The installed system's host name: the spec's, or one made from the project name
    (whose '_' and '.' are not host-name characters)."""
    if spec.hostname:
        return spec.hostname
    return re.sub(r"[^a-z0-9-]", "-", spec.name).strip("-")[:63] or "gaev"


def _word(value: str, field: str) -> str:
    if not _WORD.fullmatch(value):
        raise InputError(f"'{value}' cannot be written into an installer answer file", Location("gaev.yaml", None, field))
    return value


def windows_timezone(spec: Spec) -> str:
    """Windows names time zones its own way ("Romance Standard Time"); CLDR's table, as
    tzlocal ships it, maps the IANA names the spec uses."""
    from tzlocal.windows_tz import tz_win

    zone = spec.timezone or DEFAULT_TIMEZONE
    if zone == "UTC":
        return "UTC"
    if zone not in tz_win:
        raise InputError(f"Windows has no time zone matching '{zone}'", Location("gaev.yaml", None, "timezone"))
    return tz_win[zone]


def windows_image_index(os_entry: OsEntry) -> int:
    """Which image of the ISO's install.wim Setup installs. Client ISOs (10, 11) list the
    edition first; Windows Server ISOs (versions named by year) list Server Core first
    and the same edition "with Desktop Experience" second, the one users expect."""
    return 2 if re.fullmatch(r"20[0-9]{2}", os_entry.version) else 1


def windows_locale(spec: Spec) -> str:
    """``fr_FR.UTF-8`` -> ``fr-FR``; C and POSIX (no country) -> ``en-US``."""
    match = re.match(r"^([a-z]{2,3})_([A-Z]{2})", spec.locale or DEFAULT_LOCALE)
    return f"{match.group(1)}-{match.group(2)}" if match else "en-US"


def user_data(spec: Spec, os_entry: OsEntry) -> str:
    """Ubuntu's autoinstall config (cloud-init NoCloud user-data)."""
    config = {
        "autoinstall": {
            "version": 1,
            "locale": spec.locale or DEFAULT_LOCALE,
            "keyboard": {"layout": "us"},
            "timezone": spec.timezone or DEFAULT_TIMEZONE,
            "identity": {"hostname": hostname(spec), "username": "vagrant", "password": VAGRANT_PASSWORD_HASH},
            "ssh": {"install-server": True, "allow-pw": True},
            "storage": {"layout": {"name": "direct"}},
            "packages": ["rsync"],
            # The installer's own SSH server would take Packer's connection attempts
            # (and fail them) while the install runs.
            "early-commands": ["systemctl stop ssh.service ssh.socket || true"],
            "late-commands": [
                "echo 'vagrant ALL=(ALL) NOPASSWD:ALL' > /target/etc/sudoers.d/vagrant",
                "chmod 0440 /target/etc/sudoers.d/vagrant",
            ],
        }
    }
    header = ("#cloud-config\n# Written by GAEV from gaev.yaml: Ubuntu's unattended install. The password is\n"
              "# the hash of 'vagrant', the public password of Vagrant base boxes.\n")
    return header + yaml.safe_dump(config, sort_keys=False, default_flow_style=False, allow_unicode=True)


def meta_data(spec: Spec) -> str:
    return yaml.safe_dump({"instance-id": f"{spec.name}-base", "local-hostname": hostname(spec)}, sort_keys=False)


def answer_files(spec: Spec, os_entry: OsEntry, context: dict) -> dict[str, str | bytes]:
    """The answer files for the OS's install kind, keyed by their path in the project."""
    install = os_entry.iso.install
    if install == "autoinstall":
        return {"packer/http/user-data": user_data(spec, os_entry), "packer/http/meta-data": meta_data(spec)}
    values = dict(
        hostname=hostname(spec),
        locale=spec.locale or DEFAULT_LOCALE,
        timezone=spec.timezone or DEFAULT_TIMEZONE,
    )
    if install == "preseed":
        for key, field in (("hostname", "hostname"), ("locale", "locale"), ("timezone", "timezone")):
            _word(values[key], field)
        return {"packer/http/preseed.cfg": render("packer/http/preseed.cfg.j2", **values, **context)}
    if install == "kickstart":
        return {"packer/http/ks.cfg": render("packer/http/ks.cfg.j2", **values, **context)}
    if install == "autounattend":
        uefi = context["builder"] == "hyperv-iso"
        xml = render(
            "packer/http/Autounattend.xml.j2", uefi=uefi,
            computer_name=hostname(spec).split(".")[0][:15],  # NetBIOS names have 15 characters
            windows_locale=windows_locale(spec), windows_timezone=windows_timezone(spec),
            winrm_command=WINRM_COMMAND, image_index=windows_image_index(os_entry), product_key=None, **values, **context,
        )
        return {"packer/http/Autounattend.xml": xml,
                "packer/http/winrm.ps1": static_tree("packer", "http")["winrm.ps1"]}
    raise InputError(f"unknown install kind '{install}'", Location("catalogue", None, f"oses.{os_entry.id}.iso.install"))
