"""Parsers for ``packer -machine-readable`` and ``vagrant --machine-readable`` lines.

Both tools print ``timestamp,target,type,data...``, escaping commas inside fields as
``%!(PACKER_COMMA)`` / ``%!(VAGRANT_COMMA)`` and newlines / carriage returns as the two
characters ``\\n`` / ``\\r``. Lines come from child processes, so they may be huge or
not valid UTF-8: we accept bytes, decode with ``errors="replace"`` and never raise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

_COMMAS = ("%!(PACKER_COMMA)", "%!(VAGRANT_COMMA)")

#: ``ui`` levels each tool uses, mapped onto three: ``say`` / ``message`` / ``error``.
_UI_LEVELS = {
    "say": "say",  # packer: a step header ("==> null: ...")
    "message": "message",  # packer: output of a step
    "error": "error",
    "info": "say",  # vagrant
    "output": "message",
    "detail": "message",
    "success": "say",
    "warn": "warn",
}


def unescape(text: str) -> str:
    """Undo the escapes both tools apply to a field (commas, ``\\n``, ``\\r``)."""
    for comma in _COMMAS:
        if comma in text:
            text = text.replace(comma, ",")
    if "\\" in text:
        text = text.replace("\\n", "\n").replace("\\r", "\r")
    return text


@dataclass(frozen=True)
class Record:
    """One machine-readable line: ``timestamp,target,type,data...`` unescaped."""

    timestamp: int | None
    target: str
    type: str
    data: tuple[str, ...]

    @property
    def ui_level(self) -> str | None:
        """``say``, ``message``, ``warn`` or ``error`` for a ``ui`` line, else None."""
        if self.type != "ui" or not self.data:
            return None
        return _UI_LEVELS.get(self.data[0], "message")

    @property
    def text(self) -> str:
        """What a human should read: the message of a ``ui`` line, else the data."""
        if self.type == "ui":
            return self.data[1] if len(self.data) > 1 else ""
        if self.type == "error-exit":  # vagrant: error class, message
            return self.data[-1] if self.data else ""
        return ",".join(self.data)


def _decode(line: bytes | str) -> str:
    if isinstance(line, bytes):
        return line.decode("utf-8", errors="replace")
    return line


def parse_line(line: bytes | str) -> Record | None:
    """Parse one line, or None when it is not in the machine-readable format.

    A trailing newline is ignored. The timestamp must be digits (or empty): that is
    what tells machine-readable lines apart from plain output that has commas.
    """
    text = _decode(line).rstrip("\r\n")
    parts = text.split(",")
    if len(parts) < 3:
        return None
    stamp, target, kind = parts[0], parts[1], parts[2]
    if stamp and not stamp.isdigit():
        return None
    if not kind:
        return None
    return Record(
        timestamp=int(stamp) if stamp else None,
        target=unescape(target),
        type=kind,
        data=tuple(unescape(part) for part in parts[3:]),
    )


@dataclass
class Artifact:
    """A Packer artifact assembled from its ``artifact,N,...`` lines."""

    builder: str
    index: int
    builder_id: str = ""
    id: str = ""
    string: str = ""
    files: list[str] = field(default_factory=list)
    complete: bool = False


@dataclass
class Summary:
    """What a run said about itself: artifacts, errors, last state (fed line by line)."""

    artifacts: list[Artifact] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    states: dict[str, str] = field(default_factory=dict)  # vagrant: machine -> state
    _open: dict[tuple[str, int], Artifact] = field(default_factory=dict, repr=False)

    def feed(self, record: Record | None) -> None:
        """Take one parsed record into account (None and unknown types are ignored)."""
        if record is None:
            return
        if record.type == "artifact":
            self._artifact(record)
        elif record.type == "error":  # packer: target = builder, data = message
            message = record.data[-1] if record.data else ""
            self.errors.append(f"{record.target}: {message}" if record.target else message)
        elif record.type == "error-exit":  # vagrant: error class, message
            self.errors.append(record.text)
        elif record.type == "state" and record.data:
            self.states[record.target] = record.data[0]

    def _artifact(self, record: Record) -> None:
        if len(record.data) < 2 or not record.data[0].isdigit():
            return
        index, key, values = int(record.data[0]), record.data[1], record.data[2:]
        slot = (record.target, index)
        art = self._open.get(slot)
        if art is None:
            art = self._open[slot] = Artifact(builder=record.target, index=index)
            self.artifacts.append(art)
        value = values[-1] if values else ""
        if key == "builder-id":
            art.builder_id = value
        elif key == "id":
            art.id = value
        elif key == "string":
            art.string = value
        elif key == "file":
            art.files.append(value)
        elif key == "end":
            art.complete = True
            del self._open[slot]
