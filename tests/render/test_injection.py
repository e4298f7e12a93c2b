"""Hostile text through every free-text field: the generated files parse with the real
tools, every value comes back exactly as typed, and nothing runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from gaev_tui import yamlsrc
from gaev_tui.catalog import load_catalog, parse_catalog
from gaev_tui.catalog.load import _embedded_document
from gaev_tui.envspec import Spec, parse_spec_text
from gaev_tui.envspec.dump import dump_yaml
from gaev_tui.render import render_project
from tests.render.hostile import HOSTILE, LINE_BREAKS, MARKER
from tests.toolcheck import need_tool

# Runs a Vagrantfile against a stand-in for Vagrant that records what it is told, so the
# values Ruby actually evaluated can be compared with what the user typed.
RUBY_RECORDER = r"""
require 'json'
$calls = []
class Recorder
  def initialize(path) @path = path end
  def method_missing(name, *args, **kw, &block)
    $calls << { 'call' => (@path + [name.to_s]).join('.'), 'args' => args.map(&:to_s), 'kw' => kw.transform_keys(&:to_s).transform_values(&:to_s) }
    child = Recorder.new(@path + [name.to_s])
    block.call(child) if block
    child
  end
  def [](key) Recorder.new(@path + ["[#{key}]"]) end
  def []=(key, value) $calls << { 'call' => (@path + ["[#{key}]"]).join('.'), 'args' => [value.to_s], 'kw' => {} } end
  def respond_to_missing?(*) true end
end
module Vagrant
  def self.require_version(*) end
  def self.configure(_v) yield Recorder.new(['config']) end
end
load ARGV[0]
puts JSON.generate($calls)
"""


def hostile_spec(value: str) -> Spec:
    single_line = value.translate({ord(c): " " for brk in LINE_BREAKS for c in brk})
    data = {
        "name": "hostile", "description": value, "os": "ubuntu-22.04", "provider": "virtualbox",
        "shared_folders": [{"host": single_line, "guest": "/data/" + single_line.strip().replace("/", "_")}],
    }
    return parse_spec_text(dump_yaml(data))


def evaluated_calls(vagrantfile: Path, tmp_path: Path) -> list[dict]:
    need_tool("ruby")
    script = tmp_path / "recorder.rb"
    script.write_text(RUBY_RECORDER)
    out = subprocess.run(["ruby", str(script), str(vagrantfile)], capture_output=True, text=True, cwd=tmp_path, check=True)
    return json.loads(out.stdout)


@pytest.fixture(autouse=True)
def no_marker():
    Path(MARKER).unlink(missing_ok=True)
    yield
    assert not os.path.exists(MARKER), "a hostile value was executed"


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_vagrantfile_keeps_values_literal(value, tmp_path):
    spec = hostile_spec(value)
    files = render_project(spec, load_catalog())
    vagrantfile = tmp_path / "Vagrantfile"
    vagrantfile.write_bytes(files["Vagrantfile"])
    subprocess.run(["ruby", "-c", str(vagrantfile)], check=True, capture_output=True)
    folders = [c["args"] for c in evaluated_calls(vagrantfile, tmp_path) if c["call"] == "config.vm.synced_folder"]
    assert [spec.shared_folders[0].host, spec.shared_folders[0].guest] in folders


def test_a_box_url_with_quotes_is_one_ruby_string(tmp_path):
    """A registry URL may hold quotes and parentheses (RFC 3986 allows them): Ruby
    sees them as the URL, nothing runs."""
    url = f"https://h.example/it's');system('touch','{MARKER}');('/metadata.json"
    spec = parse_spec_text(dump_yaml({"name": "h", "os": "ubuntu-22.04", "provider": "virtualbox",
                                      "base_box": {"name": "lab/x", "url": url}}))
    vagrantfile = tmp_path / "Vagrantfile"
    vagrantfile.write_bytes(render_project(spec, load_catalog())["Vagrantfile"])
    calls = evaluated_calls(vagrantfile, tmp_path)
    assert {"call": "config.vm.box_url=", "args": [url], "kw": {}} in calls


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_spec_yaml_round_trips(value):
    spec = hostile_spec(value)
    files = render_project(spec, load_catalog())
    again = parse_spec_text(files["gaev.yaml"].decode())
    assert again == spec and again.description == value


def test_newlines_in_single_line_fields_are_refused():
    data = {"name": "h", "os": "ubuntu-22.04", "provider": "virtualbox", "shared_folders": [{"host": "a\nb", "guest": "/d"}]}
    with pytest.raises(Exception, match="control character"):
        parse_spec_text(dump_yaml(data))


def _unsafe_loader() -> type:
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))
    return Loader


def hostile_catalog_project(tmp_path: Path) -> tuple[dict[str, bytes], list[str]]:
    """A user catalogue whose app carries hostile settings: they land in vars/all.yml."""
    user = {"apps": {"jupyterhub": {"settings": {f"k{i}": v for i, v in enumerate(HOSTILE)}, "version": HOSTILE[8]}}}
    doc = yamlsrc.loads(dump_yaml(user), "user.yaml")
    catalog = parse_catalog(_embedded_document(), doc)
    spec = parse_spec_text("name: h\nos: ubuntu-22.04\nprovider: virtualbox\napps: [jupyterhub]\n", catalog)
    return render_project(spec, catalog), HOSTILE


def test_vars_are_unsafe_data_for_ansible(tmp_path):
    need_tool("ansible-playbook")
    files, values = hostile_catalog_project(tmp_path)
    data = yaml.load(files["ansible/vars/all.yml"], Loader=_unsafe_loader())
    assert [data["gaev_tljh"][f"k{i}"] for i in range(len(values))] == values
    (tmp_path / "vars.yml").write_bytes(files["ansible/vars/all.yml"])
    (tmp_path / "show.yml").write_text(
        "- name: Show\n  hosts: localhost\n  gather_facts: false\n  vars_files: [vars.yml]\n"
        "  tasks:\n    - name: Dump\n      ansible.builtin.debug:\n        var: gaev_tljh\n"
    )
    # The JSON callback reports the variable as Ansible holds it, untouched by any template.
    env = {**os.environ, "ANSIBLE_STDOUT_CALLBACK": "json", "ANSIBLE_LOCALHOST_WARNING": "False",
           "ANSIBLE_INVENTORY_UNPARSED_WARNING": "False"}
    # The controller's own Python: interpreter discovery may pick a pyenv shim that refuses to run.
    argv = ["ansible-playbook", "-i", "localhost,", "-c", "local", "-e", f"ansible_python_interpreter={sys.executable}", "show.yml"]
    out = subprocess.run(argv, cwd=tmp_path, env=env, check=True, capture_output=True, text=True).stdout
    shown = json.loads(out)["plays"][0]["tasks"][0]["hosts"]["localhost"]["gaev_tljh"]
    assert [shown[f"k{i}"] for i in range(len(values))] == values
