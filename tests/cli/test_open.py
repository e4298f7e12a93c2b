"""``gaev open``: a bad spec is one line and exit code 2, before any screen opens."""

from __future__ import annotations

from gaev_tui.cli.main import main


def test_open_refuses_a_bad_spec_before_the_wizard(tmp_path, capsys, monkeypatch):
    started = []
    monkeypatch.setattr("gaev_tui.app.GaevApp.run", lambda self, **kw: started.append(self))
    bad = tmp_path / "gaev.yaml"
    bad.write_text("name: x\nos: ubuntu-22.04\nprovider: virtualbox\nresources: {cpus: 0}\n")
    assert main(["open", str(tmp_path)]) == 2
    assert f"{bad}:4: resources.cpus: must be between 1 and 64" in capsys.readouterr().err
    assert main(["open", str(tmp_path / "missing")]) == 2
    assert started == []


def test_open_starts_the_wizard_on_the_spec(tmp_path, monkeypatch):
    started = []
    monkeypatch.setattr("gaev_tui.app.GaevApp.run", lambda self, **kw: started.append(self) or 0)
    (tmp_path / "gaev.yaml").write_text("name: lab\nos: ubuntu-22.04\nprovider: virtualbox\n")
    assert main(["open", str(tmp_path)]) == 0
    assert started[0].state.name == "lab" and started[0].state.dest == str(tmp_path)


async def test_open_shows_something_before_building_the_steps(make, tmp_path):
    from gaev_tui.screens.home import HomeScreen
    from tests.pilot import settle

    (tmp_path / "gaev.yaml").write_text("name: lab\nos: ubuntu-22.04\nprovider: virtualbox\n")
    app = make(spec_path=tmp_path)
    async with app.run_test() as pilot:
        # the first frame: Home and what is happening, not a blank screen for seconds
        assert isinstance(app.screen, HomeScreen)
        assert any(n.message == f"Opening {tmp_path}…" for n in app._notifications)
        await settle(pilot)
        assert type(app.screen).__name__ == "ReviewScreen"
