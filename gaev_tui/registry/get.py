"""``gaev get``: add a published box through ``vagrant box add`` (Vagrant verifies its
checksum) and write a minimal project that runs it, with the forwarded ports and shared
folders of the spec published beside it."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from gaev_tui import tools
from gaev_tui.errors import GaevError, InputError
from gaev_tui.registry import remote


@dataclass(frozen=True)
class Chosen:
    name: str
    version: str
    provider: str
    architecture: str
    sha256: str
    metadata_url: str
    spec_text: str | None
    citation: str | None


def choose(ref: str, sources: list[str], version: str | None, provider: str | None,
           architecture: str | None) -> Chosen:
    url = remote.metadata_url(ref, sources)
    meta = remote.read_metadata(url)
    entry, prov = remote.choose(meta, version, provider, architecture)

    def optional(name: str) -> str | None:
        try:
            return remote.fetch(remote.version_file_url(prov, name), 1 << 20).decode("utf-8")
        except (remote.Unreachable, InputError, UnicodeDecodeError):
            return None

    return Chosen(meta["name"], entry["version"], prov["name"], prov.get("architecture", "amd64"),
                  str(prov.get("checksum", "")), url, optional("gaev.yaml"), optional("CITATION.txt"))


def add_box(chosen: Chosen, on_line=print) -> None:
    """``vagrant box add`` from the registry, streaming Vagrant's own lines."""
    vagrant = tools.require("vagrant")
    argv = [vagrant, "box", "add", "--box-version", chosen.version, "--provider", chosen.provider, chosen.metadata_url]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            text=True, errors="replace", env=tools.quiet_env())
    last = []
    for line in proc.stdout:
        line = line.rstrip()
        last = (last + [line])[-5:]
        on_line(line)
    if proc.wait() != 0:
        already = any("already exists" in line for line in last)
        if not already:
            raise GaevError(f"vagrant box add failed: {next((x for x in reversed(last) if x.strip()), '')}")


def project_files(chosen: Chosen) -> dict[str, bytes]:
    from gaev_tui.templating import render

    ports, folders, rsync = [], [], chosen.provider == "libvirt"
    if chosen.spec_text:
        with contextlib.suppress(GaevError):  # a spec from another lab's catalogue: the box still runs
            from gaev_tui.envspec import parse_spec_text

            spec = parse_spec_text(chosen.spec_text, file="gaev.yaml (published)")
            ports, folders = list(spec.network.forwarded_ports), list(spec.shared_folders)
    context = dict(name=chosen.name, version=chosen.version, provider=chosen.provider,
                   architecture=chosen.architecture, sha256=chosen.sha256, metadata_url=chosen.metadata_url,
                   ports=ports, folders=folders, rsync=rsync, citation=chosen.citation or "")
    files = {"Vagrantfile": render("get/Vagrantfile.j2", **context), "README.md": render("get/README.md.j2", **context)}
    if chosen.spec_text:
        files["gaev.published.yaml"] = chosen.spec_text
    return {name: text.encode("utf-8") for name, text in files.items()}


def write_new_project(files: dict[str, bytes], dest: Path) -> None:
    """Write into a new directory, whole or not at all (staged beside it, then renamed)."""
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise InputError(f"{dest} already exists and is not empty; choose another with -o")
    dest.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        for name, data in files.items():
            (stage / name).write_bytes(data)
        if dest.exists():
            dest.rmdir()
        os.replace(stage, dest)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
