"""YAML documents that remember where each value came from.

Errors about a spec or a catalogue must name the file, the line and the field. PyYAML's
``safe_load`` forgets positions and silently keeps the last of two duplicate keys, so we
compose the node tree ourselves and record the line of every value by its path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from gaev_tui.errors import InputError, Location

PathKey = tuple[str | int, ...]


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


def loads(text: str, file: str | None = None) -> Document:
    """Parse ``text`` (one YAML document) keeping positions; bad YAML -> InputError."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        doc = Document(None, file)
        doc.data = _build(loader, node, (), doc) if node is not None else None
        return doc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or str(exc)
        if exc.context and exc.context_mark and exc.context_mark.line + 1 != line:
            # An unclosed bracket or quote is noticed lines later: say where it began.
            problem = f"{problem} ({exc.context} that starts on line {exc.context_mark.line + 1})"
        raise InputError(f"not valid YAML: {problem}", Location(file, line)) from None
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", Location(file)) from None
    finally:
        loader.dispose()


def load(path: Path) -> Document:
    """Read and parse a YAML file; unreadable or non-UTF-8 files -> InputError."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", Location(str(path))) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", Location(str(path))) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", Location(str(path))) from None
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
