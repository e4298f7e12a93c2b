#!/usr/bin/env python3
"""A stand-in for ``vagrant`` in pipeline-logic tests (the real one is tested by the
``vm`` end-to-end test). It answers like Vagrant does in ``--machine-readable`` mode.

FAKE_VAGRANT_CALLS: file where each call's argv is appended (one JSON list per line)
FAKE_VAGRANT_FAIL:  sub-command that fails (exit 1 with an error-exit line)
FAKE_VAGRANT_SLOW:  sub-command that prints ticks for a long time (to cancel it)
FAKE_VAGRANT_MANIFEST: what ``ssh -c`` prints (default: a small valid manifest)
FAKE_VAGRANT_REPLAY: ``COMMAND=FILE``: that sub-command prints FILE (output captured from
                     the real Vagrant, tests/boxbuild/data/causes/) and exits 1
"""

import json
import os
import signal
import sys
import time
from pathlib import Path

argv = sys.argv[1:]
command = argv[0] if argv else ""
with open(os.environ["FAKE_VAGRANT_CALLS"], "a") as calls:
    calls.write(json.dumps(argv) + "\n")
    calls.flush()
machine = Path(".vagrant/machines/default/libvirt")


def say(kind, text):
    text = text.replace(",", "%!(VAGRANT_COMMA)").replace("\n", "\\n")
    print(f"{int(time.time())},,ui,{kind},{text}", flush=True)


def on_sigint(*_):
    say("warn", "==> default: Waiting for cleanup before exiting...")
    sys.exit(1)


signal.signal(signal.SIGINT, on_sigint)

replay_command, _, replay_file = os.environ.get("FAKE_VAGRANT_REPLAY", "").partition("=")
if replay_command == command:
    sys.stdout.write(Path(replay_file).read_text())
    sys.exit(1)
if os.environ.get("FAKE_VAGRANT_FAIL") == command:
    say("error", f"{command} went wrong, badly")
    print(f"{int(time.time())},,error-exit,Vagrant::Errors::Fake,{command} went wrong%!(VAGRANT_COMMA) badly", flush=True)
    sys.exit(1)
if os.environ.get("FAKE_VAGRANT_SLOW") == command:
    for i in range(600):
        say("info", f"==> default: waiting {i}")
        time.sleep(0.1)
if command == "plugin":
    print("1700000000,,ui,info,vagrant-libvirt (0.11.2%!(VAGRANT_COMMA) system)")
    print("1700000000,,plugin-name,vagrant-libvirt")
elif command == "up":
    say("info", "Bringing machine 'default' up with 'libvirt' provider...")
    machine.mkdir(parents=True, exist_ok=True)
    (machine / "id").write_text("00000000-0000-0000-0000-000000000001")
    print("\x1b[32mplain ansible, output\x1b[0m", flush=True)
    print("a warning on stderr", file=sys.stderr, flush=True)
    say("info", "==> default: Machine booted and ready!\n==> default: Running provisioner: gaev-ansible...")
elif command == "ssh":
    manifest = os.environ.get("FAKE_VAGRANT_MANIFEST")
    if manifest is None:
        manifest = json.dumps({"format": 1, "name": "demo", "system_packages": [{"name": "jq", "version": "1.6"}],
                               "python": {"freeze": ["six==1.16.0"]}}, indent=2)
    print(manifest, flush=True)
    print("Connection to 192.168.121.10 closed.", file=sys.stderr, flush=True)
elif command == "package":
    out = Path(argv[argv.index("--output") + 1])
    if out.exists():
        say("error", "The box file already exists")
        sys.exit(1)
    say("info", "==> default: Creating image (snapshot of base box volume).")
    with open(out, "wb") as handle:
        for i in range(64):
            handle.write(bytes([i]) * 65536)
    say("info", f"==> default: Compressing package to: {out}")
elif command == "destroy":
    if (machine / "id").exists():
        (machine / "id").unlink()
        say("info", "==> default: Removing domain...")
    else:
        say("info", "==> default: Domain is not created. Please run `vagrant up` first.")
