"""``base_box.url``: a box from a lab's box registry (Vagrant's config.vm.box_url).
Checked, normalised, carried through the wizard's answers, rendered and locked."""

from __future__ import annotations

import json

import pytest

from gaev_tui.envspec import dump_spec, parse_spec_text
from gaev_tui.errors import InputError
from gaev_tui.render import render_project
from gaev_tui.wizard_state import WizardState

URL = "https://boxes.lab.example.org/lab/r-base/metadata.json"
SPEC = f"""name: vm1
os: ubuntu-22.04
provider: libvirt
base_box: {{name: lab/r-base, version: "1.2.0", url: "{URL}"}}
"""


def error_of(text: str) -> InputError:
    with pytest.raises(InputError) as info:
        parse_spec_text(text, file="spec.yaml")
    return info.value


def test_parse_dump_and_wizard_round_trip(catalog):
    spec = parse_spec_text(SPEC, catalog)
    assert (spec.base_box.name, spec.base_box.version, spec.base_box.url) == ("lab/r-base", "1.2.0", URL)
    again = parse_spec_text(dump_spec(spec), catalog)
    assert again == spec
    state = WizardState.from_spec(spec)  # what 'gaev open' shows
    assert (state.box_name, state.box_version, state.box_url) == ("lab/r-base", "1.2.0", URL)
    assert state.check(catalog) == spec


def test_the_vagrantfile_readme_and_lock_name_the_registry(catalog):
    files = render_project(parse_spec_text(SPEC, catalog), catalog)
    vagrantfile = files["Vagrantfile"].decode()
    assert "config.vm.box = 'lab/r-base'\n" in vagrantfile
    assert "config.vm.box_version = '1.2.0'\n" in vagrantfile
    assert f"config.vm.box_url = '{URL}'\n" in vagrantfile
    assert json.loads(files["gaev.lock.json"])["base_box"] == {
        "name": "lab/r-base", "version": "1.2.0", "build": None, "url": URL}
    readme = files["README.md"].decode()
    assert f"`lab/r-base` version 1.2.0, from the box registry at\n  `{URL}`" in readme


def test_without_a_url_nothing_changes(catalog):
    files = render_project(parse_spec_text("name: vm1\nos: ubuntu-22.04\nprovider: libvirt\n", catalog), catalog)
    assert "box_url" not in files["Vagrantfile"].decode()
    assert "url" not in json.loads(files["gaev.lock.json"])["base_box"]
    assert "box registry" not in files["README.md"].decode()


def test_quotes_in_a_url_stay_inside_the_ruby_string(catalog):
    url = "https://h.example/it's');system('touch','/tmp/x');('/metadata.json"
    spec = parse_spec_text(SPEC.replace(f'"{URL}"', json.dumps(url)), catalog)
    vagrantfile = render_project(spec, catalog)["Vagrantfile"].decode()
    assert "config.vm.box_url = 'https://h.example/it\\'s\\');system(\\'touch\\',\\'/tmp/x\\');(\\'/metadata.json'" in vagrantfile


BASE = "name: vm1\nos: ubuntu-22.04\nprovider: libvirt\n"


@pytest.mark.parametrize(
    ("box", "words"),
    [
        ("{name: lab/x, url: 's3://boxes/lab/x/metadata.json'}", "Vagrant cannot read: give the registry's public URL"),
        ("{name: lab/x, url: 'ftp://h/lab/x/metadata.json'}", "https://, http:// or file://"),
        ("{name: lab/x, url: 'https:///lab/x/metadata.json'}", "https://, http:// or file://"),
        ("{name: lab/x, url: 'https://me:secret@h/lab/x/metadata.json'}", "user name or password"),
        ("{name: lab/x, url: 'https://h/lab/x/metadata.json?X-Amz-Signature=1'}", "presigned"),
        ("{name: lab/x, url: 'https://h/lab/x/1.0.0/x.box'}", "metadata.json URL, whose checksum"),
        ("{name: lab/x, url: 'https://h/a b'}", "without spaces"),
        ("{name: lab/x, url: 'https://h/`id`'}", "RFC 3986"),
        ("{url: 'https://h/lab/x/metadata.json'}", "needs the box's 'name'"),
        ("{name: lab/x, url: ''}", "must not be empty"),
        ("{name: lab/x, url: 3}", "text"),
    ],
)
def test_bad_urls_are_refused_naming_the_field(box, words):
    error = error_of(BASE + f"base_box: {box}\n")
    assert error.location.line == 4 and error.location.field.startswith("base_box"), error
    assert words in error.message, error.message


def test_a_packer_box_has_no_url():
    error = error_of("name: vm1\nos: ubuntu-22.04\nprovider: virtualbox\n"
                     "base_box: {build: packer, url: 'https://h/lab/x/metadata.json'}\n")
    assert error.location.field == "base_box.url" and "built with Packer" in error.message
