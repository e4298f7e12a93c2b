#!/usr/bin/env python3
"""A stand-in ``vagrant`` for the dashboard tests: ``up`` prints a lot, like the real
one does under ``--machine-readable`` (ui lines with escapes), plus raw ANSI colours,
``\\r`` progress bars and stderr, then may keep going for a long time with a child that
ignores SIGINT (so that cancel has a whole tree to stop).

FAKE_LINES   lines ``up`` prints (default 500)
FAKE_SLOW    if set, ``up`` then ticks every 0.1 s for a long time (to cancel/detach)
FAKE_PIDS    file where each call appends "pid" (and "child pid" for the slow child)
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

argv = sys.argv[1:]
command = argv[0] if argv else ""
pids = os.environ.get("FAKE_PIDS")


def record(pid):
    if pids:
        with open(pids, "a") as handle:
            handle.write(f"{pid}\n")


record(os.getpid())
machine = Path(".vagrant/machines/default/libvirt")


def say(kind, text):
    text = text.replace(",", "%!(VAGRANT_COMMA)").replace("\n", "\\n")
    sys.stdout.write(f"{int(time.time())},,ui,{kind},{text}\n")


signal.signal(signal.SIGINT, lambda *_: (say("warn", "==> default: Waiting for cleanup before exiting..."),
                                         sys.stdout.flush(), sys.exit(1)))

if command == "up":
    machine.mkdir(parents=True, exist_ok=True)
    (machine / "id").write_text("00000000-0000-0000-0000-000000000001")
    say("info", "Bringing machine 'default' up with 'libvirt' provider...")
    for i in range(int(os.environ.get("FAKE_LINES", "500"))):
        if i % 100 == 0:
            sys.stdout.write(f"\x1b[1;32mTASK [role : step {i}]\x1b[0m ****\n")
            sys.stdout.write("Progress: 10%\rProgress: 50%\rProgress: 100%\n")
        else:
            say("info", f"==> default: output line {i}, with a comma")
    sys.stdout.flush()
    print("a warning on stderr", file=sys.stderr, flush=True)
    if os.environ.get("FAKE_SLOW"):
        # An ssh-like child that ignores Ctrl-C: only a signal to the whole group ends it.
        child = subprocess.Popen([sys.executable, "-c",
                                  "import signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); time.sleep(600)"])
        record(child.pid)
        for i in range(6000):
            say("info", f"==> default: still provisioning {i}")
            sys.stdout.flush()
            time.sleep(0.1)
    say("info", "==> default: Machine booted and ready!")
elif command == "ssh":
    print(json.dumps({"format": 1, "name": "demo", "system_packages": [{"name": "jq", "version": "1.6"}]}))
elif command == "package":
    out = Path(argv[argv.index("--output") + 1])
    out.write_bytes(b"box" * 1000)
    say("info", f"==> default: Compressing package to: {out}")
elif command == "destroy":
    with_vm = (machine / "id").exists()
    if with_vm:
        (machine / "id").unlink()
    say("info", "==> default: Removing domain..." if with_vm else "==> default: Domain is not created.")
elif command == "status":
    state = "running" if (machine / "id").exists() else "not_created"
    print(f"1700000000,default,metadata,provider,libvirt\n1700000000,default,provider-name,libvirt\n"
          f"1700000000,default,state,{state}\n1700000000,default,state-human-short,{state.replace('_', ' ')}")
sys.stdout.flush()
