"""``gaev get``: add a published box through ``vagrant box add`` (Vagrant verifies its
checksum) and write a minimal project that runs it with the machine settings of the spec
published beside it: CPUs, memory, provider options (libvirt's driver, VirtualBox's gui),
network (forwarded ports, their host_ip rule, private network) and shared folders."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from gaev_tui import tools
from gaev_tui.errors import GaevError, InputError
from gaev_tui.registry import remote

if TYPE_CHECKING:
    from gaev_tui.catalog import Catalog
    from gaev_tui.envspec import Spec
    from gaev_tui.envspec.model import SharedFolder

# The catalogue, the spec checker and the project renderer are imported (and the
# catalogue read, by the caller) only for a version published with its gaev.yaml:
# a bare box needs none of them, and they are most of gaev get's own start-up time.
# Jinja2 is imported only to render the project, which overlaps vagrant box add.


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
    finish_add(start_add(chosen), on_line)


def start_add(chosen: Chosen) -> subprocess.Popen:
    """Start ``vagrant box add``, so that GAEV's own work overlaps Vagrant's start-up
    (half a second of Ruby): then :func:`finish_add`, or :func:`cancel_add` on an error."""
    vagrant = tools.require("vagrant")
    argv = [vagrant, "box", "add", "--box-version", chosen.version, "--provider", chosen.provider, chosen.metadata_url]
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            text=True, errors="replace", env=tools.quiet_env())


def cancel_add(proc: subprocess.Popen) -> None:
    """Stop an add begun by :func:`start_add` (Vagrant drops its partial download)."""
    proc.terminate()
    try:
        proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()


def finish_add(proc: subprocess.Popen, on_line=print) -> None:
    """Stream the lines of an add begun by :func:`start_add` and wait for its end."""
    last = []
    for line in proc.stdout:
        line = line.rstrip()
        last = (last + [line])[-5:]
        on_line(line)
    if proc.wait() != 0:
        already = any("already exists" in line for line in last)
        if not already:
            raise GaevError(f"vagrant box add failed: {next((x for x in reversed(last) if x.strip()), '')}")


@dataclass(frozen=True)
class Settings:
    """The machine settings the written project takes from the published spec."""

    spec: Spec | None  # None: none usable; the box runs with its own settings
    notes: tuple[str, ...] = ()  # what was left out, and why


def published_settings(chosen: Chosen, catalog: Catalog | None, cpus: int | None = None,
                       memory_mb: int | None = None) -> Settings:
    """The published spec, checked here, fitted to the box chosen (its provider), to this
    computer (only shared folders inside the project: another computer's paths mean
    nothing here, and Vagrant would create them) and to the CPUs and memory asked.
    ``catalog`` may be None only when ``chosen`` has no spec (nothing to check it with)."""
    settings = _fitted(chosen, catalog)
    if cpus is None and memory_mb is None:
        return settings
    if settings.spec is None:
        raise InputError(f"--cpus/--memory: {chosen.name} {chosen.version} has no usable gaev.yaml "
                         f"({settings.notes[0]}); set them in the written Vagrantfile instead")
    from gaev_tui.envspec import required_memory_mb
    from gaev_tui.envspec.model import CPUS_RANGE, MEMORY_MB_RANGE

    spec = settings.spec
    resources = replace(spec.resources, cpus=_within("--cpus", cpus, CPUS_RANGE, spec.resources.cpus),
                        memory_mb=_within("--memory", memory_mb, MEMORY_MB_RANGE, spec.resources.memory_mb))
    needed = required_memory_mb(catalog, spec.apps)
    if resources.memory_mb < needed:
        raise InputError(f"--memory {resources.memory_mb}: the box's applications need {needed} MB")
    return Settings(replace(spec, resources=resources), settings.notes)


def _within(option: str, value: int | None, bounds: tuple[int, int], default: int) -> int:
    if value is None:
        return default
    if not bounds[0] <= value <= bounds[1]:
        raise InputError(f"{option} {value}: must be between {bounds[0]} and {bounds[1]}")
    return value


def _fitted(chosen: Chosen, catalog: Catalog | None) -> Settings:
    if not chosen.spec_text:
        return Settings(None, ("the version was published without its gaev.yaml: the box runs with its own settings",))
    if catalog is None:
        raise ValueError("a published spec is checked against the catalogue: pass it")
    from gaev_tui.envspec import parse_spec_text

    try:
        spec = parse_spec_text(chosen.spec_text, catalog, file="gaev.yaml (published)")
    except GaevError as exc:  # a spec from another lab's catalogue: the box still runs
        return Settings(None, (f"its published gaev.yaml does not check here, so its settings are not used: {exc}",))
    notes = []
    if spec.provider != chosen.provider:
        # Resources, network and folders hold on any provider; provider_options do not.
        notes += [f"the spec was written for {spec.provider}: its provider options are left out"] if spec.provider_options else []
        spec = replace(spec, provider=chosen.provider, provider_options={})
    kept = tuple(f for f in spec.shared_folders if _inside_project(f))
    notes += [f"shared folder {f.host} -> {f.guest} is a path of the publisher's computer: left out"
              for f in spec.shared_folders if f not in kept]
    return Settings(replace(spec, shared_folders=kept), tuple(notes))


def _inside_project(folder: SharedFolder) -> bool:
    path = PurePosixPath(folder.host.replace("\\", "/"))
    return not (folder.windows_host or path.is_absolute() or ".." in path.parts)


def project_files(chosen: Chosen, settings: Settings, catalog: Catalog | None) -> dict[str, bytes]:
    """The Vagrantfile (the box, and the spec's machine settings rendered by the same
    template as a generated project's) and a README saying how to start it
    (``catalog``: only read when ``settings`` carry a spec)."""
    from gaev_tui.templating import render

    spec = settings.spec
    context: dict[str, object] = dict(
        name=chosen.name, version=chosen.version, provider=chosen.provider, architecture=chosen.architecture,
        sha256=chosen.sha256, metadata_url=chosen.metadata_url, citation=chosen.citation or "",
        has_spec=spec is not None, rsync=chosen.provider == "libvirt", notes=list(settings.notes), access=[],
    )
    if spec:
        from gaev_tui.envspec.advice import DiskPlan
        from gaev_tui.render.project import machine_context, reach_lines

        context["access"] = reach_lines(spec, catalog)
        # The box is used as it was published: its disk is already the size it was built at.
        context.update(machine_context(spec, catalog, DiskPlan("none", None, None)))
    files = {"Vagrantfile": render("get/Vagrantfile.j2", **context), "README.md": render("get/README.md.j2", **context)}
    if chosen.spec_text:
        files["gaev.published.yaml"] = chosen.spec_text
    return {name: text.encode("utf-8") for name, text in files.items()}


def write_new_project(files: dict[str, bytes], dest: Path) -> None:
    """Write into a new directory, whole or not at all (staged beside it, then renamed)."""
    dest = Path(dest)
    refuse_existing(dest)
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


def refuse_existing(dest: Path) -> None:
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise InputError(f"{dest} already exists and is not empty; choose another with -o")
