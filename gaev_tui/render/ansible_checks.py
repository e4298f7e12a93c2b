"""``gaev validate`` checks of a project's Ansible side: the collections its roles
need are installed, and its R packages' system libraries are known."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import yaml

from gaev_tui import tools
from gaev_tui.catalog import load_catalog
from gaev_tui.envspec import load_spec
from gaev_tui.errors import InputError
from gaev_tui.render.ansible import r_library_warnings
from gaev_tui.tools import CheckResult


def check_collections(project: Path) -> Iterator[CheckResult]:
    """Every collection of ansible/requirements.yml is installed for the Ansible on PATH.

    Runs before the syntax check, which would otherwise stop at the first module it
    cannot resolve without saying where that module comes from.
    """
    path = project / "ansible" / "requirements.yml"
    if not path.is_file():
        return
    label = "Ansible collections (ansible/requirements.yml)"
    try:
        entries = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("collections") or []
        wanted = [item["name"] for item in entries]
        pins = {item["name"]: str(item["version"]) for item in entries if item.get("version")}
    except (yaml.YAMLError, TypeError, KeyError, AttributeError) as exc:
        yield CheckResult(label, "failed", f"ansible/requirements.yml is not a list of collections: {exc}")
        return
    if not wanted:
        yield CheckResult(label, "ok", "")  # ansible.builtin only: every ansible-core has it
        return
    galaxy = tools.which("ansible-galaxy")
    if galaxy is None:
        tool = tools.TOOLS.get("ansible-galaxy") or tools.TOOLS.get("ansible-playbook")
        yield CheckResult(label, "skipped", f"ansible-galaxy not found; {tool.hint if tool else 'install ansible-core'}")
        return
    proc = subprocess.run([galaxy, "collection", "list", "--format", "json"], capture_output=True, text=True,
                          timeout=300, env=tools.quiet_env())
    try:
        installed = {name for paths in json.loads(proc.stdout or "{}").values() for name in paths}
    except (json.JSONDecodeError, AttributeError):
        yield CheckResult(label, "failed", f"cannot read 'ansible-galaxy collection list': {(proc.stdout + proc.stderr).strip()[:500]}")
        return
    missing = [name for name in wanted if name not in installed]
    detail = "\n".join(f"collection {name} is missing: install it with 'ansible-galaxy collection install {name}"
                       + (f":=={pins[name]}" if name in pins else "") + "'" for name in missing)
    if missing:
        detail += "\n(or all at once: 'ansible-galaxy collection install -r ansible/requirements.yml'; 'pip install ansible' bundles them)"
    yield CheckResult(label, "failed" if missing else "ok", detail)


def check_r_libraries(project: Path) -> Iterator[CheckResult]:
    """Warn about R packages known to need system libraries the catalogue lacks here."""

    try:
        catalog = load_catalog()
        spec = load_spec(project, catalog)
    except InputError:
        return  # the spec check reports it
    if not (spec.packages.r or spec.packages.bioconductor):
        return
    warnings = r_library_warnings(spec, catalog)
    yield CheckResult("system libraries of the R packages", "warning" if warnings else "ok", "\n".join(warnings))
