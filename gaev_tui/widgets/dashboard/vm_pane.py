"""The VM pane: the build VM's state, CPUs and memory from the provider (virsh,
VBoxManage), and what ``vagrant status`` says, refreshed on a timer in a thread."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual import work
from textual.widgets import Static

from gaev_tui.boxbuild.sources import Sources
from gaev_tui.boxbuild.vmstate import MachineStatus, VmInfo

STATE_STYLE = {"running": "bold green", "aborted": "bold red", "unknown": "yellow", "not_created": "dim"}
VAGRANT_EVERY = 3  # ``vagrant status`` costs a Ruby start-up: every third refresh at most


def vm_text(info: VmInfo, vagrant: MachineStatus | None) -> Text:
    """State (in the provider's words when it has more to say), CPUs and memory, name,
    and Vagrant's word for the state."""
    text = Text()
    words = info.detail if info.detail.startswith(info.state.replace("_", " ")) else info.state.replace("_", " ")
    text.append(words[:60], style=STATE_STYLE.get(info.state, ""))
    if info.detail and not info.detail.startswith(info.state.replace("_", " ")):
        text.append(f" · {info.detail[:60]}", style="dim")
    cpus = f"{info.cpus} cpus" if info.cpus is not None else "? cpus"
    memory = f"{info.memory_mb} MiB" if info.memory_mb is not None else "? MiB"
    text.append(f"\n{cpus} · {memory}" + (f" · {info.name}" if info.name else ""))
    if vagrant is not None:
        text.append("\nvagrant: ", style="dim")
        text.append(vagrant.short or vagrant.state)
    return text


class VmPane(Static):
    """Watches the build VM of one project.

    ``vagrant status`` is only run while no build stage runs: Vagrant commands on one
    machine exclude each other ("the machine is locked"), and a status query must never
    make the build fail. During the build the provider's own tool answers (no lock).
    """

    def track_build(self, project_dir: Path, provider: str, sources: Sources, building: Callable[[], bool]) -> None:
        """Ask now and every ``sources.vm_every`` seconds."""
        self._where, self._sources, self._building = (project_dir, provider), sources, building
        self._polls, self._vagrant = 0, None
        self.refresh_now()
        self._timer = self.set_interval(sources.vm_every, self.refresh_now)

    def refresh_now(self) -> None:
        self._polls += 1
        self._ask(ask_vagrant=self._polls % VAGRANT_EVERY == 1 and not self._building())

    def stop(self) -> None:
        """One last look, with Vagrant's too, then no more (the build is over)."""
        self._timer.stop()
        self._ask(ask_vagrant=not self._building())

    @work(thread=True, exclusive=True, group="vm", exit_on_error=False)
    def _ask(self, ask_vagrant: bool) -> None:
        project, provider = self._where
        try:
            info = self._sources.vm(project, provider)
            if ask_vagrant:
                self._vagrant = self._sources.vagrant_status(project)
        except Exception as exc:  # noqa: BLE001 - shown in the pane, tried again next time
            self.app.call_from_thread(self.update, f"cannot ask the provider: {exc}")
            return
        self.app.call_from_thread(self.update, vm_text(info, self._vagrant))
