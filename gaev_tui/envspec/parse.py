"""Checking a spec document against its grammar and the catalogue.

Every rule gives one :class:`InputError` naming the file, line and field; nothing is
generated from a spec that fails. :func:`parse_spec` raises the first one;
:func:`spec_errors` returns them all (each part of the spec is checked on its own, and
each item of a list), which is what a form showing every problem at once needs.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from pathlib import Path, PurePosixPath, PureWindowsPath

from gaev_tui import names, yamlsrc
from gaev_tui.catalog import Catalog, load_catalog
from gaev_tui.envspec.model import (
    CPUS_RANGE,
    MEMORY_MB_RANGE,
    SPEC_KEYS,
    TARGETS,
    BaseBox,
    ForwardedPort,
    Network,
    Packages,
    Resources,
    SharedFolder,
    Spec,
)
from gaev_tui.errors import InputError
from gaev_tui.fields import Fields
from gaev_tui.yamlsrc import Document

_BOX_VERSION = re.compile(r"^[0-9]+(\.[0-9]+)*$")
# Which package categories each OS family can install, and why not otherwise.
FAMILY_CATEGORIES = {
    "debian": ("apt", "python", "r", "bioconductor"),
    "rhel": ("apt", "python", "r", "bioconductor"),
    "windows": ("choco", "r", "bioconductor"),
    "macos": ("brew", "python", "r", "bioconductor", "tex"),
}
# What to write instead, for the usual mix-ups between Linux and macOS guests.
_CATEGORY_HINTS = {
    ("brew", False): "; Homebrew is for macOS guests: list system packages under apt",
    ("tex", False): "; TeX packages are for macOS guests: list TeX Live's apt packages (texlive-...) under apt",
    ("apt", True): "; on macOS, system tools come from Homebrew: list them under brew",
}
LIBVIRT_DRIVERS = ("kvm", "qemu")
# Where a macOS guest (10.15 and later) can write: its data volume's firmlinks, /tmp and
# /var (links into /private); the rest of / is the read-only system volume.
_MACOS_WRITABLE = ("/Users/", "/Volumes/", "/opt/", "/usr/local/", "/Library/", "/Applications/",
                   "/private/", "/tmp/", "/var/")


def package_categories(family: str) -> tuple[str, ...]:
    """The package categories an OS family can install (the wizard offers only these)."""
    return FAMILY_CATEGORIES.get(family, ())


def load_spec(path: Path, catalog: Catalog | None = None) -> Spec:
    """Read a spec file, or ``gaev.yaml`` in a project directory."""
    path = Path(path)
    if path.is_dir():
        path = path / "gaev.yaml"
    return parse_spec(yamlsrc.load(path), catalog or load_catalog())


def parse_spec_text(text: str, catalog: Catalog | None = None, file: str = "gaev.yaml") -> Spec:
    return parse_spec(yamlsrc.loads(text, file), catalog or load_catalog())


def required_memory_mb(catalog: Catalog, apps: tuple[str, ...] | list[str]) -> int:
    """Memory the chosen apps need together (they run side by side)."""
    return sum(catalog.apps[app].min_memory_mb for app in apps if app in catalog.apps)


class _Errors:
    """Where the rules report: raise the first error, or collect them all."""

    def __init__(self, collect: bool) -> None:
        self.collect = collect
        self.found: list[InputError] = []

    def add(self, error: InputError) -> None:
        if not self.collect:
            raise error
        self.found.append(error)

    def attempt(self, rule, *args, default=None):
        """``rule(*args)``; on an error, report it and go on with ``default``."""
        try:
            return rule(*args)
        except InputError as error:
            self.add(error)
            return default


def parse_spec(doc: Document, catalog: Catalog) -> Spec:
    """The checked spec; :class:`InputError` for the first problem."""
    spec = _parse(doc, catalog, _Errors(collect=False))
    assert spec is not None  # in raising mode every problem raised
    return spec


def spec_errors(doc: Document, catalog: Catalog) -> list[InputError]:
    """Every problem of the spec, in spec order; [] when it is valid. A part that
    depends on a wrong one (the packages of an unknown OS) is checked once it is right."""
    errors = _Errors(collect=True)
    try:
        _parse(doc, catalog, errors)
    except InputError as error:  # empty, or not a mapping: nothing else to check
        errors.found.append(error)
    return sorted(errors.found, key=lambda error: error.location.line or 0)


def spec_errors_text(text: str, catalog: Catalog | None = None, file: str = "gaev.yaml") -> list[InputError]:
    try:
        doc = yamlsrc.loads(text, file)
    except InputError as error:  # not YAML at all: one error
        return [error]
    return spec_errors(doc, catalog or load_catalog())


def _parse(doc: Document, catalog: Catalog, errors: _Errors) -> Spec | None:
    if doc.data is None:
        raise InputError("the spec is empty; it needs at least name, os and provider", doc.where(()))
    f = Fields(doc)
    errors.attempt(f.only, SPEC_KEYS)
    name = errors.attempt(_checked, f, "name", names.project_name)
    os_id = errors.attempt(_known, f, "os", catalog.oses)
    os_entry = catalog.oses.get(os_id)
    provider = errors.attempt(_known, f, "provider", catalog.providers)
    base_box = errors.attempt(_base_box, f, catalog, os_id, provider) if os_entry and provider else None
    apps = errors.attempt(_apps, f, catalog, os_entry.family, errors, default=()) if os_entry else ()
    description = errors.attempt(f.get, "description", str, "")
    provider_options = errors.attempt(_provider_options, f, catalog, provider) if provider else None
    hostname = errors.attempt(_checked, f, "hostname", names.hostname, None)
    resources = errors.attempt(_resources, f, catalog, apps, errors)
    network = errors.attempt(_network, f, provider, errors) if provider else None
    folders = errors.attempt(_shared_folders, f, os_entry.family, errors) if os_entry else None
    packages = errors.attempt(_packages, f, os_entry.family, os_entry.label, errors) if os_entry else None
    timezone = errors.attempt(_checked, f, "timezone", names.timezone, None)
    locale = errors.attempt(_checked, f, "locale", names.locale, None)
    app_options = errors.attempt(_app_options, f, catalog, apps, default={})
    targets = errors.attempt(_targets, f, os_entry.family, default=("vagrant",)) if os_entry else ("vagrant",)
    if errors.found or None in (name, os_entry, provider, base_box, provider_options, resources, network,
                                folders, packages):
        return None
    spec = Spec(
        name=name, os=os_id, provider=provider, description=description,
        provider_options=provider_options, base_box=base_box, hostname=hostname,
        resources=resources, network=network, shared_folders=folders, packages=packages,
        apps=apps, timezone=timezone, locale=locale, app_options=app_options,
        targets=targets,
    )
    errors.attempt(_no_control_chars, doc, spec)
    return None if errors.found else spec


def _checked(f: Fields, key: str, check, default=...) -> str | None:
    value = f.text(key) if default is ... else f.text(key, default)
    if value is not None and (reason := check(value)):
        raise f.error((key,), f"'{value}' {reason}")
    return value


def _known(f: Fields, key: str, known: dict) -> str:
    value = f.text(key)
    if value not in known:
        close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.5)
        hint = f"; did you mean '{close[0]}'?" if close else f"; known: {', '.join(known)}"
        raise f.error((key,), f"unknown {key} '{value}'{hint}")
    return value


def _base_box(f: Fields, catalog: Catalog, os_id: str, provider: str) -> BaseBox:
    os_entry, prov = catalog.oses[os_id], catalog.providers[provider]
    sub = f.sub("base_box")
    box = BaseBox()
    if sub is not None:
        sub.only(("name", "version", "build", "url"))
        version = sub.get("version", (str, int, float), None)
        if version is not None:
            version = str(version)
            if not _BOX_VERSION.fullmatch(version):
                raise sub.error(("version",), f"'{version}' is not a box version (like '202401.31.0')")
        box = BaseBox(_checked(sub, "name", names.box_name, None), version, sub.text("build", None),
                      _checked(sub, "url", names.box_url, None))
        if box.build not in (None, "packer"):
            raise sub.error(("build",), f"the only way to build a base box is 'packer', not '{box.build}'")
        if box.url is not None and box.build is not None:
            raise sub.error(("url",), "a base box built with Packer is not fetched from a registry; remove 'url'")
        if box.url is not None and box.name is None:
            # Vagrant refuses a metadata.json whose name differs from config.vm.box.
            raise sub.error(("url",), "a registry URL needs the box's 'name' as the registry lists it (ORG/BOX)")
    if box.build == "packer":
        if os_entry.iso is None:
            raise f.error(("base_box", "build"), f"the catalogue has no installer ISO for {os_entry.label}, so its base box cannot be built")
        if prov.packer_builder is None:
            raise f.error(("base_box", "build"), f"Packer cannot build {prov.label} boxes")
        if box.version is not None:
            raise f.error(("base_box", "version"), "a base box built with Packer has no published version; remove 'version'")
    elif provider not in os_entry.boxes:
        supported = ", ".join(os_entry.providers)
        reason = f"the catalogue has no {prov.label} box for {os_entry.label} (it has: {supported})"
        if os_entry.iso is not None and prov.packer_builder:
            reason += "; 'base_box: {build: packer}' would build one"
        raise f.error(("provider",), reason)
    return box


def _app_options(f: Fields, catalog: Catalog, apps: tuple[str, ...]) -> dict[str, dict[str, int]]:
    """Per-app settings (``app_options: {jupyterhub: {idle_timeout_minutes: 120}}``),
    each a whole number within the range the catalogue gives."""
    sub = f.sub("app_options")
    if sub is None:
        return {}
    out: dict[str, dict[str, int]] = {}
    for app in sub.data:
        if app not in apps:
            raise sub.error((app,), f"'{app}' is not among this spec's apps ({', '.join(apps) or 'none'})")
        options = catalog.apps[app].options
        values = sub.sub(app)
        if values is None:
            continue
        values.only(options)
        out[app] = {name: values.number(name, options[name].low, options[name].high) for name in values.data}
    return out


def _provider_options(f: Fields, catalog: Catalog, provider: str) -> dict[str, object]:
    sub = f.sub("provider_options")
    if sub is None:
        return {}
    allowed = catalog.providers[provider].options
    sub.only(allowed)
    options: dict[str, object] = {}
    if "driver" in sub.data:
        driver = sub.text("driver")
        if driver not in LIBVIRT_DRIVERS:
            raise sub.error(("driver",), f"must be 'kvm' (fast, needs /dev/kvm) or 'qemu' (software emulation), not '{driver}'")
        options["driver"] = driver
    if "gui" in sub.data:
        options["gui"] = sub.get("gui", bool)
    return options


def _apps(f: Fields, catalog: Catalog, family: str, errors: _Errors) -> tuple[str, ...]:
    apps = f.texts("apps", [])
    good = []
    for index, app in enumerate(apps):
        if app not in catalog.apps:
            close = difflib.get_close_matches(app, list(catalog.apps), n=1, cutoff=0.5)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known: {', '.join(catalog.apps)}"
            errors.add(f.error(("apps", index), f"unknown app '{app}'{hint}"))
        elif family not in catalog.apps[app].families:
            errors.add(f.error(("apps", index), f"{catalog.apps[app].label} does not install on {family}-family systems (only {', '.join(catalog.apps[app].families)})"))
        elif app in apps[:index]:
            errors.add(f.error(("apps", index), f"'{app}' is listed twice"))
        else:
            good.append(app)
    return tuple(good)


def _targets(f: Fields, family: str) -> tuple[str, ...]:
    """``targets:``: vagrant always (it builds the image), openstack optionally."""
    targets = f.texts("targets", ["vagrant"])
    for index, target in enumerate(targets):
        if target not in TARGETS:
            close = difflib.get_close_matches(target, TARGETS, n=1, cutoff=0.5)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known: {', '.join(TARGETS)}"
            raise f.error(("targets", index), f"unknown target '{target}'{hint}")
        if target in targets[:index]:
            raise f.error(("targets", index), f"'{target}' is listed twice")
    if "vagrant" not in targets:
        raise f.error(("targets",), "must include 'vagrant': the cloud image is made from the Vagrant box")
    if "openstack" in targets and family not in ("debian", "rhel"):
        raise f.error(("targets",), f"cloud images are made for Linux guests only, not {family}")
    return tuple(target for target in TARGETS if target in targets)


def _resources(f: Fields, catalog: Catalog, apps: tuple[str, ...], errors: _Errors) -> Resources | None:
    sub = f.sub("resources")
    if sub is None:
        resources = Resources()
    else:
        sub.only(("cpus", "memory_mb", "disk_gb"))
        before = len(errors.found)
        cpus = errors.attempt(sub.number, "cpus", *CPUS_RANGE, Resources.cpus)
        memory = errors.attempt(sub.number, "memory_mb", *MEMORY_MB_RANGE, Resources.memory_mb)
        disk = errors.attempt(sub.number, "disk_gb", 4, 16384, None)
        if len(errors.found) > before:
            return None
        resources = Resources(cpus=cpus, memory_mb=memory, disk_gb=disk)
    needed = required_memory_mb(catalog, apps)
    if resources.memory_mb < needed:
        labels = ", ".join(catalog.apps[app].label for app in apps)
        raise f.error(("resources", "memory_mb"), f"{resources.memory_mb} MB is less than the {needed} MB that {labels} need")
    return resources


# Providers whose private networks give the host the first address of the /24 (Vagrant's
# default netmask): VirtualBox's host-only adapter and vagrant-libvirt's network.
HOST_TAKES_DOT_ONE = {"virtualbox": "VirtualBox", "libvirt": "libvirt"}


def _network(f: Fields, provider: str, errors: _Errors) -> Network:
    sub = f.sub("network")
    if sub is None:
        return Network()
    sub.only(("private_network", "forwarded_ports", "reachable_from_other_computers"))
    private = errors.attempt(_private_network, sub, provider)
    ports: list[ForwardedPort] = []
    for index, _item in sub.items("forwarded_ports"):
        if (port := errors.attempt(_forwarded_port, f, index, ports)) is not None:
            ports.append(port)
    # No forwarded port of its own is fine: the apps' ports are forwarded by default.
    reachable = errors.attempt(sub.get, "reachable_from_other_computers", bool, False, default=False)
    return Network(private, tuple(ports), reachable)


def _private_network(sub: Fields, provider: str) -> str | None:
    private = sub.text("private_network", None)
    if private is not None and private != "dhcp":
        try:
            address = ipaddress.IPv4Address(private)
        except ValueError:
            raise sub.error(("private_network",), f"must be 'dhcp' or an IPv4 address, not '{private}'") from None
        if not address.is_private or address.is_loopback:
            raise sub.error(("private_network",), f"{private} is not a private address (use e.g. 192.168.56.10)")
        last = int(address) & 0xFF
        if last in (0, 255):
            raise sub.error(("private_network",), f"{private} is the {'network' if last == 0 else 'broadcast'} address "
                            "of its /24, not one a VM can use (use .2 to .254)")
        if last == 1 and provider in HOST_TAKES_DOT_ONE:
            raise sub.error(("private_network",), f"{private} is the address {HOST_TAKES_DOT_ONE[provider]} gives this computer on that "
                            f"network, so the VM cannot have it: use another, like {address + 9}")
    return private


def _forwarded_port(f: Fields, index: int, ports: list[ForwardedPort]) -> ForwardedPort:
    item = Fields(f.doc, ("network", "forwarded_ports", index))
    item.only(("guest", "host", "protocol"))
    protocol = item.text("protocol", "tcp")
    if protocol not in ("tcp", "udp"):
        raise item.error(("protocol",), f"must be 'tcp' or 'udp', not '{protocol}'")
    guest, host = item.get("guest", int), item.get("host", int)
    if not 1 <= guest <= 65535:
        raise item.error(("guest",), f"the VM's port must be between 1 and 65535, got {guest}")
    # Ports under 1024 need root on Linux and macOS hosts; Vagrant would fail late.
    if not 1024 <= host <= 65535:
        raise item.error(("host",), f"this computer's port (host port) must be between 1024 and 65535, got {host}"
                         + (": lower ones need administrator rights; use e.g. 8080 (the VM's port may stay "
                            f"{guest})" if 0 < host < 1024 else ""))
    port = ForwardedPort(guest, host, protocol)
    if any(p.host == port.host and p.protocol == port.protocol for p in ports):
        raise item.error(("host",), f"host port {port.host} is forwarded twice")
    return port


def _shared_folders(f: Fields, family: str, errors: _Errors) -> tuple[SharedFolder, ...]:
    folders: list[SharedFolder] = []
    for index, _item in f.items("shared_folders"):
        if (folder := errors.attempt(_shared_folder, f, family, index, folders)) is not None:
            folders.append(folder)
    return tuple(folders)


def _shared_folder(f: Fields, family: str, index: int, folders: list[SharedFolder]) -> SharedFolder:
    item = Fields(f.doc, ("shared_folders", index))
    item.only(("host", "guest"))
    host, guest = item.text("host"), item.text("guest")
    guest_path = PureWindowsPath(guest) if family == "windows" else PurePosixPath(guest)
    if not guest_path.is_absolute():
        raise item.error(("guest",), f"'{guest}' must be an absolute path in the VM")
    if guest_path in (PurePosixPath("/"), PureWindowsPath("C:/")) or guest in ("/vagrant",):
        raise item.error(("guest",), f"'{guest}' would hide the VM's own files; choose a sub-folder")
    if any(existing.guest == guest for existing in folders):
        raise item.error(("guest",), f"'{guest}' is shared twice")
    if family == "macos" and not any(guest.startswith(root) for root in _MACOS_WRITABLE):
        raise item.error(("guest",), f"'{guest}' is on macOS's read-only system volume: put it under "
                         "/Users/vagrant/ (like /Users/vagrant/data) or another of " + ", ".join(_MACOS_WRITABLE))
    return SharedFolder(host, guest)


def _packages(f: Fields, family: str, os_label: str, errors: _Errors) -> Packages:
    sub = f.sub("packages")
    if sub is None:
        return Packages()
    sub.only(names.PACKAGE_CHECKS)
    found: dict[str, tuple[str, ...]] = {}
    for category, check in names.PACKAGE_CHECKS.items():
        values = errors.attempt(sub.texts, category, [], default=[])
        if values and category not in FAMILY_CATEGORIES[family]:
            allowed = ", ".join(FAMILY_CATEGORIES[family]) or "none yet"
            errors.add(sub.error((category,), f"{category} packages cannot be installed on {os_label} (possible: {allowed})"
                                 + _CATEGORY_HINTS.get((category, family == "macos"), "")))
            continue
        seen: set[str] = set()
        for index, value in enumerate(values):
            # Homebrew's '@' is part of the name (gcc@12 and gcc@13 are two formulae).
            key = value.lower() if category == "brew" else re.split(r"[=@<>!~\[; ]", value, maxsplit=1)[0].lower().replace("_", "-")
            if reason := check(value):
                errors.add(sub.error((category, index), f"'{value}' {reason}"))
            elif key in seen:
                errors.add(sub.error((category, index), f"'{key}' is listed twice"))
            seen.add(key)
        found[category] = tuple(values)
    return Packages(**found)


def _no_control_chars(doc: Document, spec: Spec) -> None:
    """Free text may hold anything printable; control characters would corrupt files."""
    texts = {("description",): spec.description}
    for index, folder in enumerate(spec.shared_folders):
        texts[("shared_folders", index, "host")] = folder.host
        texts[("shared_folders", index, "guest")] = folder.guest
    for path, text in texts.items():
        bad = [c for c in text if ord(c) < 32 and c not in "\n\t" or 127 <= ord(c) < 160]
        if path != ("description",):  # one-line fields: no line break of any kind
            bad += [c for c in text if c in "\n\u2028\u2029"]
        if bad:
            raise InputError(f"contains a control character ({bad[0]!r})", doc.where(path))
