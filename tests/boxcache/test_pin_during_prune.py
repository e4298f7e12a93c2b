"""Pin, unpin, remove and prune see one state (issue 11, item 9): the prune reads the
pins again under the records' lock before each removal and holds it while Vagrant
removes the box. Real processes contend for the real lock here."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gaev_tui.boxcache import build_index, plan_prune, records
from gaev_tui.boxcache.model import Box
from gaev_tui.boxcache.remove import remove_boxes, remove_command
from tests.boxcache.helpers import make_box, write_index
from tests.fakes import install_fake_tool

FAKE = Path(__file__).parent / "fake_vagrant_box.py"


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = tmp_path / "vagrant.d"
    for version in ("1.0", "2.0", "3.0"):
        make_box(home, "gaev/sci", version)
    write_index(home, {})
    monkeypatch.setenv("VAGRANT_HOME", str(home))
    install_fake_tool(tmp_path, monkeypatch, "vagrant", FAKE)
    return home


def gaev(*args, **kw):
    return subprocess.Popen([sys.executable, "-m", "gaev_tui", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL, **kw)


def box_dir(home, version):
    return home / "boxes" / "gaev-VAGRANTSLASH-sci" / version / "libvirt"


def test_a_pin_taken_after_the_plan_is_honoured(home):
    index = build_index(home, check_outdated=False)
    plan = plan_prune(index.boxes, keep=1)
    assert [i.box.version for i in plan.remove] == ["1.0", "2.0"]
    # Another process pins 1.0 after the plan was made, before the removals.
    pinned = gaev("boxes", "pin", "gaev/sci", "--version", "1.0")
    out, err = pinned.communicate(timeout=60)
    assert pinned.returncode == 0 and "pinned: gaev/sci" in out, err
    results = remove_boxes([i.box for i in plan.remove], home)
    assert [(r.box.version, r.ok, r.message) for r in results] == [
        ("1.0", False, "kept: pinned while the prune ran"), ("2.0", True, "removed")]
    assert box_dir(home, "1.0").is_dir() and not box_dir(home, "2.0").exists()


def test_pin_waiting_on_a_running_prune_never_reports_a_removed_box_pinned(home, tmp_path):
    hold = tmp_path / "hold"
    env = {**os.environ, "FAKE_VAGRANT_HOLD": str(hold)}
    prune = gaev("boxes", "prune", "--yes", env=env)
    deadline = time.monotonic() + 60
    while not Path(str(hold) + ".waiting").exists():  # the prune holds the lock, removing 1.0
        assert prune.poll() is None and time.monotonic() < deadline, prune.communicate()
        time.sleep(0.05)
    pin = gaev("boxes", "pin", "gaev/sci", "--version", "2.0")
    time.sleep(1)  # room for the pin to reach the lock (it cannot get past it meanwhile)
    assert pin.poll() is None, "the pin did not wait for the prune's lock"
    hold.touch()
    pin_out, pin_err = pin.communicate(timeout=120)
    prune_out, prune_err = prune.communicate(timeout=120)
    assert prune.returncode == 0, prune_err
    pinned = records.is_pinned(Box("gaev/sci", "2.0", "libvirt", None, None), records.load()[0])
    if box_dir(home, "2.0").is_dir():  # the pin got the lock first: kept, pinned, said so
        assert pin.returncode == 0 and "pinned: gaev/sci" in pin_out and pinned
        assert "NOT removed: gaev/sci v2.0 (libvirt): kept: pinned while the prune ran" in prune_out
    else:  # the prune got it first: removed, and the pin says so instead of "pinned"
        assert pin.returncode == 1 and "was removed (by a prune) before it could be pinned" in pin_err
        assert "pinned:" not in pin_out
    assert not box_dir(home, "1.0").exists() and box_dir(home, "3.0").is_dir()


def test_box_names_never_become_options(home):
    box = Box("--force", "1.0", "--provider=x", None, home / "nowhere")
    cmd = remove_command(box, "vagrant", arch_flag=True)
    assert cmd[-2:] == ["--", "--force"]
    assert "--provider=--provider=x" in cmd and "--force" not in cmd[:-1]
