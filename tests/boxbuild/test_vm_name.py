"""Every provider gets a VM name unique to the project's directory, computed by the
Vagrantfile itself (issue 11, item 11): same spec, same bytes; same-named directories,
different names; and GAEV's Python computes the name Ruby does."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from gaev_tui.boxbuild.machine import provider_name, vm_name
from gaev_tui.cli.main import main
from tests.toolcheck import need_tool

# Loads a Vagrantfile the way Vagrant does (Kernel.load), with a recorder for `config`
# that prints every `vm.<setting> = value` made inside the provider block.
RECORDER = r"""
class Recorder
  def method_missing(name, *args, &block)
    puts "#{name}#{args.first}" if name.to_s.end_with?('=') && $in_provider
    if name == :provider
      $in_provider = true
      block.call(Recorder.new)
      $in_provider = false
    elsif block
      block.call(Recorder.new)
    end
    Recorder.new
  end
  def respond_to_missing?(*)
    true
  end
  def [](*)
    Recorder.new
  end
  def []=(key, value)
    puts "[#{key}]=#{value}" if $in_provider
  end
end
module Vagrant
  def self.require_version(*)
  end
  def self.configure(_version)
    yield Recorder.new
  end
end
Kernel.load ARGV[0]
"""

SPEC = "name: same-spec\nos: debian-12\nprovider: {provider}\n"
SETTING = {"libvirt": "default_prefix=", "virtualbox": "name=", "vmware_desktop": "[displayName]=",
           "hyperv": "vmname=", "parallels": "name="}


def names_set(vagrantfile: Path, tmp_path: Path) -> list[str]:
    script = tmp_path / "recorder.rb"
    script.write_text(RECORDER)
    out = subprocess.run(["ruby", str(script), str(vagrantfile)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()


@pytest.mark.parametrize("provider", ["libvirt", "virtualbox", "vmware_desktop", "hyperv", "parallels"])
def test_same_named_directories_get_different_vm_names(tmp_path, provider, capsys):
    need_tool("ruby")
    spec = tmp_path / "gaev.yaml"
    spec.write_text(SPEC.format(provider=provider))
    one, two = tmp_path / "a" / "p", tmp_path / "b" / "p"
    for out in (one, two):
        if main(["generate", str(spec), "-o", str(out)]) != 0:
            pytest.skip(f"the catalogue has no debian-12 box for {provider}: {capsys.readouterr().err}")
    assert (one / "Vagrantfile").read_bytes() == (two / "Vagrantfile").read_bytes()
    set_one = [line for line in names_set(one / "Vagrantfile", tmp_path) if line.startswith(SETTING[provider])]
    set_two = [line for line in names_set(two / "Vagrantfile", tmp_path) if line.startswith(SETTING[provider])]
    suffix = "_" if provider == "libvirt" else ""
    assert set_one == [SETTING[provider] + vm_name("same-spec", one) + suffix]
    assert set_two == [SETTING[provider] + vm_name("same-spec", two) + suffix]
    assert set_one != set_two


def test_the_name_follows_the_real_directory(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    assert vm_name("x", tmp_path / "link") == vm_name("x", real)
    assert vm_name("x", real).startswith("x-") and len(vm_name("x", real)) == len("x-") + 10
    assert provider_name("x", real, "libvirt") == vm_name("x", real) + "_default"
    assert provider_name("x", real, "virtualbox") == vm_name("x", real)
