"""Pipeline logic with a scripted ``vagrant``: order, outputs, failure, cancel, clean-up."""

from __future__ import annotations

import hashlib
import json
import threading
import time

from gaev_tui.boxbuild.logstore import LogWriter
from gaev_tui.boxbuild.pipeline import Pipeline
from gaev_tui.boxbuild.project import load_project
from gaev_tui.boxbuild.stages import partial
from tests.fakes.project import write_project


def run(fake, **kw):
    project = load_project(fake.dir)
    log = LogWriter(fake.dir.parent / "job" / "build.log")
    seen = []
    pipeline = Pipeline(project, log, on_stage=lambda s: seen.append((s.id, s.state)), **kw)
    result = pipeline.run()
    log.close()
    return project, result, seen, log.path.read_text()


def no_partials(project):
    return not any(p.name.endswith(".partial") for p in project.builds_dir.glob(".*")) if project.builds_dir.exists() else True


def test_successful_build_leaves_box_checksum_manifest(fake_project):
    project, result, seen, log = run(fake_project)
    assert result.status == "ok", result.message
    assert fake_project.commands() == ["up", "ssh", "package", "destroy"]
    box = project.dir / "builds" / "demo-libvirt.box"
    digest = hashlib.sha256(box.read_bytes()).hexdigest()
    assert (project.dir / "builds" / "demo-libvirt.box.sha256").read_text() == f"{digest}  demo-libvirt.box\n"
    assert result.sha256 == digest
    manifest = json.loads((project.dir / "builds" / "demo-libvirt.manifest.json").read_text())
    assert manifest["system_packages"] == [{"name": "jq", "version": "1.6"}]
    assert no_partials(project)
    assert [s.state for s in result.stages] == ["ok"] * 5
    assert all(s.duration is not None and s.started_at for s in result.stages)
    # The exact command lines, and the environment libguestfs needs under emulation.
    package = next(s for s in result.stages if s.id == "package")
    assert package.command.startswith("LIBGUESTFS_BACKEND=direct LIBGUESTFS_BACKEND_SETTINGS=force_tcg GAEV_BUILD=1 vagrant package --output ")
    assert "$ GAEV_BUILD=1 vagrant up --provider=libvirt --machine-readable" in log
    # Machine-readable lines became text; plain lines were cleaned; stderr was kept.
    assert "[up] ==> default: Machine booted and ready!" in log
    assert "[up] ==> default: Running provisioner: gaev-ansible..." in log
    assert "[up] plain ansible, output" in log and "[up] a warning on stderr" in log
    assert ",ui," not in log and "\x1b" not in log
    assert ("up", "running") in seen and ("up", "ok") in seen


def test_failure_stops_says_where_and_still_destroys(fake_project, monkeypatch):
    monkeypatch.setenv("FAKE_VAGRANT_FAIL", "package")
    project, result, _, log = run(fake_project)
    assert result.status == "failed" and result.failed_stage == "package"
    assert "stage 'package' failed (exit code 1: package went wrong, badly)" in result.message
    package = next(s for s in result.stages if s.id == "package")
    assert f"log: {result.log_path} (from line {package.log_line})" in result.message
    assert log.splitlines()[package.log_line - 1].startswith("[package] $ ")
    assert fake_project.commands() == ["up", "ssh", "package", "destroy"]
    assert [s.state for s in result.stages] == ["ok", "ok", "failed", "skipped", "ok"]
    assert not (project.dir / "builds" / "demo-libvirt.box").exists()
    assert not (project.dir / "builds" / "demo-libvirt.manifest.json").exists()
    assert no_partials(project)


def test_bad_manifest_fails_the_build(fake_project, monkeypatch):
    monkeypatch.setenv("FAKE_VAGRANT_MANIFEST", "cat: /var/lib/gaev/manifest.json: No such file")
    _, result, _, _ = run(fake_project)
    assert result.failed_stage == "manifest"
    assert "manifest is unusable" in result.message


def test_manifest_with_noise_around_is_accepted(fake_project, monkeypatch):
    monkeypatch.setenv("FAKE_VAGRANT_MANIFEST", 'banner\n{"format": 1, "system_packages": []}\nbye')
    project, result, _, _ = run(fake_project)
    assert result.status == "ok"
    assert json.loads(project.manifest_path.read_text()) == {"format": 1, "system_packages": []}


def test_cancel_during_up_destroys_and_registers_nothing(fake_project, monkeypatch):
    monkeypatch.setenv("FAKE_VAGRANT_SLOW", "up")
    project = load_project(fake_project.dir)
    log = LogWriter(fake_project.dir.parent / "job" / "build.log")
    pipeline = Pipeline(project, log)
    box = {}
    thread = threading.Thread(target=lambda: box.setdefault("r", pipeline.run()))
    thread.start()
    deadline = time.monotonic() + 20
    while "still provisioning 3" not in log.path.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    pipeline.cancel()
    thread.join(60)
    result = box["r"]
    assert result.status == "cancelled" and result.failed_stage == "up"
    assert [s.state for s in result.stages] == ["cancelled", "skipped", "skipped", "skipped", "ok"]
    assert fake_project.commands() == ["up", "destroy"]
    assert "Waiting for cleanup before exiting" in log.path.read_text()  # it got SIGINT first
    assert not project.builds_dir.exists() or not any(project.builds_dir.iterdir())


def test_keep_vm_skips_destroy(fake_project):
    _, result, _, _ = run(fake_project, keep_vm=True)
    assert result.status == "ok"
    assert fake_project.commands() == ["up", "ssh", "package"]
    assert result.stages[-1].state == "skipped" and result.stages[-1].detail == "--keep-vm"


def test_windows_guest_skips_manifest(fake_project):
    write_project(fake_project.dir, family="windows")
    project, result, _, _ = run(fake_project)
    assert result.status == "ok", result.message
    assert fake_project.commands() == ["up", "package", "destroy"]
    assert not project.manifest_path.exists()


def test_missing_vagrant_fails_cleanly(fake_project, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    _, result, _, _ = run(fake_project)
    assert result.status == "failed" and result.failed_stage == "up"
    assert "No such file" in result.message
    # The clean-up still tried (and failed the same way); the first failure is reported.
    assert [s.state for s in result.stages] == ["failed", "skipped", "skipped", "skipped", "failed"]


def test_existing_partial_box_is_replaced(fake_project):
    project = load_project(fake_project.dir)
    project.builds_dir.mkdir()
    partial(project.box_path).write_bytes(b"stale")
    _, result, _, _ = run(fake_project)
    assert result.status == "ok"
    assert project.box_path.stat().st_size == 64 * 65536


def test_successful_build_is_recorded_failed_one_is_not(fake_project, monkeypatch):
    from gaev_tui.boxcache import records

    monkeypatch.setenv("FAKE_VAGRANT_FAIL", "package")
    run(fake_project)
    assert records.load()[0]["built"] == []
    monkeypatch.delenv("FAKE_VAGRANT_FAIL")
    project, result, _, _ = run(fake_project)
    built = records.load()[0]["built"]
    assert [(b["name"], b["version"], b["provider"], b["checksum"]) for b in built] == [("demo", "0", "libvirt", result.sha256)]
    assert built[0]["box_file"] == str(project.box_path.resolve())
    assert built[0]["spec"]["name"] == "demo"


def test_a_vm_with_its_own_key_is_not_packaged(fake_project):
    # A VM the user brought up themselves: Vagrant replaced the insecure key with one of
    # the VM's own, which 'vagrant package' would put in the box.
    key = fake_project.dir / ".vagrant" / "machines" / "default" / "libvirt" / "private_key"
    key.parent.mkdir(parents=True)
    key.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\n")
    project, result, _, log = run(fake_project)
    assert result.status == "failed" and result.failed_stage == "package"
    assert fake_project.commands() == ["up", "ssh", "destroy"]  # vagrant package never ran
    package = next(s for s in result.stages if s.id == "package")
    assert "private key of its own (.vagrant/machines/default/libvirt/private_key)" in package.cause
    assert "'vagrant destroy -f'" in result.message and package.cause in result.message
    assert not (project.dir / "builds" / "demo-libvirt.box").exists()
