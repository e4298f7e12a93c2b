"""Step 7: choose the project directory, confirm before touching an existing one, write
all files at once (atomically), then say exactly what to run next."""

from __future__ import annotations

import importlib.util
import shlex
from pathlib import Path

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static
from textual.worker import Worker, WorkerState

from gaev_tui import confine
from gaev_tui.errors import GaevError, InputError
from gaev_tui.render import inuse, plan_changes, render_project, write_project
from gaev_tui.render.project import access_lines
from gaev_tui.screens.step import StepScreen
from gaev_tui.widgets.field import Field
from gaev_tui.widgets.ticks import TickBox
from gaev_tui.wizard_state import display_path


def next_commands(dest: Path, provider: str) -> list[tuple[str, str]]:
    """(command, what it does) to build the written project."""
    cd = shlex.quote(display_path(dest))
    commands = [(f"cd {cd}", "go to the project"), ("gaev validate .", "check it with Ruby and Ansible")]
    if importlib.util.find_spec("gaev_tui.cli.build") is not None:
        commands.append(("gaev build .", "build the VM, package it as a box"))
    commands.append((f"vagrant up --provider={provider}", "or by hand: build, start the VM"))
    commands.append(("vagrant ssh", "open a shell in it"))
    return commands


class WriteScreen(StepScreen):
    CSS_PATH = "write.tcss"
    TITLE = "Write the project"
    EXPLAIN = ("Choose the directory for the project. GAEV writes every file at once, and "
               "never replaces an existing project unless you say so.")
    HELP = """\
**Project directory**: a new directory is created. If it exists and is not empty, tick the
confirmation: GAEV then updates the files it generated before (the list shows what changes)
and never touches your other files (data, `.vagrant/`, `builds/`).

After writing, the commands to build the VM are shown. `gaev.yaml` in the project holds all
your choices: `gaev open DIR` brings them back into this wizard.
"""
    NEXT_LABEL = "Write ✓"
    ERROR_TARGETS = {"dest": "f-dest"}
    BINDINGS = [Binding("ctrl+n", "next", "Write"), Binding("ctrl+s", "next", "Write", show=False),
                Binding("ctrl+b", "build", "Build now")]

    def compose_body(self) -> ComposeResult:
        with Vertical(id="write-form"):
            yield Field("Project directory", str(self.state.dest or self.state.name), id="f-dest")
            yield Static("", id="write-plan")
            yield TickBox("Yes, update the existing project in this directory", id="write-confirm")
        with Vertical(id="write-done"):  # the buttons first: at 80x24 the text below scrolls
            yield Static("", id="write-written")
            with Horizontal():
                yield Button("Build now", id="write-build", variant="success", compact=True)
                yield Button("Back to Home", id="write-home", compact=True)
            yield Static("", id="write-next")

    write_when_shown = False  # the palette's "Write the project": write once shown

    def on_mount(self) -> None:
        self.query_one("#write-done").display = False
        self.update_plan()
        self.query_one("#f-dest", Field).input.focus()
        if self.write_when_shown:
            self.call_after_refresh(self.action_next)

    def dest(self) -> Path:
        typed = self.query_one("#f-dest", Field).value.strip() or self.state.name
        root = confine.projects_root()
        if root is not None:  # a browser session: only inside the server's projects directory
            return confine.inside(root, typed)
        return Path(typed).expanduser()

    def existing(self) -> bool:
        dest = self.dest()
        return dest.is_dir() and any(dest.iterdir())

    def on_input_changed(self, _event) -> None:
        self.update_plan()

    def update_plan(self) -> None:
        plan = self.query_one("#write-plan", Static)
        confirm = self.query_one("#write-confirm", TickBox)
        try:
            dest = self.dest()
        except InputError as error:
            confirm.display = False
            plan.update(f"[red]{escape(error.message)}[/]")
            return
        confirm.display = self.existing()
        if dest.exists() and not dest.is_dir():
            plan.update(f"[red]{escape(display_path(dest))} is a file; choose a directory.[/]")
        elif not self.existing():
            plan.update(f"{escape(display_path(dest))} will be created.")
        elif busy := inuse.running_build(dest):  # the write would refuse: say so before
            plan.update(f"[red]{escape(display_path(dest))}: {escape(busy)}; it cannot be updated until then.[/]")
        else:
            try:
                changes = plan_changes(render_project(self.state.check(self.catalog), self.catalog), dest)
            except GaevError as error:
                plan.update(f"[red]{escape(str(error))}[/]")
                return
            counts = {s: sum(c.status == s for c in changes) for s in ("added", "changed", "removed", "unchanged", "kept")}
            gaev = (dest / "gaev.yaml").exists()
            what = "a GAEV project" if gaev else "[yellow]not a GAEV project[/]"
            plan.update(f"{escape(display_path(dest))} exists ({what}): " + ", ".join(f"{n} {s}" for s, n in counts.items() if n)
                        + ". Files GAEV did not generate are left alone."
                        + (f" Note: {escape(inuse.machines_note(vms))}." if (vms := inuse.vagrant_machines(dest)) else ""))

    def save(self) -> None:
        self.state.dest = self.query_one("#f-dest", Field).value.strip()

    def validate(self) -> bool:
        field = self.query_one("#f-dest", Field)
        try:
            self.dest()
        except InputError as error:
            field.show_error(error.message)
            return False
        if self.dest().exists() and not self.dest().is_dir():
            field.show_error("is a file; choose a directory")
            return False
        if self.existing() and not self.query_one("#write-confirm", TickBox).value:
            field.show_error("exists and is not empty: tick the confirmation below to update it")
            return False
        return True

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        written = getattr(self, "written", None) is not None
        if action == "build":  # hidden until there is a project, and in a browser session
            return written and confine.projects_root() is None
        return not written if action == "next" else True

    def leave(self) -> None:
        self.query_one("#nav-next").disabled = True
        self.run_worker(self.write, name="write", group="write", thread=True, exclusive=True, exit_on_error=False)

    def write(self):
        spec = self.state.check(self.catalog)
        dest = self.dest()
        changes = write_project(render_project(spec, self.catalog), dest, force=self.existing())
        return dest, spec, changes

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "write":
            return
        if event.state == WorkerState.SUCCESS:
            dest, spec, changes = event.worker.result
            self.written = dest
            written = sum(c.status in ("added", "changed") for c in changes)
            self.query_one("#write-written", Static).update(
                f"[b green]Written:[/] {escape(display_path(dest))} ({written} files).")
            commands = next_commands(dest, spec.provider)
            width = max(len(cmd) for cmd, _ in commands)
            lines = [f"[yellow]Kept your {escape(c.path)} as {escape(c.kept_as or '')}[/]" for c in changes if c.status == "kept"]
            lines += ["[b]What next:[/]"] + [f"  [b]{escape(cmd.ljust(width))}[/]  [dim]{why}[/]" for cmd, why in commands]
            if access := access_lines(spec, self.catalog):  # URLs, folders, first login
                lines += ["", "[b]Once it is built:[/]"] + [f"  {escape(line.replace('`', ''))}" for line in access]
            self.query_one("#write-next", Static).update("\n".join(lines))
            self.query_one("#write-form").display = False
            self.query_one("#write-done").display = True
            self.query_one("#nav-next").display = False  # written: nothing left to write
            if confine.projects_root() is not None:  # a browser session builds nothing on the server
                self.query_one("#write-build").display = False
                self.query_one("#write-home").focus()
            else:
                self.query_one("#write-build").focus()
            self.refresh_bindings()
        elif event.state == WorkerState.ERROR and isinstance(event.worker.error, GaevError):
            self.query_one("#f-dest", Field).show_error(str(event.worker.error))
            self.query_one("#nav-next").disabled = False
            event.stop()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "write-build":
            self.action_build()
        elif event.button.id == "write-home":
            self.app.pop_to_home()
        else:
            super().on_button_pressed(event)

    def action_build(self) -> None:
        if getattr(self, "written", None) is not None:
            self.app.build_now(self.written)
