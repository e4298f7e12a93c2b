"""Turn a merged catalogue document into checked :class:`Catalog` entries."""

from __future__ import annotations

import re

from gaev_tui import names
from gaev_tui.catalog.model import (
    APP_KINDS, COMMUNICATORS, HOST_OSES, INSTALL_KINDS, OS_FAMILIES, PACKAGE_CATEGORIES,
    App, BoxRef, Catalog, Iso, OsEntry, PackageSet, PackerPlugin, Port, Provider,
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
    if not data["oses"]:
        raise doc.error(("oses",), "the catalogue offers no OS")
    return Catalog(providers, oses, sets, apps, sources)


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
    f.only(("label", "family", "distro", "version", "communicator", "boxes", "iso", "notes"))
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
            box.only(("name", "version", "description"))
            name = box.text("name")
            if reason := names.box_name(name):
                raise box.error(("name",), reason)
            refs.append(BoxRef(name, box.text("version", None), box.text("description", "")))
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
        notes=f.text("notes", ""),
    )


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
    f.only(("kind", "label", "description", "ports", "min_memory_mb", "families", "version", "image", "settings"))
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
        settings=settings,
    )
