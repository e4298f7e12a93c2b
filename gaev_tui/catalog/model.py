"""Typed, immutable catalogue entries (what ``catalog.yaml`` describes)."""

from __future__ import annotations

from dataclasses import dataclass, field

# Kinds of values with a fixed vocabulary.
HOST_OSES = ("linux", "windows", "macos")
OS_FAMILIES = ("debian", "rhel", "windows", "macos")
COMMUNICATORS = ("ssh", "winrm")
INSTALL_KINDS = ("autoinstall", "preseed", "kickstart", "autounattend", "manual")
PACKAGE_CATEGORIES = ("apt", "python", "r", "bioconductor", "choco", "brew", "tex")
APP_KINDS = ("tljh", "rstudio_server", "docker")


@dataclass(frozen=True)
class PackerPlugin:
    """A Packer plugin for ``required_plugins`` (Packer >= 1.10 ships none)."""

    source: str  # e.g. github.com/hashicorp/virtualbox
    version: str  # constraint, e.g. ">= 1.1.1"


@dataclass(frozen=True)
class Provider:
    id: str  # Vagrant's provider name: virtualbox, libvirt, vmware_desktop, hyperv, parallels
    label: str
    description: str
    hosts: tuple[str, ...]  # host OSes it runs on
    tool: str | None  # the executable that shows it is installed (VBoxManage, virsh, ...)
    vagrant_plugin: str | None  # plugin Vagrant needs for it, if any
    packer_builder: str | None  # Packer source type for base boxes (virtualbox-iso, qemu, ...)
    packer_plugin: PackerPlugin | None
    install_hint: str
    options: tuple[str, ...] = ()  # keys accepted in a spec's provider_options


@dataclass(frozen=True)
class BoxRef:
    """A published Vagrant box; version None means "latest"."""

    name: str
    version: str | None = None
    description: str = ""
    # Size of the box's disk (virtual, GB), where its build template says it: Vagrant
    # can only grow a box's disk, so a smaller disk cap cannot hold. None: unknown.
    disk_gb: int | None = None


@dataclass(frozen=True)
class Iso:
    """Installer ISO for building a base box with Packer."""

    url: str
    checksum: str  # "sha256:<hex>" (Packer's format)
    install: str  # one of INSTALL_KINDS


@dataclass(frozen=True)
class AptRepo:
    """A third-party apt repository whose key is checked against a fingerprint."""

    url: str
    suite: str
    key_url: str  # the publisher's own HTTPS address of its armored key (no keyserver)
    fingerprint: str  # 40 hex digits, upper case


# What a macOS guest downloads and installs itself (provisioning.installers): R's, XQuartz's
# and BasicTeX's .pkg installers, and Homebrew's install script.
INSTALLERS = ("r", "xquartz", "tex", "homebrew")


@dataclass(frozen=True)
class Installer:
    """A pinned download the macOS roles install: its version, address and sha256."""

    version: str
    url: str  # https://
    sha256: str  # 64 lower-case hex digits: get_url refuses any other file
    repository: str = ""  # tex: the TeX Live repository tlmgr installs packages from


@dataclass(frozen=True)
class Provisioning:
    """How a guest is provisioned: Linux's pinned Ansible and where R comes from;
    macOS's pinned installers (its Ansible runs on the host)."""

    ansible_core: str = ""  # exact ansible-core installed in the guest (pip, in a venv)
    ansible_python: str = ""  # the oldest Python that ansible-core runs on, e.g. "3.11"
    r_apt: AptRepo | None = None  # CRAN's own apt repository for this release
    r_binary_repo: str = ""  # binary CRAN packages (Posit Package Manager __linux__ URL)
    installers: dict[str, Installer] = field(default_factory=dict)  # one of INSTALLERS -> it


@dataclass(frozen=True)
class RLibraries:
    """System packages an R package needs to build or load, per OS family."""

    package: str
    needs: dict[str, tuple[str, ...]]  # family -> system packages


@dataclass(frozen=True)
class OsEntry:
    id: str  # e.g. ubuntu-22.04
    label: str
    family: str  # one of OS_FAMILIES: decides which roles and templates apply
    distro: str  # ubuntu, debian, rocky, almalinux, windows, macos
    version: str
    communicator: str  # ssh or winrm
    boxes: dict[str, tuple[BoxRef, ...]]  # provider id -> boxes, the first is the default
    iso: Iso | None = None
    notes: str = ""  # limits the user must know (licensing, hosts)
    provisioning: Provisioning = field(default_factory=Provisioning)

    @property
    def providers(self) -> tuple[str, ...]:
        return tuple(self.boxes)

    def default_box(self, provider: str) -> BoxRef | None:
        boxes = self.boxes.get(provider, ())
        return boxes[0] if boxes else None


@dataclass(frozen=True)
class PackageSet:
    """A named group of packages of one category, offered together in the wizard."""

    id: str
    category: str  # one of PACKAGE_CATEGORIES
    label: str
    description: str
    packages: tuple[str, ...]


@dataclass(frozen=True)
class Port:
    guest: int
    name: str  # what it serves, e.g. "JupyterHub web"


# How the first-boot hook writes an app's public URL into its configuration.
BASE_URL_FORMATS = ("python", "ini", "env")  # key = "json string" / key=value / KEY="value"
BASE_URL_VALUES = ("url", "path")  # the whole URL, or only its path (a proxy prefix)


@dataclass(frozen=True)
class BaseUrl:
    """Where an app reads its external URL; written at a cloud instance's first boot."""

    file: str  # absolute path in the guest
    format: str  # one of BASE_URL_FORMATS
    key: str
    value: str = "url"  # one of BASE_URL_VALUES
    path: str = "/"  # the app's path under its port, e.g. /npflow/
    restart: str = ""  # "systemd:UNIT" or "docker:CONTAINER"; "" restarts nothing


@dataclass(frozen=True)
class AppOption:
    """A whole-number setting a spec may give an app (``app_options``)."""

    name: str
    default: int
    low: int
    high: int
    description: str = ""


@dataclass(frozen=True)
class App:
    id: str
    kind: str  # one of APP_KINDS: decides the Ansible role
    label: str
    description: str
    ports: tuple[Port, ...]
    min_memory_mb: int
    families: tuple[str, ...]  # OS families it installs on
    version: str = ""  # pinned version (TLJH git ref, RStudio Server release, image tag)
    image: str = ""  # docker: image name
    settings: dict[str, str] = field(default_factory=dict)  # kind-specific, e.g. download URL
    options: dict[str, AppOption] = field(default_factory=dict)  # what a spec's app_options may set
    base_url: BaseUrl | None = None  # how a cloud instance tells it its public URL


@dataclass(frozen=True)
class Catalog:
    providers: dict[str, Provider]
    oses: dict[str, OsEntry]
    package_sets: dict[str, PackageSet]
    apps: dict[str, App]
    r_libraries: dict[str, RLibraries] = field(default_factory=dict)  # R package -> its system libraries
    sources: tuple[str, ...] = ()  # files it was read from, in merge order

    def sets_for(self, category: str) -> list[PackageSet]:
        return [item for item in self.package_sets.values() if item.category == category]
