"""Packer and Vagrant machine-readable parsing, on real lines captured here."""

from __future__ import annotations

from gaev_tui.boxbuild.machine_readable import Summary, parse_line, unescape

# Printed by packer 1.6.6 (null builder + shell-local provisioner) on this machine.
PACKER_FAIL = b"""1795479788,,ui,say,==> null: Running local shell script: /tmp/packer-shell4256171443
1795479788,,ui,message,    null: hello%!(PACKER_COMMA) world
1795479788,,ui,error,==> null: err
1795479788,,ui,say,\\n==> Wait completed after 7 milliseconds 439 microseconds
1795479788,,error-count,1
1795479788,null,error,Script exited with non-zero exit status: 3.Allowed exit codes are: [0]
"""
PACKER_OK = b"""1795479791,null,artifact-count,1
1795479791,null,artifact,0,builder-id,fnoeding.null
1795479791,null,artifact,0,id,Null
1795479791,null,artifact,0,string,Did not export anything. This is the null builder
1795479791,null,artifact,0,files-count,2
1795479791,null,artifact,0,file,0,output/disk%!(PACKER_COMMA)1.qcow2
1795479791,null,artifact,0,file,1,output/box.ovf
1795479791,null,artifact,0,end
"""
VAGRANT = b"""1795479827,,ui,error,The machine with the name 'nosuch' was not found configured for\\nthis Vagrant environment.
1795479827,,error-exit,Vagrant::Errors::MachineNotFound,The machine with the name 'nosuch' was not found configured for\\nthis Vagrant environment.
1795479825,vagrant-libvirt,plugin-version,0.11.2%!(VAGRANT_COMMA) system
"""


def test_unescape_both_tools():
    assert unescape("a%!(PACKER_COMMA)b%!(VAGRANT_COMMA)c\\nd\\re") == "a,b,c\nd\re"


def test_packer_ui_levels_and_text():
    records = [parse_line(line) for line in PACKER_FAIL.splitlines()]
    assert [r.ui_level for r in records[:4]] == ["say", "message", "error", "say"]
    assert records[1].text == "    null: hello, world"
    assert records[3].text.startswith("\n==> Wait completed")
    assert records[0].timestamp == 1795479788 and records[0].target == ""
    summary = Summary()
    for record in records:
        summary.feed(record)
    assert summary.errors == ["null: Script exited with non-zero exit status: 3.Allowed exit codes are: [0]"]
    assert summary.artifacts == []


def test_packer_artifacts_with_files():
    summary = Summary()
    for line in PACKER_OK.splitlines():
        summary.feed(parse_line(line))
    (art,) = summary.artifacts
    assert art.builder == "null" and art.builder_id == "fnoeding.null" and art.id == "Null"
    assert art.files == ["output/disk,1.qcow2", "output/box.ovf"]
    assert art.complete


def test_vagrant_error_exit_and_plugin_version():
    records = [parse_line(line) for line in VAGRANT.splitlines()]
    summary = Summary()
    for record in records:
        summary.feed(record)
    assert summary.errors == [
        "The machine with the name 'nosuch' was not found configured for\nthis Vagrant environment."
    ]
    assert records[0].ui_level == "error"
    assert records[2].data == ("0.11.2, system",)


def test_plain_lines_are_not_machine_readable():
    assert parse_line(b"Bringing machine 'default' up with 'libvirt' provider...") is None
    assert parse_line(b"hello, world, again") is None
    assert parse_line(b"") is None


def test_one_megabyte_line_and_invalid_utf8():
    big = b"x" * (1 << 20)
    record = parse_line(b"1,,ui,message," + big + b"\xff\xfe," + b"\n")
    assert record is not None
    assert record.data[1] == "x" * (1 << 20) + "\ufffd\ufffd"
    assert record.data[2] == ""
    bad = parse_line(b"12,default,state,\xc3(running")
    assert bad is not None and bad.data == ("\ufffd(running",)


def test_vagrant_state_is_tracked():
    summary = Summary()
    summary.feed(parse_line("1,default,state,running"))
    summary.feed(parse_line("2,default,state,shutoff"))
    assert summary.states == {"default": "shutoff"}
