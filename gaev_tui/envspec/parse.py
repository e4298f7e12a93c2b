"""Checking a spec document against its grammar and the catalogue.

Every rule raises one :class:`InputError` naming the file, line and field; nothing is
generated from a spec that fails.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from pathlib import Path, PurePosixPath, PureWindowsPath

from gaev_tui import names, yamlsrc
from gaev_tui.catalog import Catalog, load_catalog
from gaev_tui.errors import InputError
from gaev_tui.fields import Fields
from gaev_tui.envspec.model import (
    SPEC_KEYS, BaseBox, ForwardedPort, Network, Packages, Resources, SharedFolder, Spec,
)
from gaev_tui.yamlsrc import Document

_BOX_VERSION = re.compile(r"^[0-9]+(\.[0-9]+)*$")
# Which package categories each OS family can install, and why not otherwise.
FAMILY_CATEGORIES = {
    "debian": ("apt", "python", "r", "bioconductor"),
    "rhel": ("apt", "python", "r", "bioconductor"),
    "windows": ("choco", "r", "bioconductor"),
    "macos": (),
}
LIBVIRT_DRIVERS = ("kvm", "qemu")


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


def parse_spec(doc: Document, catalog: Catalog) -> Spec:
    if doc.data is None:
        raise InputError("the spec is empty; it needs at least name, os and provider", doc.where(()))
    f = Fields(doc)
    f.only(SPEC_KEYS)
    name = _checked(f, "name", names.project_name)
    os_id = _known(f, "os", catalog.oses)
    os_entry = catalog.oses[os_id]
    provider = _known(f, "provider", catalog.providers)
    base_box = _base_box(f, catalog, os_id, provider)
    apps = _apps(f, catalog, os_entry.family)
    spec = Spec(
        name=name, os=os_id, provider=provider,
        description=f.get("description", str, ""),
        provider_options=_provider_options(f, catalog, provider),
        base_box=base_box,
        hostname=_checked(f, "hostname", names.hostname, None),
        resources=_resources(f, catalog, apps),
        network=_network(f),
        shared_folders=_shared_folders(f, os_entry.family),
        packages=_packages(f, os_entry.family, os_entry.label),
        apps=apps,
        timezone=_checked(f, "timezone", names.timezone, None),
        locale=_checked(f, "locale", names.locale, None),
    )
    _no_control_chars(doc, spec)
    return spec


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
        sub.only(("name", "version", "build"))
        version = sub.get("version", (str, int, float), None)
        if version is not None:
            version = str(version)
            if not _BOX_VERSION.fullmatch(version):
                raise sub.error(("version",), f"'{version}' is not a box version (like '202401.31.0')")
        box = BaseBox(_checked(sub, "name", names.box_name, None), version, sub.text("build", None))
        if box.build not in (None, "packer"):
            raise sub.error(("build",), f"the only way to build a base box is 'packer', not '{box.build}'")
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


def _apps(f: Fields, catalog: Catalog, family: str) -> tuple[str, ...]:
    apps = f.texts("apps", [])
    for index, app in enumerate(apps):
        if app not in catalog.apps:
            close = difflib.get_close_matches(app, list(catalog.apps), n=1, cutoff=0.5)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known: {', '.join(catalog.apps)}"
            raise f.error(("apps", index), f"unknown app '{app}'{hint}")
        if family not in catalog.apps[app].families:
            raise f.error(("apps", index), f"{catalog.apps[app].label} does not install on {family}-family systems (only {', '.join(catalog.apps[app].families)})")
        if app in apps[:index]:
            raise f.error(("apps", index), f"'{app}' is listed twice")
    return tuple(apps)


def _resources(f: Fields, catalog: Catalog, apps: tuple[str, ...]) -> Resources:
    sub = f.sub("resources")
    if sub is None:
        resources = Resources()
    else:
        sub.only(("cpus", "memory_mb", "disk_gb"))
        resources = Resources(
            cpus=sub.number("cpus", 1, 64, Resources.cpus),
            memory_mb=sub.number("memory_mb", 256, 1024 * 1024, Resources.memory_mb),
            disk_gb=sub.number("disk_gb", 4, 16384, None),
        )
    needed = required_memory_mb(catalog, apps)
    if resources.memory_mb < needed:
        labels = ", ".join(catalog.apps[app].label for app in apps)
        raise f.error(("resources", "memory_mb"), f"{resources.memory_mb} MB is less than the {needed} MB that {labels} need")
    return resources


def _network(f: Fields) -> Network:
    sub = f.sub("network")
    if sub is None:
        return Network()
    sub.only(("private_network", "forwarded_ports"))
    private = sub.text("private_network", None)
    if private is not None and private != "dhcp":
        try:
            address = ipaddress.IPv4Address(private)
        except ValueError:
            raise sub.error(("private_network",), f"must be 'dhcp' or an IPv4 address, not '{private}'") from None
        if not address.is_private or address.is_loopback:
            raise sub.error(("private_network",), f"{private} is not a private address (use e.g. 192.168.56.10)")
    ports: list[ForwardedPort] = []
    for index, _item in sub.items("forwarded_ports"):
        item = Fields(f.doc, ("network", "forwarded_ports", index))
        item.only(("guest", "host", "protocol"))
        protocol = item.text("protocol", "tcp")
        if protocol not in ("tcp", "udp"):
            raise item.error(("protocol",), f"must be 'tcp' or 'udp', not '{protocol}'")
        # Ports under 1024 need root on Linux and macOS hosts; Vagrant would fail late.
        port = ForwardedPort(item.number("guest", 1, 65535), item.number("host", 1024, 65535), protocol)
        if any(p.host == port.host and p.protocol == port.protocol for p in ports):
            raise item.error(("host",), f"host port {port.host} is forwarded twice")
        ports.append(port)
    return Network(private, tuple(ports))


def _shared_folders(f: Fields, family: str) -> tuple[SharedFolder, ...]:
    folders: list[SharedFolder] = []
    for index, _item in f.items("shared_folders"):
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
        folders.append(SharedFolder(host, guest))
    return tuple(folders)


def _packages(f: Fields, family: str, os_label: str) -> Packages:
    sub = f.sub("packages")
    if sub is None:
        return Packages()
    sub.only(names.PACKAGE_CHECKS)
    found: dict[str, tuple[str, ...]] = {}
    for category, check in names.PACKAGE_CHECKS.items():
        values = sub.texts(category, [])
        if values and category not in FAMILY_CATEGORIES[family]:
            allowed = ", ".join(FAMILY_CATEGORIES[family]) or "none yet"
            raise sub.error((category,), f"{category} packages cannot be installed on {os_label} (possible: {allowed})")
        seen: set[str] = set()
        for index, value in enumerate(values):
            if reason := check(value):
                raise sub.error((category, index), f"'{value}' {reason}")
            key = re.split(r"[=@<>!~\[; ]", value, maxsplit=1)[0].lower().replace("_", "-")
            if key in seen:
                raise sub.error((category, index), f"'{key}' is listed twice")
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
