"""Grammars of the names users type: each check returns None when the name is valid,
otherwise the reason in a few words (the caller adds the file, line and field)."""

from __future__ import annotations

import re

from packaging.requirements import InvalidRequirement, Requirement

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
# Box names on Vagrant Cloud: "org/name"; local names are free-form but sane.
_BOX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?$")
# Project / box names also become VM and file names.
_PROJECT = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")
_TIMEZONE = re.compile(r"^(UTC|[A-Za-z]+(/[A-Za-z0-9_+-]+){1,2})$")
_LOCALE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?(\.(UTF-8|utf8))?(@[a-z]+)?$|^C(\.UTF-8)?$|^POSIX$")


def hostname(value: str) -> str | None:
    if len(value) > 253:
        return "is longer than 253 characters"
    for label in value.split("."):
        if not _HOST_LABEL.fullmatch(label):
            return "must be letters, digits and hyphens (no leading/trailing hyphen), dot-separated"
    return None


def project_name(value: str) -> str | None:
    if not _PROJECT.fullmatch(value):
        return "must be 1-63 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit"
    return None


def python_requirement(value: str) -> str | None:
    """A PEP 508 requirement without URLs or markers (they'd escape our pinning)."""
    if not value.isprintable():  # packaging accepts a trailing newline
        return "must be one line of printable text"
    try:
        req = Requirement(value)
    except InvalidRequirement as exc:
        return f"is not a valid Python requirement (PEP 508): {exc}"
    if req.url:
        return "must name a package on PyPI, not a URL"
    if req.marker:
        return "must not carry an environment marker (';')"
    return None


def debian_package(value: str) -> str | None:
    if not _DEBIAN.fullmatch(value):
        return "is not a Debian package name (lower-case letters, digits, '+', '-', '.'; optional =VERSION)"
    return None


def r_package(value: str) -> str | None:
    if not _R.fullmatch(value):
        return "is not an R package name (letters, digits and '.', starting with a letter; optional @VERSION)"
    return None


def choco_package(value: str) -> str | None:
    if not _CHOCO.fullmatch(value):
        return "is not a Chocolatey package id (letters, digits, '.', '-', '_'; optional @VERSION)"
    return None


def box_name(value: str) -> str | None:
    if not _BOX.fullmatch(value):
        return "is not a Vagrant box name (like 'bento/ubuntu-22.04')"
    return None


def timezone(value: str) -> str | None:
    if not _TIMEZONE.fullmatch(value):
        return "is not a time zone name (like 'Europe/Paris' or 'UTC')"
    return None


def locale(value: str) -> str | None:
    if not _LOCALE.fullmatch(value):
        return "is not a locale name (like 'fr_FR.UTF-8' or 'C.UTF-8')"
    return None


PACKAGE_CHECKS = {
    "apt": debian_package,
    "python": python_requirement,
    "r": r_package,
    "bioconductor": r_package,
    "choco": choco_package,
}
