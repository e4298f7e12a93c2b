"""A real run of the r_packages role (and the manifest's R listing) in a Debian 12 chroot.

CRAN is out of reach here, so the role installs from a small CRAN-like repository on
disk (``cranrepo``): a current package, a version-pinned one through
``remotes::install_version``, then a downgrade to an archived version. Each step runs
twice and the second run must change nothing; a package that does not exist must fail
the play, not slip through as R's warning. Test-only shortcut: R comes without the
compilers and -dev libraries the role installs by default (pure-R packages need none).
"""

from __future__ import annotations

import json

import pytest

from . import cranrepo
from .chroot import chroot_inventory, in_chroot, run_playbook
from .project import make_project, parse_recap, playbook_yaml

pytestmark = pytest.mark.tools

REPO = "/srv/gaev-cran"  # inside the chroot
ROLES = ["repositories", "r_packages", "manifest"]


def _vars(r_packages: list[str]) -> str:
    items = "\n".join(f"  - !unsafe '{name}'" for name in r_packages)
    return (
        "---\n"
        "gaev_name: !unsafe 'r-chroot'\n"
        f"gaev_r_packages:\n{items}\n"
        f"gaev_cran_repo: !unsafe 'file://{REPO}'\n"
        "r_packages_system_packages:\n"
        "  Debian: [r-base-core, r-cran-jsonlite, r-cran-remotes]\n"
        "gaev_manifest_path: /var/lib/gaev/manifest.json\n"
    )


def _installed(root, name: str) -> str:
    return in_chroot(root, "Rscript", "--vanilla", "-e", f"cat(as.character(packageVersion('{name}')))").strip()


def _converge(project, r_packages: list[str]) -> tuple[float, float]:
    """Run the play twice with these packages: the first may change, the second must not."""
    (project / "vars" / "all.yml").write_text(_vars(r_packages))
    first, first_s = run_playbook(project)
    assert first.returncode == 0, first.stdout[-6000:] + first.stderr[-3000:]
    assert parse_recap(first.stdout)["target"].changed > 0
    second, second_s = run_playbook(project)
    assert second.returncode == 0, second.stdout[-6000:] + second.stderr[-3000:]
    recap = parse_recap(second.stdout)["target"]
    changed = [line for line in second.stdout.splitlines() if line.startswith("changed:")]
    assert recap.changed == 0 and recap.failed == 0, (recap, changed)
    return first_s, second_s


def test_r_role_installs_current_pinned_and_archived_versions(debian_root, tmp_path):
    root, _ = debian_root
    cranrepo.write_repo(root / REPO.lstrip("/"))
    project = make_project(tmp_path / "ansible", playbook_yaml(ROLES, become=True), _vars(["jsonlite"]))
    chroot_inventory(project, root)

    # jsonlite is Debian's build (already there after apt): the script must see it
    # and leave it alone; the two others come from the repository.
    times = _converge(project, ["jsonlite", "gaevhello", "gaevpinned@1.0.0"])
    assert _installed(root, "gaevhello") == "0.1.0"
    assert _installed(root, "gaevpinned") == "1.0.0"

    in_chroot(root, "Rscript", "--vanilla", "-e", cranrepo.ARCHIVE_RDS_R, REPO)
    times += _converge(project, ["jsonlite", "gaevhello", "gaevpinned@0.9.0"])
    assert _installed(root, "gaevpinned") == "0.9.0"
    print(f"\nR role runs (s): {', '.join(f'{t:.1f}' for t in times)}")

    manifest = json.loads((root / "var/lib/gaev/manifest.json").read_text())
    r_packages = manifest["r_packages"]
    assert r_packages["gaevhello"] == "0.1.0" and r_packages["gaevpinned"] == "0.9.0"
    assert "jsonlite" in r_packages and "stats" in r_packages

    # R only warns when a package is unavailable; the role must fail the play.
    (project / "vars" / "all.yml").write_text(_vars(["gaevhello", "gaevnosuchpackage"]))
    failed, _ = run_playbook(project)
    assert failed.returncode != 0
    assert parse_recap(failed.stdout)["target"].failed == 1
    assert "could not be installed: gaevnosuchpackage" in failed.stdout
