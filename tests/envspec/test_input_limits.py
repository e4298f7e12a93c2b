"""Every input limit is explicit and cheap: YAML alias bombs, deep nesting, huge values,
numbers, lists and files are refused with one line `file:line: ...` and exit 2, before
the expensive part, in `gaev generate`, `gaev validate`, `gaev open` and the user
catalogue alike. Time and memory are budgets measured here, not speed assertions."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from gaev_tui import yamlsrc
from gaev_tui.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
BASE = "name: vm1\nos: ubuntu-22.04\nprovider: virtualbox\n"


def alias_bomb(levels: int = 9) -> str:
    """The billion laughs: 9 levels of 9 aliases each are 9**9 strings once expanded."""
    lines = [BASE.rstrip("\n"), "description: &l0 lol"]
    lines += [f"x{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


# Runs the CLI and writes the child's own peak RSS (KiB) to the file named first.
MEASURED = """
import resource, sys
from gaev_tui.cli.main import main
report = sys.argv.pop(1)
try:
    code = main(sys.argv[1:])
finally:
    with open(report, "w") as handle:
        handle.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
sys.exit(code)
"""


class Run(subprocess.CompletedProcess):
    peak_kib: int


def gaev(*args: str, cwd: Path, memory_cap: int | None = None, stdin: str | None = None) -> Run:
    """Run the CLI in a child, optionally under an address-space cap (a hard memory
    budget: a reader that expanded the bomb would die of MemoryError instead)."""
    def cap() -> None:
        if memory_cap:
            resource.setrlimit(resource.RLIMIT_AS, (memory_cap, memory_cap))

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    report = cwd / ".peak-rss"
    result = subprocess.run([sys.executable, "-c", MEASURED, str(report), *args], cwd=cwd, env=env, input=stdin,
                            capture_output=True, text=True, timeout=120, preexec_fn=cap)
    result.peak_kib = int(report.read_text()) if report.exists() else -1
    report.unlink(missing_ok=True)
    return result


def one_line(result: subprocess.CompletedProcess, where: str) -> str:
    err = result.stderr.strip()
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in err and err.count("\n") == 0, err
    assert where in err, err
    return err


def test_alias_bomb_is_refused_within_a_memory_budget(tmp_path):
    spec = tmp_path / "bomb.yaml"
    spec.write_text(alias_bomb())
    assert len(spec.read_bytes()) < 600
    # 400 MiB of address space: Python, PyYAML and Jinja fit; the expanded bomb (GBs) would not.
    result = gaev("generate", str(spec), "-o", str(tmp_path / "out"), cwd=tmp_path, memory_cap=400 << 20)
    assert "aliases" in one_line(result, f"{spec}:5:")
    assert not (tmp_path / "out").exists()
    assert 0 < result.peak_kib < 150 * 1024, f"the child peaked at {result.peak_kib} KiB"


def test_alias_bomb_costs_the_reader_almost_nothing():
    text = alias_bomb()
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match=r"aliases \(\*l0\) are not allowed") as info:
            yamlsrc.loads(text, "bomb.yaml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.value.location.line == 5
    assert peak < 2 << 20, f"the reader allocated {peak} bytes for a {len(text)}-byte file"


@pytest.mark.parametrize("command", ["validate", "open", "catalog"])
def test_every_reader_refuses_the_bomb(tmp_path, command):
    project = tmp_path / "p"
    project.mkdir()
    (project / "gaev.yaml").write_text(alias_bomb())
    config = tmp_path / "config"
    config.mkdir()
    os.environ["GAEV_CONFIG_DIR"] = str(config)  # the autouse fixture restores it
    if command == "catalog":
        (config / "catalog.yaml").write_text("oses:\n  x: &a {label: x}\n  y: *a\n")
        where = f"{config / 'catalog.yaml'}:3:"
        args = ["catalog"]
    else:
        where = f"{project / 'gaev.yaml'}:5:"
        args = [command, str(project)]
    result = gaev(*args, cwd=tmp_path, memory_cap=400 << 20, stdin="")
    if command == "validate":  # a check that fails (exit 1), reported on its own line
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert any(where in line and "aliases" in line for line in result.stdout.splitlines()), result.stdout
    else:
        assert "aliases" in one_line(result, where)
    assert 0 < result.peak_kib < 150 * 1024, f"the child peaked at {result.peak_kib} KiB"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (BASE + "resources: {cpus: " + "9" * 5000 + "}\n", 4, "number longer than"),
        (BASE + "resources: {cpus: 1" + "0" * 45 + ".5}\n", 4, "number longer than"),
        (BASE + "description: " + "a" * 20_000 + "\n", 4, "longer than 10000 characters"),
        (BASE + "apps: [" + ", ".join(["x"] * 5000) + "]\n", 4, "more than 1000 entries"),
        (BASE + "d: " + "[" * 500 + "]" * 500 + "\n", 4, "nested more than 32 levels"),
        (BASE + "d:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 100)), 36, "nested more than 32 levels"),
        (BASE + "resources: !!set {cpus, memory_mb}\n", 4, "tags (!!set)"),
        (BASE + "resources: !!python/object/apply:os.system {args: [id]}\n", 4, "tags (!!python/object/apply:os.system)"),
        (BASE + "apps: !!omap [{a: 1}]\n", 4, "tags (!!omap)"),
        (BASE + "description: !!binary aGVsbG8=\n", 4, "tags (!!binary)"),
        (BASE + "description: !custom x\n", 4, "tags (!custom)"),
        ("name: vm1\x00\n", 1, "#x0000"),
        (BASE + "description: \x1b[31mred\n", 4, "#x001b"),
        (BASE + "description: a\x9bb\n", 4, "#x009b"),
        (BASE + "description: a\ufffeb\n", 4, "#xfffe"),
    ],
    ids=["int-5000-digits", "long-float", "long-text", "long-list", "deep-flow", "deep-block", "set", "apply",
         "omap", "binary", "local-tag", "nul", "esc", "c1", "fffe"],
)
def test_limit_is_one_line_with_file_and_line(tmp_path, text, line, words):
    spec = tmp_path / "gaev.yaml"
    spec.write_text(text, encoding="utf-8")
    result = gaev("generate", str(spec), "-o", str(tmp_path / "out"), cwd=tmp_path, memory_cap=400 << 20)
    assert words in one_line(result, f"{spec}:{line}:")
    assert not (tmp_path / "out").exists()


def test_oversized_spec_is_refused_before_it_is_read(tmp_path):
    spec = tmp_path / "big.yaml"
    with spec.open("w") as handle:  # 58 MB, as in the report
        handle.write(BASE + "description: |\n")
        block = ("  " + "x" * 1000 + "\n") * 1000
        for _ in range(58):
            handle.write(block)
    result = gaev("generate", str(spec), cwd=tmp_path, memory_cap=400 << 20)
    assert "larger than the limit of 1024 KiB" in one_line(result, f"{spec}:")
    assert 0 < result.peak_kib < 150 * 1024, f"the child peaked at {result.peak_kib} KiB"


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "gaev.yaml"
    os.mkfifo(fifo)
    result = gaev("generate", str(fifo), cwd=tmp_path)  # the timeout would fire on a blocking open
    assert "not a regular file" in one_line(result, f"{fifo}:")


def test_aliases_inside_values_are_refused_even_when_small():
    with pytest.raises(InputError, match="aliases") as info:
        yamlsrc.loads(BASE + "a: &x [git]\npackages: {apt: *x}\n", "s.yaml")
    assert info.value.location.line == 5


def test_real_specs_and_the_catalogue_stay_well_inside_the_limits(examples):
    for path in examples:
        yamlsrc.load(path)
    catalogue = ROOT / "gaev_tui" / "catalog.yaml"
    assert catalogue.stat().st_size < yamlsrc.MAX_BYTES // 10
    yamlsrc.load(catalogue)
