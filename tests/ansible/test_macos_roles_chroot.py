"""The macOS roles' own logic, run for real by the pinned Ansible in a Debian 12 chroot,
with stand-ins for the macOS programs they drive: installer(8), tlmgr, brew and R's Rscript.

No macOS runs here. What this checks is GAEV's part: the renderer's vars for a macOS
spec, each download refused unless its sha256 matches, each .pkg installed once (its
receipt), tlmgr pointed at the frozen TeX Live repository and asked only for missing
packages, the manifest built from the brew, Rscript and tlmgr listings, and
a second run that changes nothing.
"""

from __future__ import annotations

import hashlib
import json

import pytest

from gaev_tui.catalog import load_catalog
from gaev_tui.envspec import parse_spec_text
from gaev_tui.render.ansible import vars_for

from .chroot import chroot_inventory, converge, in_chroot, run_playbook
from .project import make_project, playbook_yaml

pytestmark = pytest.mark.tools

ROLES = ["macos_packages", "macos_manifest"]
SPEC = "name: m\nos: macos\nprovider: virtualbox\npackages: {r: [ggplot2], tex: [latexmk, framed, titling]}\n"

# Stand-ins, inside the chroot only. Each records what it was asked.
INSTALLER = """#!/bin/sh
[ "$#" = 4 ] && [ "$1" = -pkg ] && [ -f "$2" ] && [ "$3" = -target ] && [ "$4" = / ] || { echo "bad call: $*" >&2; exit 2; }
echo "$2" >> /var/log/gaev-test-installer.log
"""
TLMGR = """#!/bin/sh
state=/var/lib/gaev-test-tlmgr
case "$1" in
  option)
    if [ "$#" = 3 ]; then echo "$3" > "$state/repo"; echo "set $3" >> "$state/log"
    else echo "Default package repository (repository): $(cat "$state/repo")"; fi ;;
  info)
    if [ "$4" = name ]; then cat "$state/installed"; else sed 's/$/,70000/' "$state/installed"; fi ;;
  update)
    [ "$2" = --self ] && echo "update --self" >> "$state/log" ;;
  install)
    shift
    for p in "$@"; do echo "install $p" >> "$state/log"; echo "$p" >> "$state/installed"; done ;;
  *) echo "unexpected: $*" >&2; exit 2 ;;
esac
"""
BREW = """#!/bin/sh
case "$*" in
  "list --formula --versions") echo "git 2.44.0"; echo "gcc@13 13.2.0 13.1.0" ;;
  "list --cask --versions") echo "rstudio 2024.12.0" ;;
  *) echo "unexpected: $*" >&2; exit 2 ;;
esac
"""
RSCRIPT = """#!/bin/sh
[ "$1" = --vanilla ] || { echo "unexpected: $*" >&2; exit 2; }
printf 'stats\t4.2.3\nggplot2\t3.4.1\n'
"""


def _write(root, path: str, text: str, mode: int = 0o755) -> None:
    target = root / path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    target.chmod(mode)


def _vars(root, corrupt: str = "") -> str:
    """The renderer's vars for SPEC, downloads moved to files in the chroot (same shape)."""
    catalog = load_catalog(include_user=False)
    data = vars_for(parse_spec_text(SPEC, catalog), catalog)
    for item in data["gaev_macos_pkgs"]:
        name = item["url"].rsplit("/", 1)[1]
        body = f"stand-in for {name}\n".encode()
        (root / "srv" / "pkgs").mkdir(parents=True, exist_ok=True)
        (root / "srv" / "pkgs" / name).write_bytes(body)
        item["url"] = f"file:///srv/pkgs/{name}"
        item["sha256"] = hashlib.sha256(body + (b"x" if item["name"] == corrupt else b"")).hexdigest()
    return json.dumps(data)  # JSON is YAML; the names stay data either way


@pytest.fixture
def mac_like_root(debian_root):
    root, _ = debian_root
    in_chroot(root, "groupadd", "-f", "wheel")  # macOS's gid-0 group, which Debian lacks
    _write(root, "/usr/sbin/installer", INSTALLER)
    _write(root, "/Library/TeX/texbin/tlmgr", TLMGR)
    _write(root, "/var/lib/gaev-test-tlmgr/repo", "https://mirror.ctan.org/systems/texlive/tlnet\n", 0o644)
    _write(root, "/var/lib/gaev-test-tlmgr/installed", "latex-bin\nframed\n", 0o644)
    _write(root, "/usr/local/bin/brew", BREW)
    _write(root, "/Library/Frameworks/R.framework/Resources/bin/Rscript", RSCRIPT)
    return root


def test_macos_roles_install_once_and_write_the_manifest(mac_like_root, tmp_path):
    root = mac_like_root
    project = make_project(tmp_path / "ansible", playbook_yaml(ROLES, become=True), _vars(root), roles=ROLES,
                           family="macos")
    chroot_inventory(project, root)
    converge(project)

    runs = (root / "var/log/gaev-test-installer.log").read_text().split()
    assert runs == ["/var/lib/gaev/downloads/R-4.2.3.pkg", "/var/lib/gaev/downloads/XQuartz-2.8.5.pkg",
                    "/var/lib/gaev/downloads/mactex-basictex-20250308.pkg"]  # once each, over two runs
    receipt = (root / "var/lib/gaev/installed/R-4.2.3.pkg").read_text()
    assert receipt.startswith("R 4.2.3 sha256:")
    log = (root / "var/lib/gaev-test-tlmgr/log").read_text().splitlines()
    assert log[0] == "set https://ftp.math.utah.edu/pub/tex/historic/systems/texlive/2025/tlnet-final"
    assert log[1] == "update --self"  # before installing from the newer repository
    assert sorted(log[2:]) == ["install latexmk", "install titling"]  # framed was there already

    manifest = json.loads((root / "var/lib/gaev/manifest.json").read_text())
    assert [(p["name"], p["version"]) for p in manifest["system_packages"]] == [
        ("R", "4.2.3"), ("XQuartz", "2.8.5"), ("BasicTeX", "2025.0308")]
    assert manifest["homebrew"] == {"formulae": {"git": "2.44.0", "gcc@13": "13.2.0 13.1.0"},
                                    "casks": {"rstudio": "2024.12.0"}}
    assert manifest["r_packages"] == {"stats": "4.2.3", "ggplot2": "3.4.1"}
    assert manifest["tex_packages"]["latexmk"] == "70000"
    assert manifest["python"] == {"environment": None, "freeze": []}


def test_a_download_whose_sha256_differs_is_never_installed(mac_like_root, tmp_path):
    root = mac_like_root
    project = make_project(tmp_path / "ansible", playbook_yaml(ROLES, become=True), _vars(root, corrupt="XQuartz"),
                           roles=ROLES, family="macos")
    chroot_inventory(project, root)
    proc, _ = run_playbook(project)
    assert proc.returncode != 0
    assert "checksum" in proc.stdout.lower(), proc.stdout[-4000:]
    runs = (root / "var/log/gaev-test-installer.log").read_text().split()
    assert runs == ["/var/lib/gaev/downloads/R-4.2.3.pkg"]  # stopped at XQuartz's download
    assert not (root / "var/lib/gaev/installed/XQuartz-2.8.5.pkg").exists()
