#!/usr/bin/env python3
"""A stand-in for ``virsh`` in pipeline-logic tests: one domain, defined while the file
FAKE_VIRSH_DOMAIN exists (its text is the domain's UUID); every argv appended to
FAKE_VIRSH_CALLS. The real virsh is exercised by the ``vm`` tests."""

import json
import os
import sys
from pathlib import Path

argv = sys.argv[1:]
if argv[:1] == ["-c"]:
    argv = argv[2:]
with open(os.environ["FAKE_VIRSH_CALLS"], "a") as calls:
    calls.write(json.dumps(argv) + "\n")
domain = Path(os.environ["FAKE_VIRSH_DOMAIN"])
defined = domain.exists() and argv[1:2] == [domain.read_text()]
if not defined:
    print(f"error: failed to get domain '{argv[1] if len(argv) > 1 else ''}'", file=sys.stderr)
    sys.exit(1)
if argv[0] == "undefine":
    domain.unlink()
print("ok")
