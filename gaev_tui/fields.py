"""Typed reading of a YAML :class:`Document`: each problem becomes one InputError that
names the file, line and field. Shared by the catalogue and spec parsers."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from gaev_tui.errors import InputError
from gaev_tui.yamlsrc import Document, PathKey

_TYPE_NAMES = {str: "a text", int: "a whole number", bool: "true or false", list: "a list", dict: "a mapping"}

MISSING = object()


class Fields:
    """A view on one mapping of a document, at ``path``."""

    def __init__(self, doc: Document, path: PathKey = (), data: Any = MISSING) -> None:
        self.doc = doc
        self.path = tuple(path)
        self.data = _at(doc.data, self.path) if data is MISSING else data
        if not isinstance(self.data, dict):
            raise self.error((), f"must be a mapping (key: value lines), not {_kind(self.data)}")

    def error(self, sub: PathKey, message: str) -> InputError:
        return self.doc.error((*self.path, *sub), message)

    def only(self, allowed: Iterable[str]) -> None:
        """Refuse keys outside ``allowed``, suggesting the closest known key."""
        allowed = list(allowed)
        for key in self.data:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(allowed)}"
                raise self.error((key,), f"unknown key '{key}'{hint}")

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = MISSING) -> Any:
        """The value of ``key`` checked against ``kind``; missing -> default or error."""
        if key not in self.data or self.data[key] is None:
            if default is MISSING:
                raise self.error((key,), "is required")
            return default
        value = self.data[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        # YAML reads `yes`/`no`/`on`/`off` as booleans: never accept them as numbers or text.
        if isinstance(value, bool) and bool not in kinds:
            raise self.error((key,), f"must be {_names(kinds)}, got the boolean {str(value).lower()} (quote it if you meant text)")
        if not isinstance(value, kinds):
            raise self.error((key,), f"must be {_names(kinds)}, not {_kind(value)}")
        return value

    def text(self, key: str, default: Any = MISSING) -> Any:
        value = self.get(key, str, default)
        if value is not default and not value.strip():
            raise self.error((key,), "must not be empty")
        return value

    def number(self, key: str, low: int, high: int, default: Any = MISSING) -> Any:
        value = self.get(key, int, default)
        if isinstance(value, int) and not low <= value <= high:
            raise self.error((key,), f"must be between {low} and {high}, got {value}")
        return value

    def texts(self, key: str, default: Any = MISSING) -> list[str]:
        """A list of non-empty texts."""
        values = self.get(key, list, default)
        if values is default:
            return values
        for index, value in enumerate(values):
            if isinstance(value, bool) or not isinstance(value, str) or not value.strip():
                raise self.error((key, index), f"must be a non-empty text, not {_kind(value)} (quote it)")
        return values

    def sub(self, key: str) -> Fields | None:
        """The mapping under ``key``, or None when absent."""
        if key not in self.data or self.data[key] is None:
            return None
        return Fields(self.doc, (*self.path, key), self.data[key])

    def items(self, key: str) -> list[tuple[int, Any]]:
        """Indexed items of the list under ``key`` (empty when absent)."""
        return list(enumerate(self.get(key, list, [])))


def _at(data: Any, path: PathKey) -> Any:
    for part in path:
        data = data[part]
    return data


def _kind(value: Any) -> str:
    if value is None:
        return "empty"
    for kind, name in _TYPE_NAMES.items():
        if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            return name if kind is not str else f"the text {value!r}"
    return type(value).__name__


def _names(kinds: tuple[type, ...]) -> str:
    return " or ".join(_TYPE_NAMES.get(kind, kind.__name__) for kind in kinds)
