"""What a ``.box`` file says about itself: Vagrant's box archive is a tar (often
gzipped) whose ``metadata.json`` names the provider (and, from Vagrant 2.4, the
architecture). Read without unpacking the disk images: members are skipped, not kept."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

from gaev_tui.errors import InputError

MAX_MEMBERS = 64  # a box has a handful of files; metadata.json comes early


def box_metadata(path: Path) -> dict:
    try:
        with tarfile.open(path, "r|*") as archive:
            for count, member in enumerate(archive):
                if count >= MAX_MEMBERS:
                    break
                if member.name.lstrip("./") == "metadata.json" and member.isfile() and member.size < 1 << 20:
                    handle = archive.extractfile(member)
                    data = json.loads(handle.read().decode("utf-8")) if handle else None
                    if not isinstance(data, dict) or not isinstance(data.get("provider"), str):
                        raise InputError(f"{path}: its metadata.json names no provider; not a Vagrant box")
                    return data
    except (tarfile.TarError, OSError, EOFError, ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a Vagrant box (a tar archive with metadata.json): {exc}") from None
    raise InputError(f"{path}: not a Vagrant box (no metadata.json in the archive)")
