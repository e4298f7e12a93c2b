"""Leaving HCP Vagrant (HashiCorp's hosted registry, being shut down):

- ``import_cached``: boxes already in the local Vagrant cache are repackaged with
  ``vagrant box repackage`` and published to a GAEV registry under the same name and
  version, so a lab keeps what it used;
- ``migrate_vagrantfile``: a Vagrantfile's ``config.vm.box_url`` is pointed at the
  registry's metadata.json for its box (added after ``config.vm.box`` if missing), the
  file rewritten atomically; nothing else in it changes.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

from gaev_tui import paths, tools
from gaev_tui.boxcache.scan import scan
from gaev_tui.errors import GaevError, InputError
from gaev_tui.escape import ruby
from gaev_tui.fsutil import atomic_write
from gaev_tui.registry import metadata
from gaev_tui.registry.publish import BoxToPublish, Published, publish

_BOX_LINE = re.compile(r"^(?P<indent>\s*)(?P<var>\w+)\.vm\.box\s*=\s*(['\"])(?P<name>[^'\"]+)\3\s*$", re.M)
_URL_LINE = re.compile(r"^\s*\w+\.vm\.box_url\s*=.*$\n?", re.M)


def import_cached(store, name: str, version: str | None, provider: str | None, on_step=print) -> list[Published]:
    metadata.check_box_name(name)
    boxes, _ = scan(paths.vagrant_home())
    chosen = [b for b in boxes if b.name == name and (version is None or b.version == version)
              and (provider is None or b.provider == provider)]
    if not chosen:
        raise InputError(f"{name}: no such box in the local Vagrant cache (see 'gaev boxes list')")
    vagrant = tools.require("vagrant")
    done = []
    for box in sorted(chosen, key=lambda b: b.key):
        metadata.check_version(box.version)  # refused before any repackaging
        with tempfile.TemporaryDirectory(prefix="gaev-import-") as tmp:
            on_step(f"vagrant box repackage {box.name} {box.provider} {box.version}")
            result = subprocess.run([vagrant, "box", "repackage", box.name, box.provider, box.version], cwd=tmp,
                                    capture_output=True, text=True, env=tools.quiet_env(), stdin=subprocess.DEVNULL)
            package = Path(tmp) / "package.box"
            if result.returncode != 0 or not package.is_file():
                raise GaevError(f"vagrant box repackage {box.name} failed: {(result.stderr or result.stdout).strip()[-300:]}")
            done.append(publish(store, BoxToPublish(package, box.name, box.version, box.provider,
                                                    box.architecture or metadata.DEFAULT_ARCHITECTURE,
                                                    description=f"imported from the Vagrant cache ({box.name})"),
                                on_step=on_step))
    return done


def migrate_vagrantfile(vagrantfile: Path, registry_url: str) -> str:
    """Point the Vagrantfile's box at the registry; returns the new box_url."""
    text = Path(vagrantfile).read_text(encoding="utf-8")
    found = list(_BOX_LINE.finditer(text))
    if len(found) != 1:
        raise InputError(f"{vagrantfile}: expected one 'config.vm.box = \"ORG/BOX\"' line, found {len(found)}; "
                         "set config.vm.box_url by hand")
    line = found[0]
    name = metadata.check_box_name(line["name"])
    url = f"{registry_url.rstrip('/')}/{name}/metadata.json"
    without = _URL_LINE.sub("", text)
    line = next(_BOX_LINE.finditer(without))
    insert = f"\n{line['indent']}{line['var']}.vm.box_url = {ruby(url)}"
    atomic_write(Path(vagrantfile), without[:line.end()] + insert + without[line.end():])
    return url
