"""The store a registry argument names (``s3://BUCKET/PREFIX``, ``file://...`` or a path).

Apart from stores.py so that the two stores sit side by side below it: s3store.py builds
on stores.py, and this module picks one of them (boto3 itself is imported only when the
S3 store first talks to its bucket)."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

from gaev_tui.errors import InputError
from gaev_tui.registry.s3store import S3Store
from gaev_tui.registry.stores import DirStore


def open_store(where: str) -> DirStore | S3Store:
    """The store a registry argument names: ``s3://BUCKET/PREFIX``, ``file://…`` or a path."""
    parsed = urllib.parse.urlsplit(where)
    if parsed.scheme == "s3":
        return S3Store(parsed.netloc, parsed.path.strip("/"))
    if parsed.scheme == "file":
        return DirStore(Path(urllib.parse.unquote(parsed.path)))
    if parsed.scheme in ("http", "https"):
        raise InputError(f"{where}: a registry is published through its storage (a directory or s3://BUCKET/PREFIX), "
                         "not its public URL")
    if parsed.scheme and len(parsed.scheme) > 1:  # 'C:' is a Windows drive, not a scheme
        raise InputError(f"{where}: unknown registry scheme '{parsed.scheme}:' (use a directory or s3://BUCKET/PREFIX)")
    return DirStore(Path(where))
