"""Which of the tools GAEV drives this host has, and how to install the others."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from gaev_tui.hostfacts import HOME_TOOLS, HostFacts, tool_hint


class ToolList(Static):
    """A line per tool: found (with its version) or missing (with the install hint)."""

    DEFAULT_CSS = "ToolList { height: auto; padding: 0 1; }"

    def __init__(self, facts: HostFacts | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.set_facts(facts)

    def set_facts(self, facts: HostFacts | None) -> None:
        table = Table.grid(padding=(0, 1))
        table.add_column(no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column(overflow="fold")
        for tool, label in HOME_TOOLS.items():
            if facts is None:
                table.add_row(Text("…", style="dim"), label, Text("checking…", style="dim"))
            elif (version := facts.tools.get(tool)) is not None:
                table.add_row(Text("✓", style="green"), label, Text(version, style="dim"))
            else:
                table.add_row(Text("✗", style="red"), label, Text(f"missing: {tool_hint(tool)}", style="yellow"))
        self.update(table)
