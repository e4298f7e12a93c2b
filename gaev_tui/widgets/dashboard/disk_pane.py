"""The Disk pane: free space of each place the build writes to, against what it still
needs there (places on one filesystem share its free space). It measures itself on a
timer, in a thread (a slow or hung mount never freezes the screen)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual import work
from textual.widgets import Static

from gaev_tui.boxbuild.disk import DiskFree, shortfalls
from gaev_tui.boxbuild.preflight import Estimate
from gaev_tui.boxbuild.project import BuildProject
from gaev_tui.boxbuild.sources import Sources
from gaev_tui.boxbuild.stages import Stage
from gaev_tui.boxcache.text import human_bytes


def disk_text(disks: list[DiskFree], needs: dict[str, int]) -> tuple[Text, bool]:
    """The pane's text (a small table: place, free, still needed), and whether some
    filesystem lacks room."""
    short = {label for s in shortfalls(disks, needs) for label in s.labels}
    text = Text(f"{'place':<12}{'free':>9}{'needs':>11}", style="dim")
    for disk in disks:
        low = disk.label in short
        free = "?" if disk.free is None else human_bytes(disk.free)
        need = needs.get(disk.label, 0)
        line = f"\n{disk.label[:12]:<12}{free:>9}{'~' + human_bytes(need) if need else '-':>11}"
        text.append(line + (" ⚠" if low else ""), style="bold red" if low else "")
    return text, bool(short)


class DiskPane(Static):
    """Watches the places of one project; the ``low`` class when room runs short.

    One line per place (the paths are in the log's pre-flight lines and the tooltip).
    """

    watching = False  # measuring a project (it starts at "measuring…", with nothing to measure)

    def track_build(self, project: BuildProject | Path, sources: Sources, stages: Callable[[], list[Stage]]) -> None:
        """Measure now and every ``sources.disk_every`` seconds (``project``: the one the
        build started from, or the directory of a job followed from its files)."""
        self._project, self._sources, self._stages = project, sources, stages
        self._plan: Estimate | None = None
        self.watching = True
        self.refresh_now()
        self.set_interval(sources.disk_every, self.refresh_now)

    def refresh_now(self) -> None:
        if self.watching:
            self._measure(self._stages())

    @work(thread=True, exclusive=True, group="disk", exit_on_error=False)
    def _measure(self, stages: list[Stage]) -> None:
        try:
            if self._plan is None:
                self._plan = self._sources.estimate(self._project)
            disks = self._sources.disks(self._plan.places)
        except Exception as exc:  # noqa: BLE001 - shown in the pane, tried again next time
            self.app.call_from_thread(self.update, f"cannot measure: {exc}")
            return
        self.app.call_from_thread(self.show, disks, self._plan.still_needed(stages))

    def show(self, disks: list[DiskFree], needs: dict[str, int]) -> None:
        """Redraw from a fresh measurement and the remaining needs per place."""
        text, low = disk_text(disks, needs)
        self.set_class(low, "low")
        self.update(text if disks else "no places to watch")
        self.tooltip = "\n".join(f"{d.label}: {d.path}" for d in disks)
