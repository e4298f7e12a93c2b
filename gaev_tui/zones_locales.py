"""Time zones and locales checked against the real lists, not a pattern: the IANA time
zone database (the ``tzdata`` package, the same on every host) and glibc's supported
locales (shipped in ``data/``). A name that is not there gets the closest real one."""

from __future__ import annotations

import difflib
from functools import cache
from importlib import resources

# In tzdata's list but not a place: a zone that would only confuse.
_NOT_ZONES = {"Factory", "localtime", "posixrules"}


@cache
def time_zones() -> frozenset[str]:
    """Every IANA zone name (``Europe/Paris``, ``MET``, ``Etc/GMT+1``, ``UTC``...)."""
    text = resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8")
    return frozenset(text.split()) - _NOT_ZONES


@cache
def locales() -> tuple[str, ...]:
    """The locale names glibc supports (first column of its SUPPORTED list), in order."""
    text = resources.files("gaev_tui").joinpath("data/glibc_supported_locales.txt").read_text(encoding="utf-8")
    return tuple(dict.fromkeys(line.split()[0] for line in text.splitlines() if line.strip() and not line.startswith("#")))


def closest(value: str, known: frozenset[str] | tuple[str, ...]) -> str | None:
    """The known name ``value`` most likely meant: same letters in another case or
    spelling of UTF-8, else the nearest by difflib."""
    folded = {_fold(name): name for name in known}
    if (same := folded.get(_fold(value))) is not None:
        return same
    close = difflib.get_close_matches(_fold(value), list(folded), n=1, cutoff=0.75)
    return folded[close[0]] if close else None


def _fold(name: str) -> str:
    return name.lower().replace("utf8", "utf-8")


def _did_you_mean(value: str, known) -> str:
    close = closest(value, known)
    return f"; did you mean '{close}'?" if close else ""


def timezone(value: str) -> str | None:
    """None for an IANA zone name, else why not (with the closest name)."""
    if value in time_zones():
        return None
    return "is not a time zone of the IANA database (like 'Europe/Paris', 'UTC')" + _did_you_mean(value, time_zones())


def locale(value: str) -> str | None:
    """None for a locale glibc supports, else why not (with the closest name)."""
    if value in locales():
        return None
    if value in ("C", "POSIX"):
        return "is built into every system and needs no setting: leave it blank, or use 'C.UTF-8'"
    return "is not a locale glibc supports (like 'fr_FR.UTF-8', 'C.UTF-8')" + _did_you_mean(value, locales())
