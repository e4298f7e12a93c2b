"""A DataTable that redraws its cells once their columns have been measured.

Textual's DataTable (8.2) measures the cells of new rows when it is idle, but caches the
cells it renders under a counter that this measuring does not advance. A frame drawn
between ``add_row`` and that idle moment (it happens on a loaded machine) caches every
cell cut at the column's title width, and the table keeps showing the cut cells until
something else changes: on the Builds screen, that is until a job changes state."""

from __future__ import annotations

from textual import events
from textual.widgets import DataTable


class FittedTable(DataTable):
    """A DataTable whose rendered cells follow its measured column widths."""

    async def _on_idle(self, event: events.Idle) -> None:
        before = self._render_widths()
        await super()._on_idle(event)
        if self._render_widths() != before:
            # What add_row and update_cell do to drop the cached renders (no public call
            # does only that); then draw again at the new widths.
            self._update_count += 1
            self.refresh()

    def _render_widths(self) -> list[int]:
        return [column.get_render_width(self) for column in self.columns.values()]
