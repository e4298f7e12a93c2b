"""Step 6: every choice in one summary, then each generated file as it will be written
(and, when the project directory exists, what writing would change)."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static, TabbedContent, TabPane, Tree
from textual.worker import Worker, WorkerState

from gaev_tui.envspec import Spec
from gaev_tui.errors import GaevError
from gaev_tui.render import plan_changes, render_project
from gaev_tui.render.project import resolve_box
from gaev_tui.screens.step import StepScreen
from gaev_tui.widgets.file_preview import FilePreview
from gaev_tui.wizard_facts import CATEGORY_LABELS
from gaev_tui.wizard_state import display_path


def summary_table(spec: Spec, catalog, dest: Path, changes: dict[str, str]) -> Table:
    """The choices, a line per subject, in words."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")

    def row(label: str, value: str) -> None:
        grid.add_row(label, Text(value))  # user text is shown as text, never read as markup

    os_entry, provider = catalog.oses[spec.os], catalog.providers[spec.provider]
    row("Name", spec.name + (f" — {spec.description}" if spec.description else ""))
    row("System", f"{os_entry.label} on {provider.label}"
        + "".join(f", {k} {v}" for k, v in spec.provider_options.items()))
    box = resolve_box(spec, catalog)  # exactly what the Vagrantfile will use
    row("Base box", f"built here with Packer, added as {box.name}" if box.build
        else f"{box.name} ({'version ' + box.version if box.version else 'newest'})")
    packages = [f"{CATEGORY_LABELS[c]}: {', '.join(v)}" for c in CATEGORY_LABELS if (v := getattr(spec.packages, c))]
    row("Packages", "\n".join(packages) or "none")
    row("Apps", ", ".join(catalog.apps[a].label for a in spec.apps) or "none")
    r = spec.resources
    row("Resources", f"{r.cpus} CPUs, {r.memory_mb} MB" + (f", disk cap {r.disk_gb} GB" if r.disk_gb else ""))
    access = [f"private network {spec.network.private_network}"] if spec.network.private_network else []
    here = "any address" if spec.network.reachable_from_other_computers else "localhost"  # who reaches them
    access += [f"{here}:{p.host} → {p.guest}" + ("/udp" if p.protocol == "udp" else "") for p in spec.network.forwarded_ports]
    if spec.network.reachable_from_other_computers:
        access.append("(ports reachable from other computers)")
    access += [f"{f.host} → {f.guest}" for f in spec.shared_folders]
    row("Access", "\n".join(access) or "vagrant ssh only")
    row("System setup", ", ".join(f"{k} {v}" for k, v in (("host name", spec.hostname), ("time zone", spec.timezone), ("locale", spec.locale)) if v) or "the box's defaults")
    if changes:
        counts = {s: sum(1 for v in changes.values() if v == s) for s in ("added", "changed", "removed", "unchanged")}
        row("Project", f"{display_path(dest)} exists: " + ", ".join(f"{n} {s}" for s, n in counts.items() if n))
    else:
        row("Project", f"{display_path(dest)} (new)")
    return grid


class ReviewScreen(StepScreen):
    CSS_PATH = "review.tcss"
    TITLE = "Review and preview"
    EXPLAIN = "Check your choices, and look at every file GAEV will write. Nothing is written yet."
    HELP = """\
**Summary**: every choice in one place. Go Back (Escape) to change one: nothing is lost.

**Files**: pick a file in the tree (arrow keys) to read it. If the project directory already
exists, each file says what writing would do: *added*, *changed*, *unchanged*, or *removed*
(generated before, not any more). Your own files in that directory are never touched.
"""
    BINDINGS = [Binding("s", "tab('summary')", "Summary"), Binding("f", "tab('files')", "Files")]

    def compose_body(self) -> ComposeResult:
        with TabbedContent(id="review-tabs"):
            with TabPane("Summary", id="tab-summary"):
                yield Static("Preparing…", id="review-summary")
            with TabPane("Files", id="tab-files"):
                yield FilePreview()

    def on_mount(self) -> None:
        self.query_one("#nav-next").disabled = True
        self.run_worker(self.prepare, name="render", group="render", thread=True, exclusive=True, exit_on_error=False)

    def prepare(self):
        """Check everything and render (a thread: templates and the target directory)."""
        spec = self.state.check(self.catalog)
        files = render_project(spec, self.catalog)
        dest = self.state.default_dest()
        changes = {c.path: c.status for c in plan_changes(files, dest)} if dest.is_dir() and any(dest.iterdir()) else {}
        return spec, files, dest, changes

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "render":
            return
        summary = self.query_one("#review-summary", Static)
        if event.state == WorkerState.SUCCESS:
            spec, files, dest, changes = event.worker.result
            self.files = files
            summary.update(summary_table(spec, self.catalog, dest, changes))
            self.query_one(FilePreview).show_files(files, changes)
            self.query_one("#nav-next").disabled = False
        elif event.state == WorkerState.ERROR:
            error = event.worker.error
            if not isinstance(error, GaevError):
                return  # the app reports it
            summary.update(Text.assemble((str(error), "red"), "\n\nGo Back (Escape) to fix it."))
            event.stop()

    def action_tab(self, name: str) -> None:
        self.query_one(TabbedContent).active = f"tab-{name}"
        if name == "files":
            self.query_one(Tree).focus()

    def action_next(self) -> None:
        if not self.query_one("#nav-next").disabled:
            self.leave()
