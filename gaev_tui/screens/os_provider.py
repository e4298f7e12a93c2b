"""Step 1: name the environment, pick its OS and the provider (hypervisor) that runs it.

Providers this host cannot run are listed anyway, with why: a project is often written
on one machine and built on another.
"""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from gaev_tui import names
from gaev_tui.hostfacts import provider_status
from gaev_tui.screens import flow
from gaev_tui.screens.confirm_leave import ConfirmLeaveScreen
from gaev_tui.screens.step import StepScreen
from gaev_tui.widgets.field import Field
from gaev_tui.widgets.ticks import CHOOSE_HINT, ChoiceButton, ChoiceSet, TickBox
from gaev_tui.wizard_facts import boxes_for, packer_reason

# (label, value): None leaves it to vagrant-libvirt (kvm). Radio buttons on one line, not a
# drop-down: at 80x24 its menu opened over the footer.
DRIVERS = (("default", None), ("kvm: needs /dev/kvm", "kvm"), ("qemu: slow, no KVM", "qemu"))


class OsProviderScreen(StepScreen):
    CSS_PATH = "os_provider.tcss"
    TITLE = "OS and provider"
    EXPLAIN = ("Name your environment, choose the operating system inside the VM, and the "
               "provider: the hypervisor program that runs it on your computer.")
    HELP = """\
**Name**: lower-case letters, digits, `.`, `_` or `-`. It names the project directory, the VM and the box.

**Operating system**: what runs inside the VM. Its notes (licences, host limits) show below the lists.

**Provider**: the hypervisor. *VirtualBox* runs on Linux, Windows and Intel Macs; *libvirt* (KVM/QEMU) is Linux's own.
*libvirt driver*: `kvm` (the default) is fast but needs the processor's virtualisation (`/dev/kvm`);
`qemu` emulates the processor in software: slow, but it runs anywhere (a VM inside a VM, a CI runner).

A provider marked ✗ is not usable on *this* host (the reason is shown): you can still write the project here and build it elsewhere.

Arrow keys move in a list (the highlighted line is the choice), Tab goes to the next list, ctrl+n goes on.
"""
    STEP = "os_provider"
    ERROR_TARGETS = {"name": "f-name", "description": "f-description", "os": "os-notes",
                     "provider": "os-notes", "provider_options": "os-notes", "base_box": "os-notes"}

    # A new environment (not an opened spec): the provider follows the host's probe
    # until the user picks one.
    pick_provider = False

    def compose_body(self) -> ComposeResult:
        yield Field("Name", self.state.name, id="f-name", check=names.project_name, placeholder="my-vm")
        yield Field("Description", self.state.description, id="f-description", placeholder="optional, one line")
        with Horizontal(id="os-lists"):
            with Vertical():
                yield Static(f"Operating system  [dim]{CHOOSE_HINT}[/]", classes="section-title")
                yield OptionList(*(Option(os.label, id=os.id) for os in self.catalog.oses.values()), id="os-list")
            with Vertical():
                yield Static("Provider", classes="section-title")
                yield OptionList(id="provider-list")
        yield Static("", id="os-notes")
        with Horizontal(id="opt-driver-line"):
            yield Static("libvirt driver ", classes="option-label")
            with ChoiceSet(id="opt-driver", compact=True):
                for label, _value in DRIVERS:
                    yield ChoiceButton(label)
        yield TickBox("Show the VM's window while it runs", id="opt-gui", compact=True)

    def on_mount(self) -> None:
        os_list = self.query_one("#os-list", OptionList)
        if self.state.os in self.catalog.oses:
            os_list.highlighted = list(self.catalog.oses).index(self.state.os)
        self.refresh_providers()
        self.watch(self.app, "host_facts", lambda _facts: self.refresh_providers(), init=False)
        self.query_one("#f-name").input.focus()

    def providers_for_os(self) -> list[str]:
        """Providers with a box for the OS, then those Packer could build one for."""
        with_box = [p for p in self.catalog.providers if boxes_for(self.catalog, self.state.os, p)]
        buildable = [p for p in self.catalog.providers
                     if p not in with_box and packer_reason(self.catalog, self.state.os, p) is None]
        return with_box + buildable

    def refresh_providers(self) -> None:
        plist = self.query_one("#provider-list", OptionList)
        ids = self.providers_for_os()
        plist.clear_options()
        for pid in ids:
            ok, _why = provider_status(self.catalog.providers[pid], self.app.host_facts)
            mark = {True: "✓", False: "✗", None: "…"}[ok]
            extra = "" if boxes_for(self.catalog, self.state.os, pid) else " (base box via Packer)"
            plist.add_option(Option(f"{mark} {self.catalog.providers[pid].label}{extra}", id=pid))
        if self.state.provider not in ids or self.pick_provider:
            best = flow.best_provider(self.catalog, ids, self.app.host_facts)
            if best != self.state.provider:
                self.state.provider = best
                self.state.provider_options = {}
        if ids:
            plist.highlighted = ids.index(self.state.provider)
        self.refresh_notes()
        self.refresh_options()

    def refresh_notes(self, problem: str = "") -> None:
        lines = []
        os_entry = self.catalog.oses.get(self.state.os)
        if os_entry and os_entry.notes:
            lines.append(f"[b]Note:[/b] {escape(os_entry.notes)}")
        provider = self.catalog.providers.get(self.state.provider)
        if provider:
            ok, why = provider_status(provider, self.app.host_facts)
            style = "green" if ok else "yellow"
            lines.append(f"{escape(provider.label)}: {escape(provider.description)} [{style}]On this host: {escape(why)}[/]")
        if problem:
            lines.append(f"[red]{escape(problem)}[/]")
        self.query_one("#os-notes", Static).update("\n".join(lines))

    def refresh_options(self) -> None:
        """Show the options the provider accepts, set as the answers have them."""
        provider = self.catalog.providers.get(self.state.provider)
        allowed = provider.options if provider else ()
        options = self.state.provider_options
        chosen = [value for _label, value in DRIVERS].index(options.get("driver"))
        button = list(self.query_one("#opt-driver").query(ChoiceButton))[chosen]
        with self.prevent(ChoiceSet.Changed):
            button.value = True
        self.query_one("#opt-driver-line").display = "driver" in allowed
        gui = self.query_one("#opt-gui", TickBox)
        gui.value = bool(options.get("gui"))
        gui.display = "gui" in allowed

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "os-list" and event.option.id != self.state.os:
            self.state.os = event.option.id
            self.forget_box()
            self.refresh_providers()
        elif event.option_list.id == "provider-list" and event.option.id != self.state.provider:
            self.pick_provider = False
            self.state.provider = event.option.id
            self.forget_box()
            allowed = self.catalog.providers[event.option.id].options
            self.state.provider_options = {k: v for k, v in self.state.provider_options.items() if k in allowed}
            self.refresh_notes()
            self.refresh_options()

    def forget_box(self) -> None:
        """A chosen box belongs to one OS and provider: back to the default."""
        self.state.box_name = self.state.box_version = self.state.box_url = ""

    def on_radio_set_changed(self, event: ChoiceSet.Changed) -> None:
        if event.radio_set.id == "opt-driver":
            self._set_option("driver", DRIVERS[event.index][1])

    def on_checkbox_changed(self, event: TickBox.Changed) -> None:
        if event.checkbox.id == "opt-gui":
            # Unticked means "not set" so a spec without 'gui' reopens unchanged.
            self._set_option("gui", True if event.value else None)

    def _set_option(self, key: str, value: object) -> None:
        options = dict(self.state.provider_options)
        if value is None:
            options.pop(key, None)
        else:
            options[key] = value
        self.state.provider_options = options

    def save(self) -> None:
        self.state.name = self.query_one("#f-name", Field).value
        self.state.description = self.query_one("#f-description", Field).value

    def dismiss_step(self) -> None:
        """Back from the first step is Home, which drops the answers: ask first, unless
        there is nothing to lose."""
        if self.state == flow.fresh_state(self.catalog, self.app.host_facts):
            super().dismiss_step()
            return

        def answered(leave: bool | None) -> None:
            if leave:
                super(OsProviderScreen, self).dismiss_step()

        self.app.push_screen(ConfirmLeaveScreen(), answered)

    def check_upto(self) -> str:
        if not boxes_for(self.catalog, self.state.os, self.state.provider) \
                and packer_reason(self.catalog, self.state.os, self.state.provider) is None:
            self.state.box_build = "packer"  # the only way to get a base box for this pair
            return "base_box"
        return self.STEP

    def show_problem(self, error, here: bool = True) -> None:
        field = error.location.field or ""
        if field.split(".")[0] in ("os", "provider", "provider_options", "base_box"):
            self.refresh_notes(f"{field}: {error.message}")
        else:
            super().show_problem(error, here)
