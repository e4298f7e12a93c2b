"""Step 2: the box the VM starts from: the catalogue's default, an alternative, a box of
the user's own box registries, any box by name (optionally at a pinned version, from a
registry URL), or one built here with Packer.

The registries are read in a worker, so the step opens at once and fills in. A browser
session (``gaev serve``) lists them too: the sources are the server's own configuration,
which a browser user cannot change, only their public index.json files are read, and a
URL the user types is only written into the Vagrantfile, never fetched by the server.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.widgets import RadioSet, Static
from textual.worker import Worker, WorkerState

from gaev_tui import names
from gaev_tui.envspec.model import built_box_name
from gaev_tui.registry.offers import RegistryBox, offered
from gaev_tui.screens.step import StepScreen
from gaev_tui.widgets.field import Field
from gaev_tui.widgets.registry_offers import RegistryNotes, offer_button
from gaev_tui.widgets.ticks import CHOOSE_HINT, ChoiceButton, ChoiceSet
from gaev_tui.wizard_facts import boxes_for, packer_reason

CUSTOM, PACKER = "custom", "packer"


class BaseBoxScreen(StepScreen):
    CSS_PATH = "base_box.tcss"
    TITLE = "Base box"
    EXPLAIN = ("A base box is a ready-made VM image the project starts from. The default "
               "suits almost everyone; pin a version to rebuild exactly the same VM later.")
    HELP = """\
Arrow keys move the choice (the highlighted line is the choice), Tab goes to the fields below.

**Default**: the box GAEV's catalogue recommends for this OS and provider.

**Your registries' boxes**: the boxes your lab published (`gaev publish`) to the registries you added with
`gaev registry add-source URL`, for this provider and OS, at their newest version. Vagrant fetches the box from the
registry (`config.vm.box_url`) and checks its sha256, on any machine.

**Another box**: any Vagrant box name, like `bento/ubuntu-22.04` (from Vagrant Cloud or added with `vagrant box add`).
With a **Registry URL** (a box registry's `ORG/BOX/metadata.json`, https:// or file://), Vagrant fetches it from there.

**Version**: leave blank for the newest; type one (like `202401.31.0`) to get the very same box every time.

**Build my own base box with Packer**: GAEV writes a Packer template that installs the OS from its official
installer ISO, unattended. Slower (an OS install), but you know everything in it. Only offered when the
catalogue has the installer for this OS and Packer can build for this provider.
"""
    STEP = "base_box"
    ERROR_TARGETS = {"base_box": "f-box-name", "base_box.version": "f-box-version", "base_box.build": "box-notes",
                     "base_box.url": "f-box-url"}

    def compose_body(self) -> ComposeResult:
        state, catalog = self.state, self.catalog
        self.boxes = boxes_for(catalog, state.os, state.provider)
        self.packer_why = packer_reason(catalog, state.os, state.provider)
        self.choices: list[str] = [box.name for box in self.boxes] + [CUSTOM, PACKER]
        self.offers: dict[str, RegistryBox] = {}  # choice key -> a registry's box, once listed
        self.initial_name = state.box_name
        current = self.last_choice = self.current_choice()
        yield Static(f"Start from  [dim]{CHOOSE_HINT}[/]", classes="section-title")
        with ChoiceSet(id="box-choice"):
            for index, box in enumerate(self.boxes):
                what = " (recommended)" if index == 0 else (f" — {box.description}" if box.description else "")
                version = f" version {box.version}" if box.version else ""
                yield ChoiceButton(f"{box.name}{version}{what}", value=current == box.name)
            yield ChoiceButton("Another box: type its name below", value=current == CUSTOM)
            yield ChoiceButton("Build my own base box with Packer", value=current == PACKER, disabled=self.packer_why is not None)
        yield Static(f"[dim]Packer: {self.packer_why}.[/]" if self.packer_why else "", id="box-notes")
        yield RegistryNotes(id="registry-notes")
        yield Field("Box name", state.box_name, id="f-box-name", check=names.box_name, placeholder="org/name")
        yield Field("Version", state.box_version, id="f-box-version", placeholder="blank: the newest")
        yield Field("Registry URL", state.box_url, id="f-box-url", check=names.box_url,
                    placeholder="blank: Vagrant's own catalogue")

    def current_choice(self) -> str:
        state = self.state
        if state.box_build == "packer":
            return PACKER
        if state.box_url:  # a registry's box: chosen again once the registries are listed
            return next((key for key, box in self.offers.items() if self.is_state_box(box)), CUSTOM)
        if not state.box_name:
            return self.boxes[0].name if self.boxes else CUSTOM
        return state.box_name if state.box_name in [b.name for b in self.boxes] else CUSTOM

    def on_mount(self) -> None:
        self.query_one(RadioSet).focus()
        if self.choice() not in (CUSTOM, PACKER):
            self.query_one("#f-box-name", Field).value = self.choice()  # shown, not editable
        self.sync_fields()
        self.list_registry_boxes()

    @work(thread=True, exclusive=True, group="registry-boxes", exit_on_error=False)
    def list_registry_boxes(self):
        return offered(self.state.provider, self.state.os)

    async def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "registry-boxes":
            return
        notes = self.query_one(RegistryNotes)
        if event.state == WorkerState.ERROR:
            notes.show_failure(str(event.worker.error))
        if event.state != WorkerState.SUCCESS:
            return
        listings = event.worker.result
        notes.show_listings(listings, self.state.provider)
        boxes = [box for listing in listings for box in listing.boxes]
        at = len(self.boxes)
        keys = [f"registry:{index}" for index in range(len(boxes))]
        self.offers = dict(zip(keys, boxes, strict=True))
        restored = self.current_choice() if self.choice() == CUSTOM else None
        if restored in self.offers:
            self.last_choice = restored  # keep the version the spec pins
        self.choices[at:at] = keys
        buttons = [offer_button(box) for box in boxes]
        await self.query_one(ChoiceSet).insert_choices(buttons, before=at)
        if restored in self.offers:
            buttons[keys.index(restored)].value = True

    def is_state_box(self, box: RegistryBox) -> bool:
        return (box.name, box.metadata_url) == (self.state.box_name, self.state.box_url.strip())

    def choice(self) -> str:
        index = self.query_one(RadioSet).pressed_index
        return self.choices[index] if index >= 0 else self.current_choice()

    def sync_fields(self) -> None:
        choice = self.choice()
        name = self.query_one("#f-box-name", Field)
        name.input.disabled = choice not in (CUSTOM, PACKER)
        self.query_one("#f-box-url", Field).input.disabled = choice != CUSTOM
        name.query_one(".field-label").update("Name for the built box" if choice == PACKER else "Box name")
        name.show_hint(f"blank: {built_box_name(self.state.name)}" if choice == PACKER else "")
        version = self.query_one("#f-box-version", Field).input
        version.disabled = choice == PACKER
        default = self.boxes[0] if self.boxes else None
        pinned = default is not None and choice == default.name and default.version
        version.placeholder = f"blank: {default.version}, the catalogue's pin" if pinned else "blank: the newest"

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        choice = self.choice()
        name, url = self.query_one("#f-box-name", Field), self.query_one("#f-box-url", Field)
        offer = self.offers.get(choice)
        if offer is not None:
            name.value, url.value = offer.name, offer.metadata_url
        elif choice not in (CUSTOM, PACKER):
            name.value, url.value = choice, ""
        elif name.value in [b.name for b in self.boxes] + [o.name for o in self.offers.values()]:
            name.value = url.value = ""  # "Another box" starts blank, not with the last choice's
        if choice == PACKER:
            url.value = ""
        if choice != self.last_choice:  # the user picked another: show its pinned (or newest) version
            self.last_choice = choice
            box = next((b for b in self.boxes[1:] if b.name == choice), None)
            version = offer.version if offer else (box.version or "" if box else "")
            self.query_one("#f-box-version", Field).value = version
        self.sync_fields()

    def save(self) -> None:
        choice, state = self.choice(), self.state
        name = self.query_one("#f-box-name", Field).value.strip()
        state.box_version = self.query_one("#f-box-version", Field).value.strip()
        state.box_build = "packer" if choice == PACKER else ""
        state.box_url = self.query_one("#f-box-url", Field).value.strip() if choice != PACKER else ""
        if choice in self.offers:
            state.box_name = self.offers[choice].name
        elif choice in (CUSTOM, PACKER):
            state.box_name = name
        elif self.boxes and choice == self.boxes[0].name and self.initial_name != choice:
            state.box_name = ""  # the default stays "the default", as the spec had it
        else:
            state.box_name = choice
