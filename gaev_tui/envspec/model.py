"""The checked, immutable form of a spec. Only :mod:`gaev_tui.envspec.parse` builds it
from user input, so every instance here has passed validation."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PureWindowsPath

SPEC_KEYS = (
    "name", "description", "os", "provider", "provider_options", "base_box", "hostname",
    "resources", "network", "shared_folders", "packages", "apps", "app_options", "timezone", "locale",
    "targets",
)
# Where the built machine runs: Vagrant (always, it builds the box) and optionally an
# OpenStack cloud, which adds the cloud_ready role and cloud/user-data to the project.
TARGETS = ("vagrant", "openstack")


@dataclass(frozen=True)
class BaseBox:
    """The box the final VM starts from: a published one, or one built with Packer."""

    name: str | None = None  # None: the catalogue's default for the OS and provider
    version: str | None = None  # None: the newest
    build: str | None = None  # "packer": build it from the OS installer ISO
    # A box registry's metadata.json for ``name`` (Vagrant's config.vm.box_url): where
    # ``vagrant up`` on any machine fetches the box, checksum-verified. None: Vagrant's
    # default catalogue, or a box already added.
    url: str | None = None


# The bounds the spec's resources are checked against (also those of 'gaev get --cpus/--memory').
CPUS_RANGE = (1, 64)
MEMORY_MB_RANGE = (256, 1024 * 1024)


@dataclass(frozen=True)
class Resources:
    cpus: int = 2
    memory_mb: int = 2048
    disk_gb: int | None = None  # cap of the VM's disk; None: the base box's size


@dataclass(frozen=True)
class ForwardedPort:
    guest: int
    host: int
    protocol: str = "tcp"


@dataclass(frozen=True)
class Network:
    private_network: str | None = None  # "dhcp" or an IPv4 address
    forwarded_ports: tuple[ForwardedPort, ...] = ()
    # The forwarded ports listen on every address of the host (Vagrant's host_ip
    # 0.0.0.0), not only 127.0.0.1: other computers reach them (a class's JupyterHub).
    reachable_from_other_computers: bool = False


@dataclass(frozen=True)
class SharedFolder:
    host: str  # relative to the project directory, or absolute (POSIX or Windows)
    guest: str

    @property
    def windows_host(self) -> bool:
        """The host path is an absolute Windows path (``C:\\Users\\...``, ``\\\\server\\share``),
        whatever the OS GAEV runs on."""
        path = PureWindowsPath(self.host)
        return bool(path.drive) and path.is_absolute()

    @property
    def vagrant_host(self) -> str:
        """The host path as the Vagrantfile writes it: Windows paths with '/', which Ruby
        and Vagrant on Windows read like '\\' (and no backslash escapes to misread)."""
        return PureWindowsPath(self.host).as_posix() if self.windows_host else self.host


@dataclass(frozen=True)
class Packages:
    apt: tuple[str, ...] = ()  # system packages (apt on Debian/Ubuntu, dnf on RHEL-family)
    python: tuple[str, ...] = ()  # PEP 508 requirements
    r: tuple[str, ...] = ()  # CRAN, "name" or "name@version"
    bioconductor: tuple[str, ...] = ()
    choco: tuple[str, ...] = ()  # Windows (Chocolatey), "id" or "id@version"
    brew: tuple[str, ...] = ()  # macOS (Homebrew): formulae, "cask:NAME" for casks
    tex: tuple[str, ...] = ()  # macOS: TeX Live packages (tlmgr names) on top of BasicTeX

    def is_empty(self) -> bool:
        return not (self.apt or self.python or self.r or self.bioconductor or self.choco or self.brew or self.tex)


@dataclass(frozen=True)
class Spec:
    name: str
    os: str
    provider: str
    description: str = ""
    provider_options: dict[str, object] = field(default_factory=dict)
    base_box: BaseBox = BaseBox()
    hostname: str | None = None
    resources: Resources = Resources()
    network: Network = Network()
    shared_folders: tuple[SharedFolder, ...] = ()
    packages: Packages = Packages()
    apps: tuple[str, ...] = ()
    timezone: str | None = None
    locale: str | None = None
    app_options: dict[str, dict[str, int]] = field(default_factory=dict)  # app id -> option -> value
    targets: tuple[str, ...] = ("vagrant",)

    @property
    def cloud(self) -> bool:
        """Whether the project also makes a cloud image (OpenStack)."""
        return "openstack" in self.targets


def built_box_name(project_name: str) -> str:
    """The name Vagrant knows a base box by when GAEV builds it with Packer and the spec
    names none (``base_box: {build: packer}``): the Vagrantfile, the Packer template and
    the build's ``vagrant box add`` must agree on it."""
    return f"gaev/{project_name}-base"
