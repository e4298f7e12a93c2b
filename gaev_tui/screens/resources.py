"""Step 5: how big the VM is and how you reach it: CPUs, memory, disk cap, network,
forwarded ports, shared folders, host name, time zone and language."""

from __future__ import annotations

import os
from pathlib import Path

from textual.app import ComposeResult
from textual.widgets import Static

from gaev_tui import names
from gaev_tui.envspec import SharedFolder, required_memory_mb
from gaev_tui.envspec.advice import spec_warnings
from gaev_tui.errors import InputError
from gaev_tui.hostfacts import host_fit
from gaev_tui.screens.step import StepScreen
from gaev_tui.widgets.field import Field
from gaev_tui.widgets.ticks import TickBox
from gaev_tui.wizard_state import display_path, parse_folders

FOR_OTHERS = ("Other computers can open these ports at this computer's address (students "
              "reaching a class JupyterHub): anyone on its networks can, so use the apps' own "
              "passwords. Unticked: only this computer (127.0.0.1).")
RSYNC_NOTE = ("libvirt copies the folders into the VM when it starts (rsync, one way): changes "
              "made in the VM stay there; 'vagrant rsync' copies this computer's again.")


def _whole(text: str) -> str | None:
    return None if text.isdigit() else "must be a whole number"


# (field id, state attribute, label, placeholder, instant check)
FIELDS = (
    ("f-cpus", "cpus", "CPUs", "2", _whole),
    ("f-memory", "memory_mb", "Memory (MB)", "2048", _whole),
    ("f-disk", "disk_gb", "Disk cap (GB)", "blank: the box's size", _whole),
    ("f-network", "private_network", "Private network", "blank: none; dhcp; or 192.168.56.10", None),
    ("f-ports", "forwarded_ports", "Forwarded ports", "THIS-COMPUTER:VM, like 8000:80", None),
    ("f-folders", "shared_folders", "Shared folders", "./data -> /srv/data (several: ';')", None),
    ("f-hostname", "hostname", "Host name", "blank: the box's own", names.hostname),
    ("f-timezone", "timezone", "Time zone", "blank: UTC; like Europe/Paris", names.timezone),
    ("f-locale", "locale", "Language (locale)", "blank: the box's; like fr_FR.UTF-8", names.locale),
)
DISK_HINT = ("Vagrant can only grow a box's disk: a smaller size needs a base box built "
             "with Packer (base box step).")


class ResourcesScreen(StepScreen):
    CSS_PATH = "resources.tcss"
    TITLE = "Resources and access"
    EXPLAIN = ("How much of this computer the VM may use, and how you reach it. The "
               "proposed values suit the apps you chose; blank means the box's default.")
    HELP = f"""\
* **CPUs / Memory**: taken from this computer while the VM runs. The apps' needs are the minimum.
* **Disk cap**: {DISK_HINT} Blank: the base box's own size. A size larger than the box's grows it at the
  first `vagrant up`.
* **Private network**: an address only this computer can reach: `dhcp`, or a fixed one like `192.168.56.10`.
* **Forwarded ports**: `8000:80` makes `http://localhost:8000/` here reach port 80 in the VM. Ports on this
  computer must be 1024 or more. Several: `8000:80, 8787:8787`; UDP: `5353:53/udp`.
* **Reachable from other computers**: ticked, the forwarded ports open on every address of this computer,
  so a class reaches the VM's JupyterHub at `http://THIS-COMPUTER'S-ADDRESS:8000/` (the firewall permitting).
  Unticked, only this computer reaches them.
* **Shared folders**: `./data -> /media/sf_DATA` shows the project's `data` folder inside the VM at
  `/media/sf_DATA` (created if missing). Several: separate with `;`. With libvirt they are copies (rsync,
  one way, when the VM starts): what the VM changes there does not come back.
* **Host name, time zone, language**: like `jupyterhub`, `Europe/Paris`, `fr_FR.UTF-8`.
"""
    STEP = "resources"
    ERROR_TARGETS = {
        "resources": "f-cpus", "resources.cpus": "f-cpus", "resources.memory_mb": "f-memory",
        "resources.disk_gb": "f-disk", "network": "f-network", "network.private_network": "f-network",
        "network.forwarded_ports": "f-ports", "network.reachable_from_other_computers": "f-ports", "shared_folders": "f-folders", "hostname": "f-hostname",
        "timezone": "f-timezone", "locale": "f-locale",
    }

    def compose_body(self) -> ComposeResult:
        needed = required_memory_mb(self.catalog, self.state.apps)
        hints = {"f-memory": f"the apps need at least {needed} MB" if needed else "", "f-disk": DISK_HINT}
        for ident, attr, label, placeholder, check in FIELDS:
            if ident == "f-folders":  # right under the forwarded ports it is about
                yield TickBox("Reachable from other computers", self.state.ports_for_others, id="f-for-others",
                              compact=True)
                yield Static("", id="for-others-note", markup=False)
            yield Field(label, getattr(self.state, attr), id=ident, placeholder=placeholder,
                        check=check, hint=hints.get(ident, ""))
        yield Static("", id="resources-warnings")
        yield Static("", id="resources-end")

    def on_mount(self) -> None:
        self.query_one("#f-cpus", Field).input.focus()
        self.show_for_others()
        self.check_folders()
        self.show_warnings()

    def on_checkbox_changed(self, event: TickBox.Changed) -> None:
        self.show_for_others()

    def show_for_others(self) -> None:
        """What the tick means, under it, as it is now."""
        ticked = self.query_one("#f-for-others", TickBox).value
        self.query_one("#for-others-note", Static).update(
            FOR_OTHERS if ticked else "Unticked: the ports open only on this computer (127.0.0.1).")

    def on_input_changed(self, event) -> None:
        if event.input.id == "f-folders-input":
            self.check_folders()
        self.show_warnings()

    def warnings(self) -> list[str]:
        """What this host cannot give (when probed) and the spec's own warnings, for
        the answers as they stand; nothing while they do not parse (errors come first)."""
        state = self.state.copy()
        for ident, attr, *_ in FIELDS:
            setattr(state, attr, self.query_one(f"#{ident}", Field).value.strip())
        try:
            spec = state.check(self.catalog, upto=self.STEP)
        except InputError:
            return []
        facts = self.app.host_facts
        found = []
        if facts is not None and facts.capacity is not None:
            ports = [(p.host, p.protocol) for p in spec.network.forwarded_ports]
            found = [w.message for w in host_fit(spec.resources.cpus, spec.resources.memory_mb, ports, facts.capacity)]
        return found + [w.message for w in spec_warnings(spec, self.catalog)]

    def show_warnings(self) -> None:
        line = self.query_one("#resources-warnings", Static)
        found = self.warnings()
        line.update("\n".join(f"⚠ {message}" for message in found))
        line.display = bool(found)

    def check_folders(self) -> bool:
        """Say where each shared folder is on this computer, and if it exists; False
        when one cannot be shared."""
        field = self.query_one("#f-folders", Field)
        try:
            folders = parse_folders(field.value)
        except InputError as error:
            field.show_error(error.message)
            return False
        project = self.state.default_dest()
        notes = []
        for folder in folders:
            if SharedFolder(folder["host"], folder["guest"]).windows_host and os.name != "nt":
                # Not a path of this computer: written as typed, for the Windows host.
                notes.append(f"{folder['host']}: a folder of the Windows computer that will run the VM")
                continue
            host = Path(folder["host"]).expanduser()
            where = host if host.is_absolute() else project / host
            if where.exists() and not where.is_dir():
                field.show_error(f"{display_path(where)} is a file, not a folder")
                return False
            notes.append(f"{display_path(where)}: " + ("exists" if where.is_dir() else "created when the VM starts"))
        if folders and self.state.provider == "libvirt":
            notes.append(RSYNC_NOTE)
        field.show_hint("; ".join(notes))
        return True

    def validate(self) -> bool:
        return super().validate() and self.check_folders()

    def save(self) -> None:
        for ident, attr, *_ in FIELDS:
            setattr(self.state, attr, self.query_one(f"#{ident}", Field).value.strip())
        self.state.ports_for_others = self.query_one("#f-for-others", TickBox).value
