"""Writing HCL2 the way ``packer fmt`` does, so generated templates pass ``fmt -check``.

Values are HCL expressions already escaped by their producer (strings through
:func:`gaev_tui.escape.hcl`); this module only lays them out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from gaev_tui.escape import hcl as string


def attrs(pairs: Sequence[tuple[str, str]], indent: int = 2) -> str:
    """Attribute lines with their ``=`` aligned, as hclwrite aligns a run of attributes."""
    if not pairs:
        return ""
    width = max(len(key) for key, _ in pairs)
    pad = " " * indent
    return "\n".join(f"{pad}{key.ljust(width)} = {value}" for key, value in pairs)


def strings(values: Iterable[object]) -> str:
    """A one-line HCL list of string literals."""
    return "[" + ", ".join(string(v) for v in values) + "]"


def string_lists(rows: Iterable[Iterable[object]]) -> str:
    """A one-line HCL list of lists of string literals (vboxmanage, qemuargs)."""
    return "[" + ", ".join(strings(row) for row in rows) + "]"


def boolean(value: bool) -> str:
    return "true" if value else "false"


__all__ = ["attrs", "boolean", "string", "string_lists", "strings"]
