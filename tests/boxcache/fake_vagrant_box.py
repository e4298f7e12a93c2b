#!/usr/bin/env python3
"""A stand-in for ``vagrant box remove`` on a hand-made cache: removes
``$VAGRANT_HOME/boxes/NAME/VERSION/PROVIDER`` the way Vagrant parses its arguments
(options as ``--opt=value``, the name after ``--``). FAKE_VAGRANT_HOLD: a file whose
appearance the first removal waits for (to hold a prune in the middle of its work)."""

import os
import shutil
import sys
import time
from pathlib import Path

args = sys.argv[1:]
assert args[:2] == ["box", "remove"], args
args = args[2:]
options, name = {}, None
while args:
    arg = args.pop(0)
    if arg == "--":
        name = args.pop(0)
        break
    key, _, value = arg.partition("=")
    options[key] = value
if name is None or args:
    print(f"fake vagrant: bad command line {sys.argv[1:]}", file=sys.stderr)
    sys.exit(1)
hold = os.environ.get("FAKE_VAGRANT_HOLD")
if hold and not Path(hold).exists():  # only the first removal waits
    Path(hold + ".waiting").touch()
    while not Path(hold).exists():
        time.sleep(0.05)
box = Path(os.environ["VAGRANT_HOME"]) / "boxes" / name.replace("/", "-VAGRANTSLASH-")
target = box / options["--box-version"] / options["--provider"]
if not target.is_dir():
    print(f"The box you requested to be removed could not be found. No boxes named '{name}'", file=sys.stderr)
    sys.exit(1)
shutil.rmtree(target)
print(f"Removing box '{name}' (v{options['--box-version']}) with provider '{options['--provider']}'...")
