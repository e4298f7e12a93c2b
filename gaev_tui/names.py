"""Grammars of the names users type: each check returns None when the name is valid,
otherwise the reason in a few words (the caller adds the file, line and field)."""

from __future__ import annotations

import re
import unicodedata
import urllib.parse

from packaging.requirements import InvalidRequirement, Requirement

from gaev_tui import zones_locales

# Patterns are applied with ``fullmatch``: ``match`` with ``$`` also accepts a trailing
# newline, which would reach file names, the Vagrantfile and Packer's boot command.

# RFC 1123 host name: labels of letters, digits and inner hyphens, 63 chars each.
_HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
# Debian policy 5.6.1: lower case letters, digits, + - . ; at least two chars, starts alnum.
# An optional "=VERSION" pin is allowed (apt's syntax), with Debian's version characters.
_DEBIAN = re.compile(r"^[a-z0-9][a-z0-9+.-]+(=[0-9][A-Za-z0-9.+~:-]*)?$")
# R "Writing R Extensions" 1.1.1: letters, digits and periods, at least two characters,
# starting with a letter and not ending in a period. An "@VERSION" pin is ours.
_R = re.compile(r"^[A-Za-z][A-Za-z0-9.]*[A-Za-z0-9](@[0-9][0-9.-]*)?$")
# Chocolatey ids: letters, digits, dots, hyphens, underscores; optional "@VERSION".
_CHOCO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(@[0-9][0-9A-Za-z.-]*)?$")
# Homebrew (docs.brew.sh Formula Cookbook, Cask Cookbook "token"): lower-case letters,
# digits and + - _ . @ ("gcc@13", "libxml++3"); a cask is written "cask:TOKEN"; a formula
# or cask of a third-party tap "USER/TAP/NAME". Homebrew installs only its current
# version: a versioned formula carries the version in its name (python@3.12).
_BREW = re.compile(r"^(cask:)?([A-Za-z0-9][A-Za-z0-9_-]*/[A-Za-z0-9][A-Za-z0-9_-]*/)?[a-z0-9][a-z0-9+._@-]*$")
# TeX Live package names as tlmgr lists them ("latexmk", "collection-fontsrecommended",
# "IEEEtran", "tex-gyre"): letters, digits, '.', '_', '-'.
_TEX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
# Box names on Vagrant Cloud: "org/name"; local names are free-form but sane.
_BOX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?$")
# The characters RFC 3986 allows in a URL (others are %-encoded): no quotes, spaces,
# backticks or angle brackets to reach the Vagrantfile or the README.
_URL_CHARS = re.compile(r"[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]{1,2000}")
# Project / box names also become VM and file names.
_PROJECT = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")


def hostname(value: str) -> str | None:
    if len(value) > 253:
        return "is longer than 253 characters"
    for label in value.split("."):
        if not _HOST_LABEL.fullmatch(label):
            return "must be letters, digits and hyphens (no leading/trailing hyphen), dot-separated" + _instead(
                value, re.sub(r"-*\.-*", ".", re.sub(r"[^A-Za-z0-9.-]+", "-", value)).strip("-."))
    return None


def _instead(value: str, fixed: str) -> str:
    """", like 'FIXED'" when the cleaned-up ``fixed`` differs from ``value`` and is usable."""
    return f", like '{fixed}'" if fixed and fixed != value else ""


def project_name(value: str) -> str | None:
    if not _PROJECT.fullmatch(value):
        plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()  # é -> e
        fixed = re.sub(r"[^a-z0-9._-]+", "-", plain).strip("-._")[:63]
        return ("must be 1-63 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit"
                + _instead(value, fixed))
    return None


def python_requirement(value: str) -> str | None:
    """A PEP 508 requirement without URLs or markers (they'd escape our pinning)."""
    if not value.isprintable():  # packaging accepts a trailing newline
        return "must be one line of printable text"
    name = ("" if "://" in value else _leading_name(value)) or "pandas"  # the example's name
    example = f"write the package name with an optional version, like '{name}', '{name}==2.2.2' or '{name}>=2'"
    try:
        req = Requirement(value)
    except InvalidRequirement:
        if "://" in value:
            return f"must name a package on PyPI, not a URL (PEP 508): {example}"
        rest = value[len(name):].lstrip()
        if rest.startswith("=") and not rest.startswith("=="):
            return f"pins a version with '==', not '=': write '{name}=={rest.lstrip('=').strip() or '2.2.2'}'"
        return f"is not a Python requirement (PEP 508): {example}"
    if req.url:
        if "://" not in req.url:  # "pandas@2.2": R's pinning syntax, not Python's
            return f"pins a version with '==', not '@': write '{req.name}=={req.url.strip()}'"
        return f"must name a package on PyPI, not a URL: {example}"
    if req.marker:
        return "must not carry an environment marker (';'): GAEV installs for the VM's one Python"
    if any(not spec.version for spec in req.specifier):
        return f"has a version operator without a version: {example}"
    return None


def _leading_name(value: str) -> str:
    """The package-name-looking start of ``value`` ("" when there is none)."""
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", value.strip())
    return match.group(0) if match else ""


def debian_package(value: str) -> str | None:
    if not _DEBIAN.fullmatch(value):
        if _DEBIAN.fullmatch(value.lower()):
            return f"has capitals, but Debian package names are lower case: write '{value.lower()}'"
        if "==" in value and _DEBIAN.fullmatch(value.replace("==", "=", 1)):
            return f"pins a version with one '=' (apt's syntax): write '{value.replace('==', '=', 1)}'"
        return "is not a Debian package name (lower-case letters, digits, '+', '-', '.'; optional =VERSION, like 'git=1:2.39.2-1.1')"
    return None


def _pinned_with_at(value: str, grammar: re.Pattern) -> str | None:
    """For names pinned with '@' (R, Chocolatey): the fix when '==' or '=' was used."""
    name, _, version = value.partition("=")
    fixed = f"{name.strip()}@{version.lstrip('=').strip()}"
    return f"pins a version with '@': write '{fixed}'" if version and grammar.fullmatch(fixed) else None


def r_package(value: str) -> str | None:
    if not _R.fullmatch(value):
        return _pinned_with_at(value, _R) or (
            "is not an R package name (letters, digits and '.', starting with a letter; optional @VERSION, like 'ggplot2@3.5.1')")
    return None


def choco_package(value: str) -> str | None:
    if not _CHOCO.fullmatch(value):
        return _pinned_with_at(value, _CHOCO) or (
            "is not a Chocolatey package id (letters, digits, '.', '-', '_'; optional @VERSION, like 'git@2.44.0')")
    return None


def brew_package(value: str) -> str | None:
    if _BREW.fullmatch(value):
        return None
    if _BREW.fullmatch(value.lower()):
        return f"has capitals, but Homebrew names are lower case: write '{value.lower()}'"
    if "=" in value:
        return ("pins a version, which Homebrew cannot: it installs its current version "
                "(a versioned formula has the version in its name, like 'python@3.12')")
    return ("is not a Homebrew formula or cask (lower-case letters, digits, '+', '-', '_', '.', '@', "
            "like 'wget' or 'gcc@13'; 'cask:NAME' for a cask; 'USER/TAP/NAME' from a tap)")


def tex_package(value: str) -> str | None:
    if not _TEX.fullmatch(value):
        return "is not a TeX Live package name (letters, digits, '.', '_', '-', like 'latexmk' or 'collection-fontsrecommended')"
    return None


def box_name(value: str) -> str | None:
    if not _BOX.fullmatch(value):
        return "is not a Vagrant box name (like 'bento/ubuntu-22.04')"
    return None


def box_url(value: str) -> str | None:
    """``config.vm.box_url``: where Vagrant fetches the box's metadata.json (a box
    registry's), which carries the checksum Vagrant verifies. It lands in the
    Vagrantfile, which is shared: no credentials, no presigned query."""
    if not _URL_CHARS.fullmatch(value):
        return "must be one URL, without spaces (characters of RFC 3986 only; %-encode the others)"
    try:
        parsed = urllib.parse.urlsplit(value)
    except ValueError:  # an unclosed IPv6 bracket
        return "is not a URL"
    if parsed.scheme == "s3":
        return ("is an s3:// URL, which Vagrant cannot read: give the registry's public URL "
                "(https://.../ORG/BOX/metadata.json; 'gaev registry list' shows it)")
    if parsed.scheme not in ("https", "http", "file") or (parsed.scheme != "file" and not parsed.hostname):
        return "must be a box registry's metadata.json URL (https://, http:// or file://)"
    if parsed.username or parsed.password:
        return "must not hold a user name or password (the Vagrantfile is shared)"
    if parsed.query or parsed.fragment:
        return "must not carry a query or fragment (a token or presigned URL: Vagrant's HEAD breaks those)"
    if parsed.path.endswith(".box"):
        return "points at a .box file: give the box's metadata.json URL, whose checksum Vagrant verifies"
    return None


# Time zones and locales are names from real lists, not a grammar.
timezone = zones_locales.timezone
locale = zones_locales.locale


PACKAGE_CHECKS = {
    "apt": debian_package,
    "python": python_requirement,
    "r": r_package,
    "bioconductor": r_package,
    "choco": choco_package,
    "brew": brew_package,
    "tex": tex_package,
}
