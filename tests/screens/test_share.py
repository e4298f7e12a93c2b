"""The Share screen publishes a built box with progress and shows the URL, identifier and
citation; a bad registry is one message on the screen."""

from __future__ import annotations

import json

from textual.widgets import Input, Static

from tests.pilot import wait_for
from tests.registry.helpers import gaev, make_box


async def test_share_publishes_with_progress_and_shows_the_citation(make, tmp_path):
    registry = tmp_path / "registry"
    gaev("registry", "init", str(registry), "--org", "lab")
    box = make_box(tmp_path / "demo.box")
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("s")
        screen = app.screen
        assert type(screen).__name__ == "ShareScreen"
        screen.query_one("#share-source", Input).value = str(box)
        screen.query_one("#share-registry", Input).value = str(registry)
        screen.query_one("#share-version", Input).value = "1.2.0"
        await pilot.press("ctrl+s")
        result = screen.query_one("#share-result", Static)
        await wait_for(pilot, lambda: "Published" in str(result.render()), what="the result")
        text = str(result.render())
        meta = json.loads((registry / "lab/demo/metadata.json").read_text())
        sha = meta["versions"][0]["providers"][0]["checksum"]
        assert f"sha256:{sha}" in text and "vagrant box add" in text and "lab/demo 1.2.0" in text
        assert "Cite it:" in text
        bar = screen.query_one("#share-progress")
        assert bar.total == box.stat().st_size and bar.progress == bar.total


async def test_share_says_why_it_did_not_publish(make, tmp_path):
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("s")
        screen = app.screen
        screen.query_one("#share-source", Input).value = str(make_box(tmp_path / "demo.box"))
        screen.query_one("#share-registry", Input).value = str(tmp_path / "not-a-registry")
        await pilot.press("ctrl+s")
        error = screen.query_one("#share-error", Static)
        await wait_for(pilot, lambda: "Not published" in str(error.render()), what="the error")
        assert "is not a GAEV box registry" in str(error.render())
        assert not (tmp_path / "not-a-registry").exists()
