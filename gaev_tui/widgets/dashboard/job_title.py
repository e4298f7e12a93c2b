"""The dashboard's title line: which build, which job, its status and how long."""

from __future__ import annotations

from textual.widgets import Label

from gaev_tui.boxbuild.jobs import Job
from gaev_tui.boxbuild.stages import duration_text


class JobTitle(Label):
    """``Build NAME (PROVIDER) · job ID · STATUS · DURATION``."""

    def __init__(self, text: str = "", **kwargs) -> None:
        super().__init__(text, markup=False, **kwargs)

    def show(self, job: Job, status: str, now: float) -> None:
        """Redraw; a build still going counts up to ``now``."""
        end = job.finished if job.finished is not None else now
        # One line of fixed height: no layout pass on every tick.
        self.update(f"Build {job.name} ({job.provider}) · job {job.id} · {status} · {duration_text(end - job.created)}",
                    layout=False)
