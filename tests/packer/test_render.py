"""What ``packer/`` holds for each OS and provider, and that it never varies."""

from __future__ import annotations

import re

import pytest
import yaml

from gaev_tui.catalog import load_catalog
from gaev_tui.envspec import parse_spec_text
from gaev_tui.errors import InputError
from gaev_tui.packer import osinfo
from gaev_tui.packer.render import render_packer
from tests.packer.helpers import buildable_pairs, catalog, packer_files, spec, spec_text

BUILDERS = {"virtualbox": "virtualbox-iso", "libvirt": "qemu", "vmware_desktop": "vmware-iso",
            "hyperv": "hyperv-iso", "parallels": "parallels-iso"}


def test_the_catalogue_has_every_family_and_builder():
    """The tests below cover what they claim only if the catalogue has them."""
    cat = catalog()
    kinds = {cat.oses[os_id].iso.install for os_id, _ in buildable_pairs()}
    assert kinds == {"autoinstall", "preseed", "kickstart", "autounattend"}
    assert {cat.providers[p].packer_builder for _, p in buildable_pairs()} == set(BUILDERS.values())


@pytest.mark.parametrize(("os_id", "provider"), buildable_pairs())
def test_every_buildable_pair_renders_its_files(os_id, provider):
    text = spec_text(os_id, provider)
    files = packer_files(text)
    assert files == packer_files(text)  # same spec, byte-identical files
    entry, prov = catalog().oses[os_id], catalog().providers[provider]
    windows = entry.family == "windows"
    expected = {"packer/plugins.pkr.hcl", "packer/variables.pkr.hcl", "packer/sources.pkr.hcl",
                "packer/build.pkr.hcl", "packer/README.md"}
    expected |= {f"packer/http/{name}" for name in osinfo.answer_files(entry.iso.install)}
    if windows:
        expected |= {"packer/scripts/provision.ps1", "packer/scripts/cleanup.ps1", "packer/scripts/admin-password.ps1"}
        if provider in ("virtualbox", "vmware_desktop", "parallels"):
            expected.add("packer/scripts/guest-tools.ps1")
    else:
        expected |= {"packer/scripts/vagrant.sh", "packer/scripts/cleanup.sh", "packer/scripts/zero.sh"}
        if provider != "libvirt":  # vagrant-libvirt needs no guest tools
            expected.add("packer/scripts/guest-tools.sh")
    assert set(files) == expected
    sources = files["packer/sources.pkr.hcl"].decode()
    assert f'source "{BUILDERS[provider]}" "base" {{' in sources
    plugins = files["packer/plugins.pkr.hcl"].decode()
    assert f'source  = "{prov.packer_plugin.source}"' in plugins
    variables = files["packer/variables.pkr.hcl"].decode()
    assert f'"{entry.iso.url}"' in variables and f'"{entry.iso.checksum}"' in variables
    build = files["packer/build.pkr.hcl"].decode()
    assert f'sources     = ["source.{BUILDERS[provider]}.base"]' in build
    assert 'post-processor "vagrant"' in build
    for path, data in files.items():
        text_ = data.decode()
        assert "None" not in text_, path  # no Python None leaked into a file
        assert "{%" not in text_ and "{#" not in text_, path
    # The answer file the boot command points at is the one generated.
    if entry.iso.install in ("preseed", "kickstart"):
        answer = osinfo.answer_files(entry.iso.install)[0]
        assert f"/{answer}" in sources


def test_disk_size_memory_and_cpus_come_from_the_spec():
    files = packer_files(spec_text("debian-12", "virtualbox", "resources: {cpus: 3, memory_mb: 3000, disk_gb: 25}\n"))
    variables = files["packer/variables.pkr.hcl"].decode()
    assert re.search(r'variable "disk_size" \{\n  type += number\n  default += 25600\n', variables)
    assert re.search(r'variable "cpus" \{\n  type += number\n  default += 3\n', variables)
    assert re.search(r'variable "memory" \{\n  type += number\n  default += 3000\n', variables)


def test_default_disk_and_the_installers_minimum_memory():
    variables = packer_files(spec_text("windows-11", "virtualbox"))["packer/variables.pkr.hcl"].decode()
    assert re.search(r'variable "disk_size" \{\n  type += number\n  default += 40960\n', variables)
    # Windows Setup needs 4 GB whatever the final VM gets (the spec's default is 2 GB).
    assert re.search(r'variable "memory" \{\n  type += number\n  default += 4096\n', variables)


@pytest.mark.parametrize(("driver", "accelerator"), [(None, "kvm"), ("kvm", "kvm"), ("qemu", "tcg")])
def test_qemu_accelerator_follows_the_libvirt_driver(driver, accelerator):
    extra = f"provider_options: {{driver: {driver}}}\n" if driver else ""
    variables = packer_files(spec_text("debian-12", "libvirt", extra))["packer/variables.pkr.hcl"].decode()
    assert re.search(r'variable "qemu_accelerator" \{\n  type += string\n  default += "' + accelerator + '"', variables)


def test_qemu_can_start_from_a_disk_image_instead_of_the_iso():
    files = packer_files(spec_text("debian-12", "libvirt"))
    sources = files["packer/sources.pkr.hcl"].decode()
    assert "disk_image     = var.disk_image" in sources
    assert "boot_command   = var.disk_image ? [] : [" in sources  # nothing typed into a booted disk
    assert "qemuargs           = var.qemu_extra_args" in sources


def test_windows_secret_is_an_env_variable_never_a_value(monkeypatch):
    monkeypatch.setenv("GAEV_WINDOWS_ADMIN_PASSWORD", "s3cret-Value!")
    files = packer_files(spec_text("windows-11", "hyperv"))
    assert all(b"s3cret-Value!" not in data for data in files.values())
    variables = files["packer/variables.pkr.hcl"].decode()
    block = variables[variables.index('variable "windows_admin_password"'):]
    block = block[: block.index("}")]
    assert 'default     = env("GAEV_WINDOWS_ADMIN_PASSWORD")' in block
    assert "sensitive   = true" in block
    build = files["packer/build.pkr.hcl"].decode()
    assert '"GAEV_ADMIN_PASSWORD=${var.windows_admin_password}"' in build


def test_windows_on_hyperv_uses_uefi_and_a_cd_other_builders_a_floppy():
    hyperv = packer_files(spec_text("windows-11", "hyperv"))
    sources = hyperv["packer/sources.pkr.hcl"].decode()
    assert "generation            = 2" in sources and 'cd_files       = ["http/Autounattend.xml", "http/winrm.ps1"]' in sources
    assert b"<Type>EFI</Type>" in hyperv["packer/http/Autounattend.xml"]
    vbox = packer_files(spec_text("windows-11", "virtualbox"))
    assert 'floppy_files   = ["http/Autounattend.xml", "http/winrm.ps1"]' in vbox["packer/sources.pkr.hcl"].decode()
    assert b"<Type>EFI</Type>" not in vbox["packer/http/Autounattend.xml"]


def test_windows_server_installs_the_desktop_experience_image():
    xml = packer_files(spec_text("windows-2022", "virtualbox"))["packer/http/Autounattend.xml"].decode()
    assert "<Value>2</Value>" in xml
    xml = packer_files(spec_text("windows-11", "virtualbox"))["packer/http/Autounattend.xml"].decode()
    assert "<Value>1</Value>" in xml


def test_locale_timezone_and_hostname_reach_each_installer():
    extra = "hostname: lab-42.example.org\ntimezone: Europe/Paris\nlocale: fr_FR.UTF-8\n"
    ubuntu = yaml.safe_load(packer_files(spec_text("ubuntu-22.04", "libvirt", extra))["packer/http/user-data"])
    assert ubuntu["autoinstall"]["timezone"] == "Europe/Paris"
    assert ubuntu["autoinstall"]["locale"] == "fr_FR.UTF-8"
    assert ubuntu["autoinstall"]["identity"]["hostname"] == "lab-42.example.org"
    preseed = packer_files(spec_text("debian-12", "libvirt", extra))["packer/http/preseed.cfg"].decode()
    assert "d-i time/zone string Europe/Paris\n" in preseed
    assert "d-i debian-installer/locale string fr_FR.UTF-8\n" in preseed
    assert "d-i netcfg/get_hostname string lab-42.example.org\n" in preseed
    ks = packer_files(spec_text("rocky-9", "libvirt", extra))["packer/http/ks.cfg"].decode()
    assert "timezone Europe/Paris --utc\n" in ks and "lang fr_FR.UTF-8\n" in ks
    assert "--hostname=lab-42.example.org" in ks
    xml = packer_files(spec_text("windows-11", "virtualbox", extra))["packer/http/Autounattend.xml"].decode()
    assert "<TimeZone>Romance Standard Time</TimeZone>" in xml
    assert "<UserLocale>fr-FR</UserLocale>" in xml
    assert "<ComputerName>lab-42</ComputerName>" in xml  # NetBIOS: first label, 15 characters


def test_defaults_without_locale_timezone_hostname():
    data = yaml.safe_load(packer_files(spec_text("ubuntu-24.04", "virtualbox"))["packer/http/user-data"])
    auto = data["autoinstall"]
    assert (auto["locale"], auto["timezone"]) == ("en_US.UTF-8", "UTC")
    assert auto["identity"]["hostname"] == "pk-ubuntu-24-04-virtualbox"  # '.' is no host-name character here


def test_a_windows_timezone_that_does_not_exist_is_refused():
    # A valid IANA-looking name the CLDR table does not know.
    with pytest.raises(InputError) as err:
        packer_files(spec_text("windows-11", "virtualbox", "timezone: Nowhere/Atlantis\n"))
    assert err.value.location.field == "timezone" and "Nowhere/Atlantis" in err.value.message


def test_macos_base_box_cannot_be_built():
    """The catalogue's macOS has no ISO: the spec names base_box.build and says why."""
    with pytest.raises(InputError) as err:
        parse_spec_text(spec_text("macos", "virtualbox"), catalog())
    assert err.value.location.field == "base_box.build"
    assert "no installer ISO" in err.value.message


def test_a_manual_installer_is_refused_with_the_reason(tmp_path):
    """An OS whose ISO installs only by hand (a user catalogue may say so) is refused
    by the renderer, naming base_box.build."""
    user = tmp_path / "catalog.yaml"
    user.write_text(
        "oses:\n  macos:\n    iso: {url: 'https://example.org/InstallMacOS.iso', "
        "checksum: 'sha256:" + "0" * 64 + "', install: manual}\n")
    cat = load_catalog(user)
    parsed = parse_spec_text(spec_text("macos", "virtualbox"), cat)
    with pytest.raises(InputError) as err:
        render_packer(parsed, cat)
    assert err.value.location.field == "base_box.build"
    assert "Apple" in err.value.message and "build: packer" in err.value.message


def test_project_name_with_dots_and_underscores_makes_a_valid_hostname():
    parsed = spec("debian-12", "libvirt")
    assert parsed.name.startswith("pk-debian-12")
    preseed = packer_files(spec_text("debian-12", "libvirt", name="my_lab.vm"))["packer/http/preseed.cfg"].decode()
    assert "d-i netcfg/get_hostname string my-lab-vm\n" in preseed
