"""The Jinja2 environment for generated files: strict (an unknown name is a bug, not
an empty string) and with one escaping filter per target language."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable

import jinja2

from gaev_tui.escape import FILTERS


def _quote_md(text: str) -> str:
    """Free text shown as a Markdown block quote (never as headings or HTML)."""
    from html import escape

    return "\n".join("> " + escape(line, quote=False) for line in str(text).splitlines())


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("gaev_tui", "templates"),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # each value is escaped for its own target by an explicit filter
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    env.filters["quote_md"] = _quote_md
    return env


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)


def static_tree(*parts: str) -> dict[str, bytes]:
    """Files under ``templates/<parts>`` copied verbatim, keyed by their relative path."""
    root: Traversable = resources.files("gaev_tui").joinpath("templates", *parts)
    files: dict[str, bytes] = {}

    def walk(node: Traversable, prefix: str) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            if child.name in (".DS_Store", "__pycache__") or child.name.endswith((".pyc", "~")):
                continue
            rel = f"{prefix}{child.name}"
            if child.is_dir():
                walk(child, rel + "/")
            else:
                files[rel] = child.read_bytes()

    if root.is_dir():
        walk(root, "")
    return files
