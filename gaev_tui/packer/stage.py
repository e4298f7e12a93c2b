"""What the base-box stages of ``gaev build`` run: ``packer build`` in the project's
``packer/``, then the box it wrote is added to Vagrant under the name the Vagrantfile
uses (:func:`gaev_tui.boxbuild.stages.base_box_stages` plans them).

Both stages run this module (``python -m gaev_tui.packer.stage build|add``), because
each needs a decision at run time: which template Packer can read (Packer < 1.7 must
not see ``plugins.pkr.hcl``, see :mod:`gaev_tui.packer.tool`), and the SHA-256 of the
box just built. Each prints the exact command it runs first.

The box is added through a small Vagrant metadata file rather than as a bare file:
that gives every build its own box version (the build time), and Vagrant checks the
SHA-256 written in it. With a bare file every build would be version 0, and
vagrant-libvirt reuses the storage-pool volume it made for a name and version without
checking it, so a rebuilt base box would silently never be used.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

from filelock import Timeout

from gaev_tui import tools
from gaev_tui.boxbuild.checksum import sha256_file
from gaev_tui.boxbuild.record import record_base_box
from gaev_tui.fsutil import atomic_write
from gaev_tui.packer.tool import knows_plugins_block, packer_version, template_for


def _run(argv: list[str]) -> int:
    """Run ``argv`` in this process group; a cancel (SIGTERM/SIGINT to the group) reaches
    the tool directly, and this process waits for it to finish cleaning up."""
    print("$ " + shlex.join(argv), flush=True)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: None)
    try:
        return subprocess.run(argv, check=False).returncode
    except FileNotFoundError:
        print(f"gaev: {argv[0]} not found on PATH", flush=True)
        return 127


def build(packer_dir: Path) -> int:
    """``packer build`` of the template in ``packer_dir`` (run from there)."""
    version = packer_version()
    if knows_plugins_block(version):
        code = _run(["packer", "init", "."])  # installs the plugin plugins.pkr.hcl names
        if code:
            return code
    else:
        print(f"gaev: Packer {version} predates plugins: building without {packer_dir.name}/plugins.pkr.hcl "
              "(its builders are bundled)", flush=True)
    with template_for(packer_dir, version) as template:
        return _run(["packer", "build", "-machine-readable", "-force", template])


def box_metadata(name: str, provider: str, box: Path, sha256: str, version: str) -> dict:
    """Vagrant box metadata (the format of a box catalogue) for one local box file."""
    return {
        "name": name,
        "versions": [{
            "version": version,
            "providers": [{"name": provider, "url": box.resolve().as_uri(),
                           "checksum_type": "sha256", "checksum": sha256}],
        }],
    }


def add(name: str, provider: str, box: Path) -> int:
    """Hash the box, describe it in a metadata file, and ``vagrant box add`` that."""
    if not box.is_file():
        print(f"gaev: {box} does not exist: 'packer build' did not write the base box", flush=True)
        return 1
    sha256 = sha256_file(box)
    print(f"{sha256}  {box.name}", flush=True)
    # The build time as the version: newer builds sort higher, so Vagrant uses the newest.
    version = time.strftime("%Y%m%d.%H%M%S", time.gmtime(box.stat().st_mtime))
    metadata = box.with_name(box.name.removesuffix(".box") + ".json")
    atomic_write(metadata, json.dumps(box_metadata(name, provider, box, sha256, version), indent=2) + "\n")
    # --force: re-adding the same build (a retried stage) replaces it instead of failing.
    code = _run(["vagrant", "box", "add", "--force", "--machine-readable", "--provider", provider, str(metadata)])
    if code == 0:
        try:  # like the final box: GAEV's records say GAEV built it, from which spec
            record_base_box(name, version, provider, sha256, box, Path.cwd().parent)
        except (OSError, Timeout) as exc:  # the box is in Vagrant; only GAEV's bookkeeping failed
            print(f"gaev: warning: the base box was not recorded in GAEV's box records: {exc}", flush=True)
        else:
            print(f"gaev: recorded {name} {version} ({provider}) in GAEV's box records", flush=True)
    return code


def main(argv: list[str]) -> int:
    if argv[:1] == ["build"] and len(argv) == 1:
        return build(Path.cwd())
    if argv[:1] == ["add"] and len(argv) == 4:
        return add(argv[1], argv[2], Path(argv[3]))
    print("usage: python -m gaev_tui.packer.stage build | add NAME PROVIDER BOX", file=sys.stderr)
    return 2


if __name__ == "__main__":
    os.environ.update(tools.QUIET_ENV)  # also when run by hand: no update checks, no colours
    sys.exit(main(sys.argv[1:]))
