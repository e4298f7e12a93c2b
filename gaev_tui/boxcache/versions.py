"""Box versions ordered the way Vagrant orders them (RubyGems' ``Gem::Version``).

PEP 440 (``packaging``) rejects or reorders versions Vagrant accepts, such as
``1.0.0-rc1`` or ``2024.01.beta``, so GAEV follows RubyGems' rules instead:
dot-separated segments, numbers compare as numbers, a segment with letters marks a
pre-release that sorts before the release, and a ``-`` means ``.pre.``.
"""

from __future__ import annotations

import re

# Gem::Version::ANCHORED_VERSION_PATTERN, as Vagrant uses it to skip bad version dirs.
_VALID = re.compile(r"^\s*[0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?\s*$")
_SEGMENT = re.compile(r"[0-9]+|[a-z]+", re.IGNORECASE)


def is_valid(version: str) -> bool:
    """True when Vagrant would accept ``version`` as a box version directory."""
    return bool(_VALID.match(version))


def sort_key(version: str) -> tuple:
    """A key that sorts versions as ``Gem::Version`` does; unparsable ones sort first."""
    if not is_valid(version):
        return (0, ())
    text = version.strip().replace("-", ".pre.")
    segments: list[int | str] = []
    for part in _SEGMENT.findall(text):
        segments.append(int(part) if part.isdigit() else part)
    # Zeros do not count at the end (1.0 == 1.0.0) nor just before a pre-release
    # (1.0.0.beta == 1.beta), as in Gem::Version#canonical_segments.
    first_str = next((i for i, s in enumerate(segments) if isinstance(s, str)), len(segments))
    release, pre = segments[:first_str], segments[first_str:]
    while release and release[-1] == 0:
        release.pop()
    while pre and pre[-1] == 0:
        pre.pop()
    segments = release + pre
    key = []
    for seg in segments:
        # A string segment (pre-release) sorts before any number: (0, str) < (1, int).
        key.append((1, seg, "") if isinstance(seg, int) else (0, 0, seg))
    # A release (no more segments) sorts after its pre-releases: pad with (0.5,...).
    key.append((0.5, 0, ""))
    return (1, tuple(key))


def newer(a: str, b: str) -> bool:
    """True when version ``a`` is strictly newer than ``b``."""
    return sort_key(a) > sort_key(b)
