"""Steps 5-7: resources refusals, the review (summary, files, changes), writing."""

from __future__ import annotations

from textual.widgets import Checkbox

from gaev_tui.widgets.field import Field
from tests.pilot import at_step, next_step, note, settle, shown, type_in


async def test_resources_refuse_with_the_reason(make, tmp_path):
    (tmp_path / "afile").write_text("x")
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await at_step(pilot, 4, apps=["jupyterhub", "rstudio"], memory_mb="3072")
        screen = app.screen
        assert "the apps need at least 3072 MB" in note(screen, "f-memory")
        cases = (
            ("f-memory", "2048", "2048 MB is less than the 3072 MB that JupyterHub"),
            ("f-ports", "8000", "'8000' is not THIS-MACHINE:VM"),
            ("f-ports", "80:80", "must be between 1024 and 65535"),
            ("f-network", "8.8.8.8", "is not a private address"),
            ("f-folders", f"{tmp_path / 'afile'} -> /data", "is a file, not a folder"),
            ("f-hostname", "-bad", "must be letters, digits and hyphens"),
        )
        for field_id, text, reason in cases:
            await type_in(pilot, field_id, text)
            await next_step(pilot)
            assert type(app.screen).__name__ == "ResourcesScreen", field_id
            assert reason in note(screen, field_id), (field_id, note(screen, field_id))
            await type_in(pilot, field_id, "3072" if field_id == "f-memory" else "")
        await type_in(pilot, "f-folders", "./data -> /srv/data")
        assert "created when the VM starts" in note(screen, "f-folders")
        await next_step(pilot)
        assert type(app.screen).__name__ == "ReviewScreen"


async def test_review_summary_and_files(make):
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await at_step(pilot, 5, apps=["jupyterhub"], forwarded_ports="8000:80")
        summary = shown(app.screen.query_one("#review-summary"))
        assert "Ubuntu 22.04 LTS (Jammy Jellyfish) on VirtualBox" in summary
        assert "localhost:8000 → 80" in summary and "(new)" in summary
        await pilot.press("f")
        await pilot.pause()
        text = shown(app.screen.query_one("#file-text"))
        assert "config.vm.box = 'bento/ubuntu-22.04'" in text
        tree = app.screen.query_one("#file-tree")
        leaves = {}

        def collect(node):
            for child in node.children:
                if child.data:
                    leaves[child.data] = child
                collect(child)

        collect(tree.root)
        assert set(leaves) == set(app.screen.files)  # every generated file is listed
        assert {"Vagrantfile", "ansible/playbook.yml", "ansible/vars/all.yml", "scripts/cleanup.sh", "README.md"} <= set(leaves)
        leaves["ansible/vars/all.yml"].parent.expand()
        await pilot.pause()
        tree.move_cursor(leaves["ansible/vars/all.yml"])
        await pilot.pause()
        assert "gaev_tljh:" in shown(app.screen.query_one("#file-text"))


async def test_review_shows_what_would_change(make, tmp_path):
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await at_step(pilot, 6)
        app.screen.query_one("#write-confirm", Checkbox).value = False
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen.query_one("#write-done").display
        app.pop_screen()
        app.state.cpus = "4"
        from gaev_tui.screens import flow

        app.push_screen(flow.step_screen(5))
        await settle(pilot)
        summary = shown(app.screen.query_one("#review-summary"))
        assert "exists:" in summary and "changed" in summary and "unchanged" in summary
        await pilot.press("f")
        await pilot.pause()
        assert "changed" in shown(app.screen.query_one("#file-tree"))


async def test_write_needs_confirmation_over_an_existing_directory(make, tmp_path):
    (tmp_path / "my-vm").mkdir()
    (tmp_path / "my-vm" / "notes.txt").write_text("mine")
    app = make()
    built = []
    app.build_now = built.append
    async with app.run_test(size=(80, 24)) as pilot:
        await at_step(pilot, 6)
        screen = app.screen
        assert "not a GAEV project" in shown(screen.query_one("#write-plan"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "tick the confirmation" in note(screen, "f-dest")
        assert not (tmp_path / "my-vm" / "Vagrantfile").exists()
        screen.query_one("#write-confirm", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert (tmp_path / "my-vm" / "Vagrantfile").exists() and (tmp_path / "my-vm" / "gaev.yaml").exists()
        assert (tmp_path / "my-vm" / "notes.txt").read_text() == "mine"
        done = shown(screen.query_one("#write-next"))
        assert "cd ./my-vm" in done and "gaev validate ." in done and "vagrant up --provider=virtualbox" in done
        await pilot.press("ctrl+b")
        assert built == [tmp_path / "my-vm"] or [p.resolve() for p in built] == [(tmp_path / "my-vm").resolve()]


async def test_write_into_a_new_directory_elsewhere(make, tmp_path):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await at_step(pilot, 6)
        await type_in(pilot, "f-dest", str(tmp_path / "deep" / "proj"))
        assert "will be created" in shown(app.screen.query_one("#write-plan"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert (tmp_path / "deep" / "proj" / "Vagrantfile").exists()
        assert app.screen.query_one(Field).value == str(tmp_path / "deep" / "proj")


async def test_review_previews_the_packer_files_of_a_built_base_box(make):
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await at_step(pilot, 5, provider="libvirt", box_build="packer")
        assert "built here with Packer, added as gaev/my-vm-base" in shown(app.screen.query_one("#review-summary"))
        assert any(path.startswith("packer/") and path.endswith(".pkr.hcl") for path in app.screen.files)


async def test_resources_warn_when_the_vm_does_not_fit_this_host(make):
    import socket
    from dataclasses import replace

    from gaev_tui.hostfacts import HostCapacity
    from tests.pilot import FACTS

    facts = replace(FACTS, capacity=HostCapacity(2, 4096))
    app = make(probe=lambda: facts)
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        async with app.run_test(size=(80, 24)) as pilot:
            await at_step(pilot, 4)
            line = app.screen.query_one("#resources-warnings")
            assert not line.display  # 2 CPUs, 2048 MB: nothing to say
            await type_in(pilot, "f-cpus", "4")
            await type_in(pilot, "f-ports", f"{port}:80")
            await type_in(pilot, "f-network", "192.168.99.10")
            text = shown(line)
            assert line.display and "4 CPUs is more than this computer's 2" in text
            assert f"host port {port}/tcp is already in use" in text and "networks.conf" in text
            await next_step(pilot)  # warnings never stop the step
            assert type(app.screen).__name__ == "ReviewScreen"


async def test_a_windows_host_folder_is_shown_as_typed(make):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await at_step(pilot, 4)
        await type_in(pilot, "f-folders", "C:\\Users\\me\\data -> /srv/data")
        hint = note(app.screen, "f-folders")
        assert hint.startswith("C:\\Users\\me\\data: a folder of the Windows computer")
        assert "./" not in hint and "project" not in hint
        assert "is a Windows path" in shown(app.screen.query_one("#resources-warnings"))


async def test_write_refuses_while_a_build_runs_in_the_directory(make, tmp_path):
    """The wizard's write is `generate --force`'s: a running build is named, nothing written."""
    import os

    from gaev_tui.boxbuild import jobs

    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await at_step(pilot, 6)
        app.screen.query_one("#write-confirm", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert (tmp_path / "my-vm" / "Vagrantfile").exists()
        app.pop_screen()
        job = jobs.new_job(tmp_path / "my-vm", "my-vm", "virtualbox", detached=False, keep_vm=False)
        job.status, job.pid, job.pid_start = "running", os.getpid(), jobs.process_start(os.getpid())
        job.save()
        before = (tmp_path / "my-vm" / "Vagrantfile").read_bytes(), os.stat(tmp_path / "my-vm").st_ino
        await at_step(pilot, 6, cpus="4")
        screen = app.screen
        assert f"a build is running in this directory (job {job.id})" in shown(screen.query_one("#write-plan"))
        screen.query_one("#write-confirm", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert f"gaev jobs --cancel {job.id}" in note(screen, "f-dest") and "nothing was written" in note(screen, "f-dest")
        assert not screen.query_one("#write-done").display
        assert ((tmp_path / "my-vm" / "Vagrantfile").read_bytes(), os.stat(tmp_path / "my-vm").st_ino) == before
