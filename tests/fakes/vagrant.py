#!/usr/bin/env python3
"""A stand-in for ``vagrant`` in pipeline-logic and dashboard tests (the real one is
tested by the ``vm`` tests). It answers like Vagrant does in ``--machine-readable`` mode:
ui lines with escaped commas, plus raw ANSI colours, ``\\r`` progress bars and stderr.

FAKE_VAGRANT_CALLS     file where each call's argv is appended (one JSON list per line)
FAKE_VAGRANT_PIDS      file where each call appends its pid (and its slow child's)
FAKE_VAGRANT_FAIL      sub-command that fails (exit 1 with an error-exit line)
FAKE_VAGRANT_SLOW      "up": after its output, ``up`` keeps going for minutes with a child
                       that ignores Ctrl-C (a whole tree to cancel, or to detach from)
FAKE_VAGRANT_LINES     how many more lines ``up`` prints (default 0)
FAKE_VAGRANT_MANIFEST  what ``ssh -c`` prints (default: a small valid manifest)
FAKE_VAGRANT_PLUGINS   the plugins ``plugin list`` names, comma-separated (default:
                       vagrant-libvirt; empty: none)
FAKE_VAGRANT_REPLAY    ``COMMAND=FILE``: that sub-command prints FILE (output captured from
                       the real Vagrant) and exits 1
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
machine = Path(".vagrant/machines/default/libvirt")


def record(variable, text):
    if os.environ.get(variable):
        with open(os.environ[variable], "a") as handle:
            handle.write(text + "\n")


def say(kind, text):
    """A machine-readable ui line (flushed by the caller: big outputs come in batches)."""
    text = text.replace(",", "%!(VAGRANT_COMMA)").replace("\n", "\\n")
    sys.stdout.write(f"{int(time.time())},,ui,{kind},{text}\n")


def on_sigint(*_):
    say("warn", "==> default: Waiting for cleanup before exiting...")
    sys.stdout.flush()
    sys.exit(1)


def keep_going():
    # An ssh-like child that ignores Ctrl-C: only a signal to the whole group ends it.
    child = subprocess.Popen([sys.executable, "-c",
                              "import signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); time.sleep(600)"])
    record("FAKE_VAGRANT_PIDS", str(child.pid))
    for i in range(6000):
        say("info", f"==> default: still provisioning {i}")
        sys.stdout.flush()
        time.sleep(0.1)


record("FAKE_VAGRANT_CALLS", json.dumps(argv))
record("FAKE_VAGRANT_PIDS", str(os.getpid()))
signal.signal(signal.SIGINT, on_sigint)

replay_command, _, replay_file = os.environ.get("FAKE_VAGRANT_REPLAY", "").partition("=")
if replay_command == command:
    sys.stdout.write(Path(replay_file).read_text())
    sys.exit(1)
if os.environ.get("FAKE_VAGRANT_FAIL") == command:
    say("error", f"{command} went wrong, badly")
    print(f"{int(time.time())},,error-exit,Vagrant::Errors::Fake,{command} went wrong%!(VAGRANT_COMMA) badly", flush=True)
    sys.exit(1)
if command == "plugin":
    for plugin in filter(None, os.environ.get("FAKE_VAGRANT_PLUGINS", "vagrant-libvirt").split(",")):
        print(f"1700000000,,ui,info,{plugin} (0.11.2%!(VAGRANT_COMMA) system)")
        print(f"1700000000,,plugin-name,{plugin}")
elif command == "up":
    say("info", "Bringing machine 'default' up with 'libvirt' provider...")
    machine.mkdir(parents=True, exist_ok=True)
    (machine / "id").write_text("00000000-0000-0000-0000-000000000001")
    for i in range(int(os.environ.get("FAKE_VAGRANT_LINES", "0"))):
        if i % 100 == 0:
            sys.stdout.write(f"\x1b[1;32mTASK [role : step {i}]\x1b[0m ****\n")
            sys.stdout.write("Progress: 10%\rProgress: 50%\rProgress: 100%\n")
        else:
            say("info", f"==> default: output line {i}, with a comma")
    print("\x1b[32mplain ansible, output\x1b[0m", flush=True)
    print("a warning on stderr", file=sys.stderr, flush=True)
    if os.environ.get("FAKE_VAGRANT_SLOW") == command:
        keep_going()
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
elif command == "status":
    state = "running" if (machine / "id").exists() else "not_created"
    print(f"1700000000,default,metadata,provider,libvirt\n1700000000,default,provider-name,libvirt\n"
          f"1700000000,default,state,{state}\n1700000000,default,state-human-short,{state.replace('_', ' ')}")
sys.stdout.flush()
