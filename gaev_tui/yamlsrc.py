"""YAML documents that remember where each value came from.

Errors about a spec or a catalogue must name the file, the line and the field. PyYAML's
``safe_load`` forgets positions and silently keeps the last of two duplicate keys, so we
compose the node tree ourselves and record the line of every value by its path.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from gaev_tui.errors import InputError, Location

PathKey = tuple[str | int, ...]

# Limits checked while the parser's events arrive, before any value is built: a spec or a
# catalogue is a few kilobytes (the embedded catalogue: 25 KB, 1,200 events, depth 6), so
# these leave room for any real one and keep the time and memory of a hostile one small.
MAX_BYTES = 1024 * 1024
MAX_NODES = 20_000
MAX_DEPTH = 32
MAX_ITEMS = 1_000  # entries of one list or mapping
MAX_TEXT = 10_000  # characters of one value
MAX_NUMBER = 40  # characters of one number (Python refuses to convert 4,300 digits)
_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {
    yaml.ScalarEvent: {f"{_CORE}{name}" for name in ("str", "int", "float", "bool", "null")},
    yaml.SequenceStartEvent: {f"{_CORE}seq"},
    yaml.MappingStartEvent: {f"{_CORE}map"},
}


def dotted(path: PathKey) -> str:
    """``("packages", "python", 2)`` -> ``packages.python[2]``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


@dataclass
class Document:
    """A parsed YAML mapping plus the line of every value in it."""

    data: Any
    file: str | None = None
    lines: dict[PathKey, int] = field(default_factory=dict)

    def where(self, path: PathKey) -> Location:
        """Location of ``path``, falling back to its nearest parent that has a line."""
        probe = tuple(path)
        while probe and probe not in self.lines:
            probe = probe[:-1]
        return Location(self.file, self.lines.get(probe), dotted(path) or None)

    def error(self, path: PathKey, message: str) -> InputError:
        return InputError(message, self.where(path))


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing what makes a small file expensive or ambiguous:
    aliases (a few hundred bytes of them expand to gigabytes), deep nesting, huge
    collections, values and numbers, and tags on any node (``!!set``,
    ``!!python/object/apply:`` on a mapping are otherwise dropped silently)."""

    def __init__(self, text: str, file: str | None) -> None:
        self.file = file
        self.nodes = 0
        self.depth = 0
        super().__init__(text)

    def refuse(self, event: yaml.Event, message: str) -> InputError:
        return InputError(message, Location(self.file, event.start_mark.line + 1))

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise self.refuse(event, f"YAML aliases (*{event.anchor}) are not allowed; write the value out")
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.refuse(event, f"more than {MAX_NODES} values in one file")
        if parent is not None and len(parent.value) >= MAX_ITEMS:
            raise self.refuse(event, f"more than {MAX_ITEMS} entries in one list or mapping")
        self._check_tag(event)
        if isinstance(event, yaml.ScalarEvent):
            self._check_scalar(event)
            return super().compose_node(parent, index)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.refuse(event, f"nested more than {MAX_DEPTH} levels deep")
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def _check_tag(self, event: yaml.NodeEvent) -> None:
        tag = getattr(event, "tag", None)
        if tag not in (None, "!") and tag not in _ALLOWED_TAGS.get(type(event), ()):
            shown = "!!" + tag[len(_CORE):] if tag.startswith(_CORE) else tag
            raise self.refuse(event, f"YAML tags ({shown}) are not allowed")

    def _check_scalar(self, event: yaml.ScalarEvent) -> None:
        if len(event.value) > MAX_TEXT:
            raise self.refuse(event, f"a value longer than {MAX_TEXT} characters")
        tag = event.tag if event.tag not in (None, "!") else self.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag in (f"{_CORE}int", f"{_CORE}float") and len(event.value) > MAX_NUMBER:
            raise self.refuse(event, f"a number longer than {MAX_NUMBER} characters")


def loads(text: str, file: str | None = None) -> Document:
    """Parse ``text`` (one YAML document) keeping positions; bad YAML -> InputError."""
    if len(text) > MAX_BYTES:
        raise InputError(f"larger than {MAX_BYTES // 1024} KiB", Location(file))
    loader = None
    try:
        loader = _Loader(text, file)  # the reader refuses NUL, ESC, C1 and the like here
        node = loader.get_single_node()
        doc = Document(None, file)
        doc.data = _build(loader, node, (), doc) if node is not None else None
        return doc
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        what = f"#x{exc.character:04x}" if isinstance(exc.character, int) else repr(exc.character)
        raise InputError(f"not valid YAML: the character {what} is not allowed", Location(file, line)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or str(exc)
        if exc.context and exc.context_mark and exc.context_mark.line + 1 != line:
            # An unclosed bracket or quote is noticed lines later: say where it began.
            problem = f"{problem} ({exc.context} that starts on line {exc.context_mark.line + 1})"
        raise InputError(f"not valid YAML: {problem}", Location(file, line)) from None
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {' '.join(str(exc).split())}", Location(file)) from None
    finally:
        if loader is not None:
            loader.dispose()


def load(path: Path) -> Document:
    """Read and parse a YAML file; unreadable, non-regular, oversized or non-UTF-8 files
    -> InputError. A FIFO or device is refused before any read, so nothing blocks."""
    where = Location(str(path))
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise InputError("file not found", where) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", where) from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError("is a directory, not a YAML file", where)
        if not stat.S_ISREG(info.st_mode):
            raise InputError("is not a regular file", where)
        if info.st_size > MAX_BYTES:
            raise InputError(f"is {info.st_size // 1024} KiB, larger than the limit of {MAX_BYTES // 1024} KiB", where)
        try:
            raw = handle.read(MAX_BYTES + 1)
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", where) from None
    if len(raw) > MAX_BYTES:
        raise InputError(f"larger than the limit of {MAX_BYTES // 1024} KiB", where)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", where) from None
    return loads(text, str(path))


def _build(loader: yaml.SafeLoader, node: yaml.Node, path: PathKey, doc: Document) -> Any:
    doc.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)  # resolves YAML merge keys (<<)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                line = key_node.start_mark.line + 1
                raise InputError(f"keys must be plain names, not {key!r}", Location(doc.file, line, dotted(path) or None))
            key = str(key)
            if key in result:
                line = key_node.start_mark.line + 1
                raise InputError("this key is given twice", Location(doc.file, line, dotted((*path, key))))
            result[key] = _build(loader, value_node, (*path, key), doc)
            # A block value starts on the line after its key: point users at the key.
            doc.lines[(*path, key)] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, (*path, index), doc) for index, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)
