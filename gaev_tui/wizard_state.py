"""The wizard's answers in one object, convertible to and from a spec dict.

The wizard is a face on the spec: every answer is kept here as the user typed it (so
Back never loses anything, even invalid text), turned into a spec dict, and checked by
the spec parser itself. ``from_spec_dict(d).to_spec_dict() == d`` for every normalised
spec, which makes ``gaev open`` lossless. No Textual here: this is core.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from gaev_tui.catalog import Catalog
from gaev_tui.envspec import Spec, parse_spec_text, spec_errors_text, spec_to_dict
from gaev_tui.envspec.dump import dump_yaml
from gaev_tui.errors import InputError, Location

# The steps that edit the spec, in order, and the spec keys each one owns.
STEP_FIELDS: dict[str, tuple[str, ...]] = {
    "os_provider": ("name", "description", "os", "provider", "provider_options"),
    "base_box": ("base_box",),
    "packages": ("packages",),
    "apps": ("apps", "app_options"),
    "resources": ("hostname", "resources", "network", "shared_folders", "timezone", "locale"),
}
STEPS = tuple(STEP_FIELDS)
CATEGORIES = ("apt", "python", "r", "bioconductor", "choco", "brew", "tex")
WIZARD_FILE = "wizard"  # the "file" named in errors about what the user typed

_PORT = re.compile(r"^\s*(\S+?)\s*:\s*(\S+?)\s*(?:/\s*(\S+))?\s*$")


@dataclass
class WizardState:
    """Everything the wizard asks, as typed; see :func:`to_spec_dict` for the meaning."""

    name: str = ""
    description: str = ""
    os: str = ""
    provider: str = ""
    provider_options: dict[str, Any] = field(default_factory=dict)
    box_name: str = ""  # blank: the catalogue's default for the OS and provider
    box_version: str = ""  # blank: the newest
    box_build: str = ""  # "packer": build the base box from the installer ISO
    box_url: str = ""  # blank: none; else a box registry's metadata.json for box_name
    hostname: str = ""
    cpus: str = "2"
    memory_mb: str = "2048"
    disk_gb: str = ""  # blank: no cap
    private_network: str = ""  # blank: none; "dhcp" or an IPv4 address
    forwarded_ports: str = ""  # "HOST:GUEST[/udp]" items, comma separated
    ports_for_others: bool = False  # network.reachable_from_other_computers
    shared_folders: str = ""  # "HOST -> GUEST" items, separated by ";"
    packages: dict[str, list[str]] = field(default_factory=lambda: {c: [] for c in CATEGORIES})
    apps: list[str] = field(default_factory=list)
    # Carried from an opened spec (the wizard has no page for them); kept for chosen apps only.
    app_options: dict[str, dict[str, int]] = field(default_factory=dict)
    timezone: str = ""
    locale: str = ""
    dest: str = ""  # where the project is written (not part of the spec)

    @classmethod
    def from_spec(cls, spec: Spec, dest: str = "") -> WizardState:
        """The answers that give ``spec`` back."""
        return cls.from_spec_dict(spec_to_dict(spec), dest)

    @classmethod
    def from_spec_dict(cls, data: dict[str, Any], dest: str = "") -> WizardState:
        """Answers from a normalised spec dict (as :func:`spec_to_dict` makes it)."""
        box = data.get("base_box", {})
        resources = data.get("resources", {})
        network = data.get("network", {})
        packages = {c: list(data.get("packages", {}).get(c, [])) for c in CATEGORIES}
        return cls(
            name=data.get("name", ""), description=data.get("description", ""),
            os=data.get("os", ""), provider=data.get("provider", ""),
            provider_options=dict(data.get("provider_options", {})),
            box_name=box.get("name", ""), box_version=str(box.get("version", "")),
            box_build=box.get("build", ""), box_url=box.get("url", ""), hostname=data.get("hostname", ""),
            cpus=_text(resources.get("cpus")), memory_mb=_text(resources.get("memory_mb")),
            disk_gb=_text(resources.get("disk_gb")),
            private_network=network.get("private_network", ""),
            forwarded_ports=ports_to_text(network.get("forwarded_ports", [])),
            ports_for_others=bool(network.get("reachable_from_other_computers")),
            shared_folders=folders_to_text(data.get("shared_folders", [])),
            packages=packages, apps=list(data.get("apps", [])),
            app_options={app: dict(values) for app, values in data.get("app_options", {}).items()},
            timezone=data.get("timezone", ""), locale=data.get("locale", ""), dest=dest,
        )

    def copy(self) -> WizardState:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["packages"] = {c: list(v) for c, v in self.packages.items()}
        values["app_options"] = {app: dict(v) for app, v in self.app_options.items()}
        return WizardState(**{**values, "apps": list(self.apps), "provider_options": dict(self.provider_options)})

    def to_spec_dict(self, upto: str | None = None) -> dict[str, Any]:
        """The spec dict these answers mean; with ``upto``, only the steps until that one.

        Typed text that is not a number stays text, so the spec parser reports it with
        its own words; only the wizard's own list syntax is checked here.
        """
        allowed = _keys_upto(upto)
        box = {k: v for k, v in (("name", self.box_name), ("version", self.box_version), ("build", self.box_build),
                                 ("url", self.box_url.strip())) if v}
        resources = {k: _number(v) for k, v in (("cpus", self.cpus), ("memory_mb", self.memory_mb), ("disk_gb", self.disk_gb)) if v.strip()}
        network: dict[str, Any] = {}
        if self.private_network.strip():
            network["private_network"] = self.private_network.strip()
        if "network" in allowed and (ports := parse_ports(self.forwarded_ports)):
            network["forwarded_ports"] = ports
        if "network" in allowed and self.ports_for_others:
            network["reachable_from_other_computers"] = True
        out: dict[str, Any] = {
            "name": self.name.strip(), "description": self.description,
            "os": self.os, "provider": self.provider, "provider_options": self.provider_options,
            "base_box": box, "hostname": self.hostname.strip(), "resources": resources,
            "network": network,
            "shared_folders": parse_folders(self.shared_folders) if "shared_folders" in allowed else [],
            "packages": {c: list(v) for c, v in self.packages.items() if v},
            "apps": list(self.apps), "timezone": self.timezone.strip(), "locale": self.locale.strip(),
            "app_options": {app: dict(v) for app, v in self.app_options.items() if app in self.apps and v},
        }
        return {k: v for k, v in out.items() if k in allowed and v not in ("", {}, [], None)}

    def check(self, catalog: Catalog, upto: str | None = None) -> Spec:
        """The spec, checked by the spec parser; :class:`InputError` names the field."""
        text = dump_yaml(self.to_spec_dict(upto))
        return parse_spec_text(text, catalog, file=WIZARD_FILE)

    def errors(self, catalog: Catalog, upto: str | None = None) -> list[InputError]:
        """Every problem of the answers (up to a step), not just the first: a step shows
        them all at once. [] when :meth:`check` would pass."""
        try:
            text = dump_yaml(self.to_spec_dict(upto))
        except InputError as error:  # the wizard's own list syntax (ports, folders)
            return [error]
        return spec_errors_text(text, catalog, file=WIZARD_FILE)

    def default_dest(self, cwd: Path | None = None) -> Path:
        """The project directory: the one chosen, else ``./NAME``."""
        base = cwd or Path.cwd()
        return base / (self.dest or self.name.strip() or "gaev-project")


def step_of(error: InputError) -> str:
    """Which step owns the field an error is about."""
    top = re.split(r"[.\[]", error.location.field or "name", maxsplit=1)[0]
    return next((step for step, keys in STEP_FIELDS.items() if top in keys), STEPS[0])


def _keys_upto(upto: str | None) -> set[str]:
    steps = STEPS if upto is None else STEPS[: STEPS.index(upto) + 1]
    return {key for step in steps for key in STEP_FIELDS[step]}


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _number(text: str) -> int | str:
    text = text.strip()
    # ASCII digits only ('²' is a digit to isdigit, not to int), and short: Python refuses
    # to convert 4,300 digits; a long one stays text and is refused as not a number.
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else text


def _items(text: str, sep: str) -> list[str]:
    return [item.strip() for item in text.split(sep) if item.strip()]


def parse_ports(text: str) -> list[dict[str, Any]]:
    """``"8000:80, 5353:53/udp"`` -> forwarded ports (this machine's port first)."""
    ports = []
    for index, item in enumerate(_items(text.replace(" ", ","), ",")):
        match = _PORT.match(item)
        if not match:
            raise InputError(f"'{item}' is not THIS-MACHINE:VM, like 8000:80",
                             Location(WIZARD_FILE, None, f"network.forwarded_ports[{index}]"))
        host, guest, protocol = match.groups()
        port = {"guest": _number(guest), "host": _number(host)}
        if protocol and protocol != "tcp":
            port["protocol"] = protocol
        ports.append(port)
    return ports


def ports_to_text(ports: list[dict[str, Any]]) -> str:
    return ", ".join(f"{p['host']}:{p['guest']}" + (f"/{p['protocol']}" if p.get("protocol", "tcp") != "tcp" else "") for p in ports)


def parse_folders(text: str) -> list[dict[str, str]]:
    """``"./data -> /media/sf_DATA; ..."`` -> shared folders (this machine's path first)."""
    folders = []
    for index, item in enumerate(_items(text, ";")):
        host, arrow, guest = item.partition("->")
        if not arrow or not host.strip() or not guest.strip():
            raise InputError(f"'{item}' is not THIS-MACHINE-PATH -> VM-PATH, like ./data -> /srv/data",
                             Location(WIZARD_FILE, None, f"shared_folders[{index}]"))
        folders.append({"host": host.strip(), "guest": guest.strip()})
    return folders


def folders_to_text(folders: list[dict[str, str]]) -> str:
    return "; ".join(f"{f['host']} -> {f['guest']}" for f in folders)


def display_path(path: Path, cwd: Path | None = None) -> str:
    """``./NAME`` for a path under the current directory (what the user typed, and
    what the commands shown next use), else the absolute path."""
    path = Path(path).absolute()
    base = (cwd or Path.cwd()).absolute()
    try:
        relative = path.relative_to(base)
    except ValueError:
        return str(path)
    return f"./{relative}" if str(relative) != "." else "."
