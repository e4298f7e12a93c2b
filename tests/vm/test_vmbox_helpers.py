"""The VM-test helpers themselves, without VMs: process scoping, timeouts, log tails,
plugin detection and the cache key."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import textwrap
import time

import pytest

from tests.toolcheck import need_tool
from tests.vmbox import box, libvirt, procs


def _fake_tool(directory, name):
    """An executable named like a watched tool that just sleeps."""
    path = directory / name
    path.write_text(f"#!{sys.executable}\nimport time\ntime.sleep(60)\n")
    path.chmod(0o755)
    return path


def test_leftover_processes_are_scoped_to_the_marker(tmp_path):
    mine, other = tmp_path / "mine", tmp_path / "other"
    mine.mkdir()
    other.mkdir()
    tool = _fake_tool(tmp_path, "packer")
    proc = subprocess.Popen([str(tool), "build"], cwd=mine)
    try:
        deadline = time.monotonic() + 10
        while not procs.leftover_processes(str(mine)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [line for line in procs.leftover_processes(str(mine)) if line.startswith(f"{proc.pid}:")]
        assert not procs.leftover_processes(str(other))
    finally:
        proc.kill()
        proc.wait()
    assert procs.wait_gone(str(mine), timeout=5) == []


def test_run_kills_the_whole_group_on_timeout(tmp_path):
    script = tmp_path / "spawn.sh"
    # A child that outlives its parent unless the whole process group is killed.
    script.write_text(textwrap.dedent(f"""\
        #!/bin/sh
        {_fake_tool(tmp_path, "vagrant")} &
        echo "child $!"
        sleep 60
    """))
    script.chmod(0o755)
    log = tmp_path / "run.log"
    with pytest.raises(procs.CommandFailed, match="timed out"):
        procs.run([str(script)], log, cwd=tmp_path, timeout=2)
    child = int(log.read_text().split("child ")[1].split()[0])
    deadline = time.monotonic() + 10
    while os.path.exists(f"/proc/{child}") and time.monotonic() < deadline:
        time.sleep(0.1)
    stat = pathlib.Path(f"/proc/{child}/stat")
    state = stat.read_text().split()[2] if stat.exists() else "gone"
    assert state in ("gone", "Z")


def test_failure_message_carries_a_clean_log_tail(tmp_path):
    log = tmp_path / "tool.log"
    script = tmp_path / "tool.sh"
    # Progress redraws end in \r, as Vagrant's do; only the last state of a line matters.
    script.write_text("printf 'Progress: 1 pct\\rProgress: 99 pct\\rdone\\n'\necho boom >&2\nexit 3\n")
    cmd = ["sh", str(script)]
    with pytest.raises(procs.CommandFailed) as failure:
        procs.run(cmd, log)
    message = str(failure.value)
    assert "exit 3" in message and "boom" in message and "done" in message
    assert "Progress" not in message
    assert procs.run(cmd, log, check=False) == 3


def test_run_output_returns_and_logs(tmp_path):
    log = tmp_path / "out.log"
    assert procs.run_output(["echo", "hello"], log).strip() == "hello"
    assert "hello" in log.read_text()
    assert not list(tmp_path.glob(".*.part"))


def test_vagrant_libvirt_plugin_is_detected(tmp_path):
    need_tool("vagrant")
    home = {"VAGRANT_HOME": str(tmp_path), "VAGRANT_CHECKPOINT_DISABLE": "1"}
    version = libvirt.vagrant_libvirt_version(home)
    if version is None:
        pytest.fail("vagrant-libvirt not reported by `vagrant plugin list` (apt-get install vagrant-libvirt)")
    assert version[0].isdigit()


def test_cache_key_follows_the_recipe(monkeypatch, tmp_path):
    need_tool("vagrant")  # the key includes Vagrant's insecure public key
    before = box.recipe_hash()
    assert box.recipe_hash() == before
    assert box.box_version(before).startswith("1.0.")
    ca = tmp_path / "ca"
    ca.mkdir()
    (ca / "extra.crt").write_text("not really a certificate\n")
    monkeypatch.setattr(box, "CA_DIR", ca)
    assert box.recipe_hash() != before
    assert box.box_version(box.recipe_hash()) != box.box_version(before)


def test_remove_prefixed_refuses_an_empty_prefix():
    with pytest.raises(ValueError):
        libvirt.remove_prefixed("")


def test_stale_vagrant_homes_are_removed_fresh_ones_kept(tmp_path, monkeypatch):
    from tests.vmbox import vagrant_env

    monkeypatch.setenv("GAEV_TEST_TMP", str(tmp_path))
    old, fresh = tmp_path / "gaev-vagrant-home-old", tmp_path / "gaev-vagrant-home-new"
    old.mkdir()
    fresh.mkdir()
    os.utime(old, (time.time() - 13 * 3600,) * 2)
    assert vagrant_env.remove_stale_dirs("gaev-vagrant-home-") == [old]
    assert fresh.exists() and not old.exists()
    # pytest's tmp dirs are private (0700): libvirt's qemu user could not reach a box there.
    with pytest.raises(PermissionError, match="not world-traversable"):
        vagrant_env.traversable_dir("gaev-vagrant-home-")
    monkeypatch.delenv("GAEV_TEST_TMP")
    made = vagrant_env.traversable_dir("gaev-test-probe-")
    try:
        assert made.stat().st_mode & 0o777 == 0o755
    finally:
        made.rmdir()
