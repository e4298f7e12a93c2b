"""End to end with the real tools, from the dashboard: a generated project for the test
box (libvirt, software emulation, Ansible from the host) is built by a detached job
while every pane is live; the box is packaged with its checksum, the VM destroyed, and
nothing is left running. Marker ``vm`` (minutes)."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest

from gaev_tui.boxbuild.sources import Sources
from gaev_tui.screens.dashboard import DashboardScreen
from gaev_tui.screens.preflight import PreflightScreen
from gaev_tui.widgets.dashboard.stages_pane import StagesPane
from tests.pilot import ScreenApp, wait_for
from tests.toolcheck import need_tool
from tests.vmbox.fixtures import assert_no_leftovers

pytestmark = pytest.mark.vm

SPEC = """\
name: dash-e2e
os: debian-12
provider: libvirt
provider_options: {{driver: qemu}}
base_box: {{name: {box}, version: "{version}"}}
resources: {{cpus: 1, memory_mb: 1024}}
"""


async def test_dashboard_builds_a_real_box(vagrant_environ, vagrant_project, monkeypatch):
    need_tool("ansible-playbook", "bsdtar", "virt-sysprep", "virt-sparsify")
    monkeypatch.setenv("GAEV_ANSIBLE", "host")  # Ansible from the host: emulated guests are slow
    project = vagrant_project.path
    spec = project.parent / "gaev.yaml"
    spec.write_text(SPEC.format(box=vagrant_environ.box_name, version=vagrant_environ.box_version))
    subprocess.run([sys.executable, "-m", "gaev_tui", "generate", str(spec), "-o", str(project), "--force"],
                   check=True, capture_output=True)
    seen = {"vm": set(), "stages": set()}
    app = ScreenApp(lambda: DashboardScreen(project, sources=Sources(vm_every=2.0)))
    async with app.run_test(size=(120, 40)) as pilot:
        # The real pre-flight warns that software emulation is slow: build anyway.
        await wait_for(pilot, lambda: isinstance(app.screen, PreflightScreen), timeout=120, what="the pre-flight question")
        await pilot.press("y")
        screen = app.screen

        def watch() -> bool:
            seen["vm"].add(str(screen.query_one("#vm").render()).split("\n")[0])
            seen["stages"].update((s.id, s.state) for s in screen.query_one(StagesPane).stages)
            return screen.status in ("ok", "failed", "cancelled", "lost")

        await wait_for(pilot, watch, timeout=2400, what="the build")
        assert screen.status == "ok", screen.job.message
        log = "\n".join(screen.log_pane.ring)
        disk = str(screen.query_one("#disk").render())
    # Every pane was live: stages ran one by one, the VM was seen running, disk measured.
    assert {("up", "running"), ("package", "running"), ("destroy", "ok")} <= seen["stages"]
    assert any(line.startswith("running") for line in seen["vm"]), seen["vm"]
    assert "VAGRANT_HOME" in disk and "project" in disk
    assert "[up] ==> default: Machine booted and ready!" in log
    box = project / "builds" / "dash-e2e-libvirt.box"
    digest = hashlib.sha256(box.read_bytes()).hexdigest()
    assert (project / "builds" / "dash-e2e-libvirt.box.sha256").read_text().split()[0] == digest
    assert (project / "builds" / "dash-e2e-libvirt.manifest.json").exists()
    assert_no_leftovers(str(project), vagrant_project.prefix)
