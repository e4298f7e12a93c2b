"""One escaper per target language: user text is always written as a literal value,
never as code. The Jinja2 templates use these as filters (``|ruby``, ``|hcl``, ...)."""

from __future__ import annotations

import json
import shlex
from xml.sax.saxutils import escape as _xml_escape


def ruby(value: object) -> str:
    """A Ruby single-quoted string literal: only ``\\`` and ``'`` are special there,
    so ``#{...}`` and newlines stay inert text."""
    text = str(value)
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def shell(value: object) -> str:
    """A POSIX shell word."""
    return shlex.quote(str(value))


def hcl(value: object) -> str:
    """An HCL2 double-quoted string: JSON escapes plus HCL's template sequences
    ``${`` and ``%{``, which are doubled so Packer reads them as literal text."""
    text = json.dumps(str(value), ensure_ascii=False)
    return text.replace("${", "$${").replace("%{", "%%{")


def xml(value: object) -> str:
    """XML character data (also safe inside double-quoted attributes)."""
    return _xml_escape(str(value), {'"': "&quot;", "'": "&apos;"})


def powershell(value: object) -> str:
    """A PowerShell single-quoted string: only ``'`` is special (doubled)."""
    return "'" + str(value).replace("'", "''") + "'"


FILTERS = {"ruby": ruby, "sh": shell, "hcl": hcl, "xml": xml, "ps": powershell}
