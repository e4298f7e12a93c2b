"""Shared test data for the cloud tests: a cloud-ready project, a throwaway SSH key, and
the start and stop of the OpenStack services they run (Glance, Keystone)."""

from __future__ import annotations

import contextlib
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gaev_tui.catalog import load_catalog
from gaev_tui.envspec import parse_spec_text
from gaev_tui.render.project import render_project

SPEC = (
    "name: cloudy\nos: debian-12\nprovider: libvirt\napps: [jupyterhub]\n"
    "resources: {cpus: 1, memory_mb: 1024, disk_gb: 10}\ntargets: [vagrant, openstack]\n"
)


def cloud_project(dest: Path, spec_text: str = SPEC) -> Path:
    """Write a generated cloud-ready project into ``dest``."""
    spec = parse_spec_text(spec_text)
    for rel, data in render_project(spec, load_catalog()).items():
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return dest


def ssh_key(dest: Path, name: str = "id_ed25519") -> Path:
    """A fresh ed25519 key pair (private key at the returned path, .pub beside it)."""
    path = dest / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "gaev-test", "-f", str(path)], check=True)
    return path


@contextlib.contextmanager
def serving(proc: subprocess.Popen, url: str, name: str, log: Callable[[], str], *,
            any_status: bool = False) -> Iterator[str]:
    """Wait until ``url`` answers while ``proc`` runs, yield it, and stop ``proc`` at the
    end; ``log()`` tells why it did not start. ``any_status``: an HTTP error status counts
    as an answer (Glance's root says 300); otherwise only a success does (uWSGI answers
    500 while Keystone's application is still loading)."""
    try:
        for _ in range(240):  # readiness, not a timing assertion
            if proc.poll() is not None:
                pytest.fail(f"{name} exited {proc.returncode}: {log()[-2000:]}")
            try:
                urllib.request.urlopen(url, timeout=5)
                break
            except urllib.error.HTTPError:
                if any_status:
                    break
                time.sleep(0.5)
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail(f"{name} did not answer on {url}: {log()[-2000:]}")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
