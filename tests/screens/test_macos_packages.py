"""The wizard's packages step on a macOS guest: Homebrew and TeX tabs, no apt, and the
brew grammar refusing a bad name right under the input."""

from __future__ import annotations

from tests.pilot import at_step, next_step


async def test_macos_offers_brew_and_tex_and_checks_them(make):
    app = make()
    async with app.run_test() as pilot:
        await at_step(pilot, 2, os="macos-14", provider="parallels")
        screen = app.screen
        tabs = [pane.id for pane in screen.query("TabPane")]
        assert tabs == ["tab-python", "tab-r", "tab-bioconductor", "tab-brew", "tab-tex"]
        extras = screen.query_one("#pick-brew .picker-extras")
        extras.value = "wget Pandoc"
        await next_step(pilot)
        assert type(app.screen).__name__ == "PackagesScreen"
        assert "Homebrew names are lower case: write 'pandoc'" in str(screen.query_one("#pick-brew .picker-error").render())
        extras.value = "wget cask:rstudio"
        screen.query_one("#pick-tex .picker-extras").value = "latexmk"
        await next_step(pilot)
        assert type(app.screen).__name__ == "AppsScreen"
        assert app.state.packages["brew"] == ["wget", "cask:rstudio"] and app.state.packages["tex"] == ["latexmk"]
