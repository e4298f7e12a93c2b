"""The normalised spec: canonical key order, explicit resources, empty parts left out.

``parse_spec(dump_spec(spec)) == spec`` holds for every valid spec, which is what lets
the wizard save and reopen a spec without losing anything.
"""

from __future__ import annotations

from typing import Any

import yaml

from gaev_tui.envspec.model import Spec


def spec_to_dict(spec: Spec) -> dict[str, Any]:
    out: dict[str, Any] = {"name": spec.name}
    if spec.description:
        out["description"] = spec.description
    out["os"] = spec.os
    out["provider"] = spec.provider
    if spec.provider_options:
        out["provider_options"] = dict(sorted(spec.provider_options.items()))
    base = spec.base_box
    box = {k: v for k, v in (("name", base.name), ("version", base.version), ("build", base.build), ("url", base.url))
           if v is not None}
    if box:
        out["base_box"] = box
    if spec.hostname:
        out["hostname"] = spec.hostname
    resources: dict[str, Any] = {"cpus": spec.resources.cpus, "memory_mb": spec.resources.memory_mb}
    if spec.resources.disk_gb is not None:
        resources["disk_gb"] = spec.resources.disk_gb
    out["resources"] = resources
    network: dict[str, Any] = {}
    if spec.network.private_network:
        network["private_network"] = spec.network.private_network
    if spec.network.forwarded_ports:
        network["forwarded_ports"] = [
            {"guest": p.guest, "host": p.host, **({"protocol": p.protocol} if p.protocol != "tcp" else {})}
            for p in spec.network.forwarded_ports
        ]
    if spec.network.reachable_from_other_computers:
        network["reachable_from_other_computers"] = True
    if network:
        out["network"] = network
    if spec.shared_folders:
        out["shared_folders"] = [{"host": f.host, "guest": f.guest} for f in spec.shared_folders]
    packages = {
        category: list(values)
        for category in ("apt", "python", "r", "bioconductor", "choco", "brew", "tex")
        if (values := getattr(spec.packages, category))
    }
    if packages:
        out["packages"] = packages
    if spec.apps:
        out["apps"] = list(spec.apps)
    if spec.app_options:
        out["app_options"] = {app: dict(sorted(values.items())) for app, values in spec.app_options.items() if values}
    if spec.timezone:
        out["timezone"] = spec.timezone
    if spec.locale:
        out["locale"] = spec.locale
    if spec.targets != ("vagrant",):
        out["targets"] = list(spec.targets)
    return out


class _Dumper(yaml.SafeDumper):
    """Block style for mappings, flow style for short scalar lists, no aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key, as yamllint (and ansible-lint) expect.
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(data: Any) -> str:
    """YAML text for plain data, the same bytes for the same data."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)


def dump_spec(spec: Spec) -> str:
    return "# GAEV spec: edit it, then run 'gaev generate gaev.yaml -o DIR' or 'gaev open gaev.yaml'.\n" + dump_yaml(spec_to_dict(spec))
