"""The app's own commands in the command palette (ctrl+p): each wizard step, Write,
Open, Box cache, Builds, Build now, New environment.

Textual's palette only offers generic commands (theme, quit, screenshot) and the
current screen's keys; a user who looks there for "where do I write the project" should
find it. Each command is offered only where it can run, and does what its key does.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.command import DiscoveryHit, Hit, Hits, Provider

from gaev_tui import confine

Command = tuple[str, Callable[[], object], str]  # name, what runs, help


class GaevCommands(Provider):
    """Commands that move through the wizard and open GAEV's other screens."""

    def commands(self) -> list[Command]:
        from gaev_tui.screens import flow
        from gaev_tui.screens.step import StepScreen

        app, screen = self.app, self.screen
        found: list[Command] = []
        if isinstance(screen, StepScreen):
            current = screen.step_index
            for index in range(flow.count()):
                if index != current:
                    title = flow.step_title(index)
                    found.append((f"Step {index + 1}: {title}", _go(app, index), f"go to the step '{title}'"))
            if not getattr(_write_screen(app), "written", None):
                found.append(("Write the project", _go(app, flow.count() - 1, write=True),
                              "go to the last step and write the project's files"))
        else:
            found.append(("New environment", app.new_environment, "start the wizard afresh"))
        found.append(("Open a gaev.yaml or a project", app.open_dialog, "edit a spec or a project in the wizard"))
        if confine.projects_root() is not None:
            return found  # a browser session (gaev serve): nothing that acts on the server
        found.append(("Box cache", app.open_box_cache, "the local boxes: sizes, use, prune"))
        found.append(("Builds", app.open_builds, "every build job, running and finished"))
        written = getattr(_write_screen(app), "written", None)
        if written is not None:
            found.append(("Build now", lambda: app.build_now(written), f"build {written} (live dashboard)"))
        return found

    async def discover(self) -> Hits:
        for name, run, help_text in self.commands():
            yield DiscoveryHit(name, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, run, help_text in self.commands():
            if (score := matcher.match(name)) > 0:
                yield Hit(score, matcher.highlight(name), run, help=help_text)


def _write_screen(app):
    """The wizard's last step, when it is open (it knows whether it wrote the project)."""
    from gaev_tui.screens.write import WriteScreen

    return next((s for s in app.screen_stack if isinstance(s, WriteScreen)), None)


def _go(app, index: int, write: bool = False) -> Callable[[], None]:
    """Go to step ``index``: Back through the steps below, or on through those above
    (each saved, as Back and Next do; Next still checks each step when it is used);
    ``write``: then write the project, as the last step's Write does."""
    from gaev_tui.screens import flow

    def run() -> None:
        current = app.screen
        current.save()
        if index < current.step_index:
            while flow.index_of(app.screen) > index:
                app.pop_screen()
        else:
            for step in range(current.step_index + 1, index + 1):
                app.push_screen(flow.step_screen(step))
        if write:
            app.screen_stack[-1].write_when_shown = True

    return run
