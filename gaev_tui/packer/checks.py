"""``gaev validate`` checks of a project's ``packer/``: the HCL2 template with the real
Packer, and each unattended-install answer file with a checker for its format."""

from __future__ import annotations

import json
import re
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import yaml

from gaev_tui import tools
from gaev_tui.packer.tool import knows_plugins_block, packer_version, template_for
from gaev_tui.tools import CheckResult, run_tool

# The types a preseed line may declare (debconf's, as d-i uses them).
_PRESEED_TYPES = {"string", "boolean", "select", "multiselect", "password", "note", "text", "seen"}
_PRESEED_NEEDED = ("passwd/username", "passwd/user-password", "partman-auto/method", "grub-installer/bootdev")


def check_packer(project: Path) -> Iterator[CheckResult]:
    """Every check of ``packer/``, when the project builds its base box."""
    packer_dir = Path(project) / "packer"
    if not (packer_dir / "build.pkr.hcl").exists():
        return
    yield from check_template(packer_dir)
    http = packer_dir / "http"
    if (http / "user-data").exists():
        yield _result("autoinstall http/user-data", autoinstall_problems((http / "user-data").read_text(encoding="utf-8")))
    if (http / "preseed.cfg").exists():
        yield _result("preseed http/preseed.cfg", preseed_problems((http / "preseed.cfg").read_text(encoding="utf-8")))
    if (http / "Autounattend.xml").exists():
        yield _result("XML http/Autounattend.xml", xml_problems(http / "Autounattend.xml"))
    if (http / "ks.cfg").exists():
        yield check_kickstart(http / "ks.cfg", _rhel_major(project))


def check_template(packer_dir: Path) -> Iterator[CheckResult]:
    """``packer validate`` and ``packer fmt -check``."""
    if tools.which("packer") is None:
        yield CheckResult("packer validate", "skipped", f"packer not found; {tools.TOOLS['packer'].hint}")
        return
    version = packer_version()
    label = "packer validate"
    if not knows_plugins_block(version):
        # Packer < 1.7 rejects the 'packer { required_plugins }' block: validate the
        # rest (it bundles the builders the plugins file names).
        label += f" (Packer {version}: without plugins.pkr.hcl)"
    with template_for(packer_dir, version) as template:
        yield run_tool("packer", ["packer", "validate", template], packer_dir, label)
    yield run_tool("packer", ["packer", "fmt", "-check", "-diff", "."], packer_dir, "packer fmt -check")


def check_kickstart(path: Path, major: str | None) -> CheckResult:
    """pykickstart's ``ksvalidator``, for the RHEL release of the catalogue's ISO."""
    label = f"ksvalidator {path.parent.name}/{path.name}"
    if tools.which("ksvalidator") is None:
        return CheckResult(label, "skipped", "ksvalidator not found; install it: 'pip install pykickstart'")
    if major and f"RHEL{major}" not in _kickstart_versions():
        major = None  # a release this pykickstart does not know: its latest syntax
    argv = ["ksvalidator"] + (["-v", f"RHEL{major}"] if major else []) + [path.name]
    return run_tool("ksvalidator", argv, path.parent, label + (f" (RHEL{major})" if major else ""))


def _kickstart_versions() -> set[str]:
    try:
        out = subprocess.run([tools.which("ksvalidator"), "-l"], check=False, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return set()
    return set(out.stdout.split())


def autoinstall_problems(text: str) -> list[str]:
    """Subiquity reads user-data only with the ``#cloud-config`` header, an
    ``autoinstall`` mapping and ``version: 1``."""
    if not text.startswith("#cloud-config\n"):
        return ["the first line must be '#cloud-config'"]
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return [f"not valid YAML: {exc}"]
    auto = data.get("autoinstall") if isinstance(data, dict) else None
    if not isinstance(auto, dict):
        return ["no 'autoinstall:' mapping"]
    problems = [] if auto.get("version") == 1 else ["autoinstall.version must be 1"]
    identity = auto.get("identity")
    if not isinstance(identity, dict) or not {"hostname", "username", "password"} <= set(identity):
        problems.append("autoinstall.identity needs hostname, username and password")
    return problems


def preseed_problems(text: str) -> list[str]:
    """Each line is ``owner question type [value]``; a value cannot continue on the
    next line (debconf would read it as a new, broken question)."""
    problems, seen = [], set()
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split(None, 3)
        if len(parts) < 3 or parts[2] not in _PRESEED_TYPES or "/" not in parts[1]:
            problems.append(f"line {number}: not 'owner question type value': {line[:60]}")
            continue
        if parts[1] in seen:
            problems.append(f"line {number}: {parts[1]} is set twice (the last one wins)")
        seen.add(parts[1])
    problems += [f"{question} is not answered" for question in _PRESEED_NEEDED if question not in seen]
    return problems


def xml_problems(path: Path) -> list[str]:
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        return [f"not well-formed XML: {exc}"]
    if root.tag != "{urn:schemas-microsoft-com:unattend}unattend":
        return [f"the root element is {root.tag}, not unattend"]
    return []


def _result(label: str, problems: list[str]) -> CheckResult:
    return CheckResult(label, "failed" if problems else "ok", "\n".join(problems))


def _rhel_major(project: Path) -> str | None:
    """The RHEL release the OS follows (Rocky 9 -> 9), from the lock file's OS id."""
    try:
        os_id = json.loads((Path(project) / "gaev.lock.json").read_text(encoding="utf-8"))["os"]["id"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    match = re.search(r"-(\d+)(?:\.\d+)?$", str(os_id))
    return match.group(1) if match else None
