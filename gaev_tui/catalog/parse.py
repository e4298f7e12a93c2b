"""Turn a merged catalogue document into checked :class:`Catalog` entries."""

from __future__ import annotations

import re

from gaev_tui import names
from gaev_tui.catalog.model import (
    APP_KINDS,
    BASE_URL_FORMATS,
    BASE_URL_VALUES,
    COMMUNICATORS,
    HOST_OSES,
    INSTALL_KINDS,
    INSTALLERS,
    OS_FAMILIES,
    PACKAGE_CATEGORIES,
    App,
    AppOption,
    AptRepo,
    BaseUrl,
    BoxRef,
    Catalog,
    Installer,
    Iso,
    OsEntry,
    PackageSet,
    PackerPlugin,
    Port,
    Provider,
    Provisioning,
    RLibraries,
)
from gaev_tui.fields import Fields
from gaev_tui.yamlsrc import Document

_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_CHECKSUM = re.compile(r"^(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128}|file:https?://\S+)$")


def build(doc: Document, sources: tuple[str, ...]) -> Catalog:
    data = doc.data
    providers = {pid: _provider(Fields(doc, ("providers", pid)), pid) for pid in _ids(doc, "providers")}
    oses = {oid: _os(Fields(doc, ("oses", oid)), oid, providers) for oid in _ids(doc, "oses")}
    sets = {sid: _package_set(Fields(doc, ("package_sets", sid)), sid) for sid in _ids(doc, "package_sets")}
    apps = {aid: _app(Fields(doc, ("apps", aid)), aid) for aid in _ids(doc, "apps")}
    libraries = {name: _r_libraries(Fields(doc, ("r_libraries", name)), name) for name in data.get("r_libraries", {})}
    if not data["oses"]:
        raise doc.error(("oses",), "the catalogue offers no OS")
    return Catalog(providers, oses, sets, apps, r_libraries=libraries, sources=sources)


def _ids(doc: Document, section: str) -> list[str]:
    for entry_id in doc.data[section]:
        if not _ID.fullmatch(entry_id):
            raise doc.error((section, entry_id), "ids must be lower-case letters, digits, '.', '_' or '-'")
    return list(doc.data[section])


def _choice(f: Fields, key: str, allowed: tuple[str, ...], default: object = ...) -> str:
    value = f.text(key) if default is ... else f.text(key, default)
    if value not in allowed:
        raise f.error((key,), f"must be one of {', '.join(allowed)}, not '{value}'")
    return value


def _provider(f: Fields, pid: str) -> Provider:
    f.only(("label", "description", "hosts", "tool", "vagrant_plugin", "packer", "install_hint", "options"))
    hosts = tuple(f.texts("hosts"))
    for index, host in enumerate(hosts):
        if host not in HOST_OSES:
            raise f.error(("hosts", index), f"must be one of {', '.join(HOST_OSES)}")
    builder, plugin = None, None
    packer = f.sub("packer")
    if packer is not None:
        packer.only(("builder", "plugin"))
        builder = packer.text("builder")
        spec = packer.sub("plugin")
        if spec is not None:
            spec.only(("source", "version"))
            plugin = PackerPlugin(spec.text("source"), spec.text("version"))
    return Provider(
        id=pid, label=f.text("label"), description=f.text("description", ""), hosts=hosts,
        tool=f.text("tool", None), vagrant_plugin=f.text("vagrant_plugin", None),
        packer_builder=builder, packer_plugin=plugin, install_hint=f.text("install_hint"),
        options=tuple(f.texts("options", [])),
    )


def _os(f: Fields, oid: str, providers: dict[str, Provider]) -> OsEntry:
    f.only(("label", "family", "distro", "version", "communicator", "boxes", "iso", "notes", "provisioning"))
    boxes_f = f.sub("boxes")
    if boxes_f is None or not boxes_f.data:
        raise f.error(("boxes",), "must list at least one provider with its boxes")
    boxes: dict[str, tuple[BoxRef, ...]] = {}
    for provider, items in boxes_f.data.items():
        if provider not in providers:
            raise boxes_f.error((provider,), f"unknown provider '{provider}'; known: {', '.join(providers)}")
        if not isinstance(items, list) or not items:
            raise boxes_f.error((provider,), "must be a non-empty list of boxes ({name: ..., version: ...})")
        refs = []
        for index, _item in enumerate(items):
            box = Fields(f.doc, (*boxes_f.path, provider, index))
            box.only(("name", "version", "description", "disk_gb"))
            name = box.text("name")
            if reason := names.box_name(name):
                raise box.error(("name",), reason)
            refs.append(BoxRef(name, box.text("version", None), box.text("description", ""),
                               box.number("disk_gb", 1, 65536, None)))
        boxes[provider] = tuple(refs)
    iso = None
    if (iso_f := f.sub("iso")) is not None:
        iso_f.only(("url", "checksum", "install"))
        checksum = iso_f.text("checksum")
        if not _CHECKSUM.fullmatch(checksum):
            raise iso_f.error(("checksum",), "must be 'sha256:<64 hex>' (or sha512:, or file:<url>)")
        iso = Iso(iso_f.text("url"), checksum, _choice(iso_f, "install", INSTALL_KINDS))
    return OsEntry(
        id=oid, label=f.text("label"), family=_choice(f, "family", OS_FAMILIES),
        distro=f.text("distro"), version=str(f.get("version", (str, int, float))),
        communicator=_choice(f, "communicator", COMMUNICATORS, "ssh"), boxes=boxes, iso=iso,
        notes=f.text("notes", ""), provisioning=_provisioning(f.sub("provisioning")),
    )


_VERSION = re.compile(r"^\d+\.\d+\.\d+$")
_FINGERPRINT = re.compile(r"^[0-9A-F]{40}$")
_RPM_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9+._-]*$")


def _provisioning(f: Fields | None) -> Provisioning:
    if f is None:
        return Provisioning()
    f.only(("ansible_core", "ansible_python", "r_apt", "r_binary_repo", "installers"))
    core = f.text("ansible_core", "")
    if core and not _VERSION.match(core):
        raise f.error(("ansible_core",), f"must be an exact version such as 2.19.14, not '{core}'")
    python = f.text("ansible_python", "")
    if python and not re.match(r"^3\.\d+$", python):
        raise f.error(("ansible_python",), f"must be a Python version such as 3.11, not '{python}'")
    repo = None
    if (apt := f.sub("r_apt")) is not None:
        apt.only(("url", "suite", "key_url", "fingerprint"))
        fingerprint = apt.text("fingerprint").replace(" ", "").upper()
        if not _FINGERPRINT.match(fingerprint):
            raise apt.error(("fingerprint",), "must be the key's 40-hex-digit OpenPGP fingerprint")
        for key in ("url", "key_url"):
            if not apt.text(key).startswith("https://"):
                raise apt.error((key,), "must be an https:// address")
        repo = AptRepo(apt.text("url"), apt.text("suite"), apt.text("key_url"), fingerprint)
    binary = f.text("r_binary_repo", "")
    if binary and not binary.startswith(("https://", "file://")):
        raise f.error(("r_binary_repo",), "must be an https:// address")
    return Provisioning(core, python, repo, binary, _installers(f.sub("installers")))


_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _installers(f: Fields | None) -> dict[str, Installer]:
    """``provisioning.installers`` (macOS): each download pinned by its sha256."""
    if f is None:
        return {}
    f.only(INSTALLERS)
    found = {}
    for name in f.data:
        item = f.sub(name)
        if item is None:
            raise f.error((name,), "must be a mapping {version, url, sha256}")
        item.only(("version", "url", "sha256", "repository") if name == "tex" else ("version", "url", "sha256"))
        url, repository = item.text("url"), item.text("repository", "")
        for key, value in (("url", url), ("repository", repository)):
            if value and not value.startswith("https://"):
                raise item.error((key,), "must be an https:// address")
        sha256 = item.text("sha256").lower()
        if not _SHA256.match(sha256):
            raise item.error(("sha256",), "must be the file's sha256: 64 hexadecimal digits")
        found[name] = Installer(str(item.get("version", (str, int, float))), url, sha256, repository)
    return found


def _r_libraries(f: Fields, name: str) -> RLibraries:
    if reason := names.PACKAGE_CHECKS["r"](name):
        raise f.error((), f"'{name}' {reason}")
    f.only(("debian", "rhel"))
    needs = {}
    for family in ("debian", "rhel"):
        packages = f.texts(family, [])
        for index, package in enumerate(packages):
            # RPM names may hold capitals (libXt-devel); Debian's may not.
            reason = names.PACKAGE_CHECKS["apt"](package) if family == "debian" else (
                None if _RPM_NAME.match(package) else "is not an RPM package name")
            if reason:
                raise f.error((family, index), f"'{package}' {reason}")
        needs[family] = tuple(packages)
    return RLibraries(name, needs)


def _package_set(f: Fields, sid: str) -> PackageSet:
    f.only(("category", "label", "description", "packages"))
    category = _choice(f, "category", PACKAGE_CATEGORIES)
    packages = f.texts("packages")
    check = names.PACKAGE_CHECKS[category]
    for index, package in enumerate(packages):
        if reason := check(package):
            raise f.error(("packages", index), f"'{package}' {reason}")
    return PackageSet(sid, category, f.text("label"), f.text("description", ""), tuple(packages))


def _app(f: Fields, aid: str) -> App:
    f.only(("kind", "label", "description", "ports", "min_memory_mb", "families", "version", "image", "settings", "options", "base_url"))
    ports = []
    for index, _item in f.items("ports"):
        port = Fields(f.doc, (*f.path, "ports", index))
        port.only(("guest", "name"))
        ports.append(Port(port.number("guest", 1, 65535), port.text("name")))
    families = tuple(f.texts("families"))
    for index, family in enumerate(families):
        if family not in OS_FAMILIES:
            raise f.error(("families", index), f"must be one of {', '.join(OS_FAMILIES)}")
    settings_f = f.sub("settings")
    settings = {}
    if settings_f is not None:
        for key in settings_f.data:
            settings[key] = str(settings_f.get(key, (str, int, float)))
    return App(
        id=aid, kind=_choice(f, "kind", APP_KINDS), label=f.text("label"),
        description=f.text("description", ""), ports=tuple(ports),
        min_memory_mb=f.number("min_memory_mb", 128, 1 << 20), families=families,
        version=str(f.get("version", (str, int, float), "")), image=f.text("image", ""),
        settings=settings, options=_app_options(f.sub("options")), base_url=_base_url(f),
    )


_CONFIG_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_RESTART = re.compile(r"^(systemd|docker):[A-Za-z0-9_.@-]+$")


def _base_url(f: Fields) -> BaseUrl | None:
    """``base_url:`` of an app. The hook writes it as data; still, the catalogue's file,
    key and restart target are checked so that no value can smuggle shell or code."""
    sub = f.sub("base_url")
    if sub is None:
        return None
    sub.only(("file", "format", "key", "value", "path", "restart"))
    file = sub.text("file")
    if not file.startswith("/") or ".." in file.split("/") or not re.fullmatch(r"[A-Za-z0-9_./@+-]+", file):
        raise sub.error(("file",), f"must be an absolute path in the guest without '..', not '{file}'")
    key = sub.text("key")
    if not _CONFIG_KEY.match(key):
        raise sub.error(("key",), f"must be a configuration key (letters, digits, '_', '.', '-'), not '{key}'")
    path = sub.text("path", "/")
    if not re.fullmatch(r"/[A-Za-z0-9_./-]*", path):
        raise sub.error(("path",), f"must be a URL path starting with '/', not '{path}'")
    restart = sub.text("restart", "")
    if restart and not _RESTART.match(restart):
        raise sub.error(("restart",), f"must be 'systemd:UNIT' or 'docker:CONTAINER', not '{restart}'")
    return BaseUrl(
        file=file, format=_choice(sub, "format", BASE_URL_FORMATS), key=key,
        value=_choice(sub, "value", BASE_URL_VALUES, "url"), path=path, restart=restart,
    )


def _app_options(f: Fields | None) -> dict[str, AppOption]:
    options: dict[str, AppOption] = {}
    for name in f.data if f is not None else ():
        option = f.sub(name)
        if option is None:
            raise f.error((name,), "must be a mapping {default, min, max, description}")
        option.only(("default", "min", "max", "description"))
        low, high = option.number("min", 0, 1 << 30), option.number("max", 0, 1 << 30)
        options[name] = AppOption(name, option.number("default", low, high), low, high, option.text("description", ""))
    return options
