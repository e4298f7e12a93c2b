"""Benchmark: ``gaev boxes list --json`` (with sizes, in-use and outdated flags) against
``vagrant box list`` (no sizes) on the same cache of hundreds of boxes.

The cache is made by hand in a temporary VAGRANT_HOME, laid out as Vagrant lays it out
(``NAME/VERSION/PROVIDER`` with metadata.json, a Vagrantfile, a disk with real data
and a sparse box.img; a ``metadata_url`` file:// catalogue per name; a machine index).
Both commands run as a user runs them (a fresh process each time); the best of
several runs is compared. Goal: a ratio of at least 10.

    python bench/bench_boxes_list.py [--names 100] [--versions 3] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def make_cache(home: Path, names: int, versions: int) -> int:
    """Write ``names`` x ``versions`` boxes (half libvirt, half virtualbox); the count."""
    count = 0
    machines = {}
    for n in range(names):
        name = f"bench/box{n:03d}"
        provider = "libvirt" if n % 2 == 0 else "virtualbox"
        box_dir = home / "boxes" / name.replace("/", "-VAGRANTSLASH-")
        catalogue = home.parent / f"catalogue-{n:03d}.json"
        vers = [f"1.{v}.0" for v in range(versions + 1)]  # one more than installed: outdated
        catalogue.write_text(json.dumps({"name": name, "versions": [
            {"version": v, "providers": [{"name": provider, "url": "file:///nowhere.box"}]} for v in vers]}))
        for v in vers[:-1]:
            pdir = box_dir / v / provider
            pdir.mkdir(parents=True)
            (pdir / "metadata.json").write_text(json.dumps({"provider": provider, "format": "qcow2",
                                                            "virtual_size": 10}))
            (pdir / "Vagrantfile").write_text("Vagrant.configure('2') do |c| end\n")
            (pdir / "box.ovf" if provider == "virtualbox" else pdir / "info.json").write_text("{}")
            (pdir / "disk-data.bin").write_bytes(os.urandom(16 * 1024))
            with open(pdir / "box.img", "wb") as fh:
                fh.truncate(10 * 1024**3)  # a 10 GiB sparse disk: apparent size lies
            count += 1
        (box_dir / "metadata_url").write_text(catalogue.as_uri())
        if n % 10 == 0:
            machines[f"id{n}"] = {"name": "default", "provider": provider, "state": "running",
                                  "vagrantfile_path": str(home.parent), "local_data_path": "",
                                  "extra_data": {"box": {"name": name, "provider": provider,
                                                         "version": "1.0.0"}}}
    index = home / "data" / "machine-index" / "index"
    index.parent.mkdir(parents=True)
    index.write_text(json.dumps({"version": 1, "machines": machines}))
    return count


def best_time(cmd: list[str], env: dict, runs: int) -> tuple[float, str]:
    """Fastest wall time of ``runs`` runs of ``cmd`` (the first also warms caches)."""
    best, out = float("inf"), ""
    for _ in range(runs + 1):
        start = time.perf_counter()
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.strip()[-500:]}")
        best, out = min(best, elapsed), proc.stdout
    return best, out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--names", type=int, default=100)
    parser.add_argument("--versions", type=int, default=3)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    vagrant = shutil.which("vagrant")
    if vagrant is None:
        print("vagrant is not installed: nothing to compare with", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="gaev-bench-") as tmp:
        home = Path(tmp) / "vagrant.d"
        count = make_cache(home, args.names, args.versions)
        env = {**os.environ, "VAGRANT_HOME": str(home), "VAGRANT_CHECKPOINT_DISABLE": "1",
               "GAEV_DATA_DIR": str(Path(tmp) / "data"), "GAEV_CACHE_DIR": str(Path(tmp) / "cache")}
        t_gaev, out = best_time([sys.executable, "-m", "gaev_tui", "boxes", "list", "--json"], env, args.runs)
        boxes = json.loads(out)
        t_vagrant, vout = best_time([vagrant, "box", "list"], env, args.runs)
        listed = len([line for line in vout.splitlines() if line.strip()])
    assert len(boxes) == count == listed, (len(boxes), count, listed)
    assert all(b["size_bytes"] < 1024**2 for b in boxes), "sizes must be allocated bytes"
    assert sum(b["outdated"] is True for b in boxes) == count
    print(f"cache: {count} boxes ({args.names} names x {args.versions} versions), best of {args.runs} runs")
    print(f"gaev boxes list --json (sizes, in use, outdated): {t_gaev * 1000:8.1f} ms")
    print(f"vagrant box list (no sizes):                      {t_vagrant * 1000:8.1f} ms")
    ratio = t_vagrant / t_gaev
    print(f"ratio vagrant/gaev: {ratio:.1f}x (goal >= 10x) -> {'OK' if ratio >= 10 else 'BELOW GOAL'}")
    return 0 if ratio >= 10 else 1


if __name__ == "__main__":
    raise SystemExit(main())
