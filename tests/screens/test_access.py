"""Who reaches the VM's ports, said and written (network.reachable_from_other_computers),
and what the written screen tells to open once the VM is built."""

from __future__ import annotations

import pytest

from gaev_tui.envspec import parse_spec_text
from gaev_tui.errors import InputError
from gaev_tui.render import render_project
from gaev_tui.widgets.ticks import TickBox
from tests.pilot import SEED, at_step, next_step, settle, shown

SPEC = "name: class-vm\nos: ubuntu-22.04\nprovider: virtualbox\napps: [jupyterhub]\nresources: {memory_mb: 2048}\n"


def vagrantfile(spec_text: str, catalog) -> str:
    return render_project(parse_spec_text(spec_text, catalog), catalog)["Vagrantfile"].decode()


def test_ports_bind_to_this_computer_unless_the_spec_opens_them(catalog):
    ports = "network: {forwarded_ports: [{guest: 80, host: 8000}]%s}\n"
    closed = vagrantfile(SPEC + ports % "", catalog)
    assert "host: 8000, protocol: 'tcp', host_ip: '127.0.0.1'" in closed
    opened_text = SPEC + ports % ", reachable_from_other_computers: true"
    assert "host: 8000, protocol: 'tcp', host_ip: '0.0.0.0'" in vagrantfile(opened_text, catalog)
    files = render_project(parse_spec_text(opened_text, catalog), catalog)
    assert "reachable_from_other_computers: true" in files["gaev.yaml"].decode()  # written back
    assert "from other computers: http://THIS-COMPUTER'S-ADDRESS:8000/" in files["README.md"].decode()


def test_reachable_is_checked(catalog):
    with pytest.raises(InputError) as caught:
        parse_spec_text(SPEC + "network: {reachable_from_other_computers: yes please}\n", catalog)
    assert "network.reachable_from_other_computers" in str(caught.value)


def test_reachable_opens_the_apps_default_forwards_too(catalog):
    text = vagrantfile(SPEC + "network: {reachable_from_other_computers: true}\n", catalog)
    assert "host_ip: '0.0.0.0', auto_correct: true" in text and "'127.0.0.1'" not in text


async def test_the_wizard_asks_says_what_it_means_and_writes_it(make, in_tmp_cwd):
    app = make()
    async with app.run_test(size=(100, 40)) as pilot:
        await at_step(pilot, 4, **SEED)
        tick = app.screen.query_one("#f-for-others", TickBox)
        assert shown(tick).startswith("[ ] Reachable from other computers")
        assert "only on this computer (127.0.0.1)" in shown(app.screen.query_one("#for-others-note"))
        tick.focus()
        await pilot.press("space")
        assert "Other computers can open these ports" in shown(app.screen.query_one("#for-others-note"))
        await next_step(pilot)  # review
        await next_step(pilot)  # write
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "host_ip: '0.0.0.0'" in (in_tmp_cwd / "jupyterhub-vm" / "Vagrantfile").read_text()
        done = shown(app.screen.query_one("#write-next"))
        # the URL and JupyterHub's first login, not only in the project's README
        assert "http://localhost:8000/" in done and "THIS-COMPUTER'S-ADDRESS:8000" in done
        assert "logs in first as admin chooses its password" in done


async def test_libvirt_shared_folders_are_said_to_be_one_way_copies(make):
    app = make()
    async with app.run_test(size=(100, 40)) as pilot:
        await at_step(pilot, 4, **{**SEED, "provider": "libvirt"})
        assert "rsync, one way" in shown(app.screen.query_one("#f-folders .field-note"))
        await at_step(pilot, 4, **{**SEED, "provider": "virtualbox"})
        assert "rsync" not in shown(app.screen.query_one("#f-folders .field-note"))
