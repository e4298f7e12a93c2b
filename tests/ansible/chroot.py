"""A minimal Debian 12 root filesystem for running GAEV's roles for real, in a chroot.

The roles run with Ansible's ``community.general.chroot`` connection: no VM, no SSH,
native speed. The tree is made once by debootstrap, cached under ``$GAEV_TEST_CACHE``
(default ``~/.cache/gaev-tests``) keyed by a hash of the recipe, built under a file
lock and renamed into place, so parallel sessions share one build and never see half a
tree. Every test works on its own copy, so runs never depend on each other.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from filelock import FileLock

from .project import parse_recap, run_ansible

SUITE = "bookworm"
DEFAULT_MIRROR = "http://deb.debian.org/debian"
CA_DIR = Path("/usr/local/share/ca-certificates")

# What a freshly installed Debian machine (or Vagrant box) has and Ansible needs:
# python3, and python3-apt for the apt and package_facts modules; sudo because the
# generated playbook says "become: true" (as root it is a no-op but must exist).
# The rest (locales, tzdata, python3-venv, python3-packaging) is left for the
# roles to install, so the run exercises those tasks too.
PACKAGES = ("python3", "python3-apt", "ca-certificates", "sudo")

# debootstrap leaves /etc/hosts out; every installed machine (and every Vagrant
# box) has one, and the vm role edits it in place.
HOSTS = "127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n"


def cache_root() -> Path:
    """Where built trees are kept between test runs (not GAEV_CACHE_DIR: tests isolate that)."""
    value = os.environ.get("GAEV_TEST_CACHE")
    return Path(value) if value else Path.home() / ".cache" / "gaev-tests"


def _sources_entries(text: str, deb822: bool) -> list[tuple[str, list[str]]]:
    """(URI, suites) pairs of the binary ("deb") entries of one apt sources file."""
    entries: list[tuple[str, list[str]]] = []
    if deb822:
        for stanza in text.split("\n\n"):
            fields: dict[str, str] = {}
            for line in stanza.splitlines():
                if line.startswith("#") or ":" not in line or line[:1].isspace():
                    continue
                key, _, value = line.partition(":")
                fields[key.strip().lower()] = value.strip()
            if "deb" in fields.get("types", "").split() and fields.get("enabled", "yes") != "no":
                entries += [(uri, fields.get("suites", "").split()) for uri in fields.get("uris", "").split()]
        return entries
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) >= 3 and words[0] == "deb":
            rest = words[1:]
            if rest[0].startswith("["):  # options such as [arch=amd64 signed-by=...]
                while rest and not rest[0].endswith("]"):
                    rest = rest[1:]
                rest = rest[1:]
            if len(rest) >= 2:
                entries.append((rest[0], [rest[1]]))
    return entries


def host_mirror(etc_apt: Path = Path("/etc/apt")) -> str:
    """The Debian archive the host's apt uses for ``bookworm``, else deb.debian.org.

    Using the host's mirror means the chroot is fetched from wherever this machine is
    allowed to fetch Debian packages (a local mirror, a caching proxy).
    """
    files = [(etc_apt / "sources.list", False)]
    files += [(p, False) for p in sorted((etc_apt / "sources.list.d").glob("*.list"))]
    files += [(p, True) for p in sorted((etc_apt / "sources.list.d").glob("*.sources"))]
    for path, deb822 in files:
        try:
            text = path.read_text()
        except OSError:
            continue
        for uri, suites in _sources_entries(text, deb822):
            if SUITE in suites and uri.rstrip("/").endswith("/debian"):
                return uri.rstrip("/")
    return DEFAULT_MIRROR


def recipe_hash(mirror: str) -> str:
    """Hash of everything that shapes the tree: this file, the mirror, the CA certs."""
    digest = hashlib.sha256()
    digest.update(Path(__file__).read_bytes() + b"\0" + mirror.encode() + b"\0")
    for cert in sorted(CA_DIR.glob("*.crt")):
        digest.update(cert.name.encode() + b"\0" + cert.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _run(argv: list[str], log: Path, timeout: float) -> None:
    with log.open("a") as out:
        out.write(f"$ {' '.join(argv)}\n")
        out.flush()
        proc = subprocess.run(argv, stdout=out, stderr=subprocess.STDOUT, timeout=timeout)
    if proc.returncode != 0:
        tail = "".join(log.read_text().splitlines(keepends=True)[-40:])
        raise RuntimeError(f"{argv[0]} failed with exit code {proc.returncode}; log {log}:\n{tail}")


def build(root: Path, mirror: str, log: Path) -> None:
    """debootstrap the tree into ``root`` and give it the host's CA certificates."""
    _run(["debootstrap", "--variant=minbase", f"--include={','.join(PACKAGES)}", SUITE, str(root), mirror],
         log, timeout=1800)
    (root / "etc" / "hosts").write_text(HOSTS)
    # PyPI is reached through an intercepting CA here: pip inside the chroot must
    # trust what the host trusts.
    dest = root / "usr" / "local" / "share" / "ca-certificates"
    dest.mkdir(parents=True, exist_ok=True)
    for cert in sorted(CA_DIR.glob("*.crt")):
        shutil.copy2(cert, dest / cert.name)
    _run(["chroot", str(root), "update-ca-certificates"], log, timeout=300)
    # Downloaded .debs are not needed again; the index lists are (apt-get update).
    _run(["chroot", str(root), "apt-get", "clean"], log, timeout=300)


def cached_tree(timings: dict[str, float] | None = None) -> Path:
    """Path of the cached Debian 12 tree, building it first if needed (under a lock).

    ``timings`` receives ``debootstrap`` (seconds) when this call had to build it.
    """
    mirror = host_mirror()
    digest = recipe_hash(mirror)
    cache = cache_root()
    cache.mkdir(parents=True, exist_ok=True)
    final = cache / f"debian12-chroot-{digest}"
    if final.is_dir():
        return final
    with FileLock(str(final) + ".lock", timeout=3600):
        if final.is_dir():  # another session built it while we waited
            return final
        work = Path(tempfile.mkdtemp(prefix=f"build-{digest}-", dir=cache))
        log = cache / f"debian12-chroot-{digest}.log"
        log.write_text("")
        started = time.monotonic()
        try:
            build(work / "root", mirror, log)
            # Same file system: the rename is atomic, readers see all or nothing.
            os.rename(work / "root", final)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        if timings is not None:
            timings["debootstrap"] = time.monotonic() - started
    return final


def fresh_copy(tree: Path, dest: Path) -> Path:
    """A private copy of ``tree`` at ``dest`` (which must not exist)."""
    # cp -a keeps owners, modes, device nodes and hard links; Python's copytree does not.
    subprocess.run(["cp", "-a", "--reflink=auto", str(tree), str(dest)], check=True, timeout=600)
    return dest


def chroot_inventory(project: Path, root: Path) -> Path:
    """Write ``inventory.ini`` in ``project``: one host, ``target``, reached by chroot."""
    path = project / "inventory.ini"
    path.write_text(f"target ansible_connection=community.general.chroot ansible_host={root}"
                    " ansible_python_interpreter=/usr/bin/python3\n")
    return path


def run_playbook(project: Path, *extra: str) -> tuple[subprocess.CompletedProcess, float]:
    """Run ``playbook.yml`` against ``inventory.ini``; the process and its duration (s)."""
    started = time.monotonic()
    proc = run_ansible(["ansible-playbook", "-i", "inventory.ini", *extra, "playbook.yml"], project)
    return proc, time.monotonic() - started


def converge(project: Path) -> tuple[float, float]:
    """Run the play twice: the first must change something, the second nothing (the roles
    are idempotent). The two durations (s)."""
    first, first_s = run_playbook(project)
    assert first.returncode == 0, first.stdout[-6000:] + first.stderr[-3000:]
    first_recap = parse_recap(first.stdout)["target"]
    assert first_recap.failed == 0 and first_recap.changed > 0, first_recap
    second, second_s = run_playbook(project)
    assert second.returncode == 0, second.stdout[-6000:] + second.stderr[-3000:]
    recap = parse_recap(second.stdout)["target"]
    assert recap.changed == 0 and recap.failed == 0, (recap, changed_tasks(second.stdout))
    return first_s, second_s


def changed_tasks(output: str) -> list[str]:
    """The TASK headers followed by a "changed:" line."""
    task, found = "", []
    for line in output.splitlines():
        if line.startswith("TASK ["):
            task = line
        elif line.startswith("changed:"):
            found.append(f"{task} {line}")
    return found


def in_chroot(root: Path, *argv: str) -> str:
    """Run a command inside the chroot and return its standard output."""
    return subprocess.run(["chroot", str(root), *argv], capture_output=True, text=True, check=True,
                          timeout=120, env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}).stdout
