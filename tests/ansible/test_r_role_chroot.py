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
from .chroot import chroot_inventory, converge, in_chroot, run_playbook
from .project import make_project, parse_recap, playbook_yaml

pytestmark = pytest.mark.tools

REPO = "/srv/gaev-cran"  # inside the chroot
BIOC = "/srv/gaev-bioc"
ROLES = ["repositories", "r_packages", "manifest"]


def _list(values: list[str]) -> str:
    return ("\n" + "\n".join(f"  - !unsafe '{v}'" for v in values)) if values else " []"


def _vars(r_packages: list[str], bioc: tuple[str, ...] = (), libraries: tuple[str, ...] = ()) -> str:
    return (
        "---\n"
        "gaev_name: !unsafe 'r-chroot'\n"
        f"gaev_r_packages:{_list(r_packages)}\n"
        f"gaev_bioconductor_packages:{_list(list(bioc))}\n"
        f"gaev_r_system_libraries:{_list(list(libraries))}\n"
        f"gaev_cran_repo: !unsafe 'file://{REPO}'\n"
        f"gaev_bioconductor_mirror: !unsafe 'file://{BIOC}'\n"
        f"gaev_bioconductor_config: !unsafe '{BIOC}/config.yaml'\n"
        "r_packages_system_packages:\n"
        "  Debian: [r-base-core, r-cran-jsonlite, r-cran-remotes, r-cran-biocmanager]\n"
        "gaev_manifest_path: /var/lib/gaev/manifest.json\n"
    )


def _installed(root, name: str) -> str:
    return in_chroot(root, "Rscript", "--vanilla", "-e", f"cat(as.character(packageVersion('{name}')))").strip()


def _converge(project, r_packages: list[str]) -> tuple[float, float]:
    """Run the play twice with these packages: the first may change, the second must not."""
    (project / "vars" / "all.yml").write_text(_vars(r_packages))
    return converge(project)


def test_r_role_installs_current_pinned_and_archived_versions(debian_root, tmp_path):
    root, _ = debian_root
    cranrepo.write_repo(root / REPO.lstrip("/"))
    cranrepo.write_bioc_mirror(root / BIOC.lstrip("/"))
    project = make_project(tmp_path / "ansible", playbook_yaml(ROLES, become=True), _vars(["jsonlite"]), roles=ROLES)
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


def test_cran_and_bioconductor_resolve_in_one_pass_with_system_libraries(debian_root, tmp_path):
    """A CRAN package importing a Bioconductor one installs (it cannot when CRAN packages
    go first on CRAN alone), and the catalogue's system libraries for the chosen R
    packages are installed before them."""
    from gaev_tui.catalog import load_catalog
    from gaev_tui.envspec import parse_spec_text
    from gaev_tui.render.ansible import r_system_libraries

    root, _ = debian_root
    cranrepo.write_repo(root / REPO.lstrip("/"))
    cranrepo.write_bioc_mirror(root / BIOC.lstrip("/"))
    catalog = load_catalog(include_user=False)
    spec = parse_spec_text("name: r\nos: debian-12\nprovider: libvirt\npackages: {r: [data.table, XML]}\n", catalog)
    libraries = tuple(r_system_libraries(spec, catalog))
    assert libraries == ("zlib1g-dev", "libxml2-dev")
    project = make_project(tmp_path / "ansible", playbook_yaml(ROLES, become=True), _vars([]), roles=ROLES)
    chroot_inventory(project, root)

    (project / "vars" / "all.yml").write_text(_vars(["gaevmixed", "gaevpinned@1.0.0"], ("gaevbioc",), libraries))
    first, _ = run_playbook(project)
    assert first.returncode == 0, first.stdout[-6000:] + first.stderr[-3000:]
    assert parse_recap(first.stdout)["target"].changed > 0
    assert _installed(root, "gaevmixed") == "0.2.0" and _installed(root, "gaevbioc") == "1.0.0"
    assert _installed(root, "gaevpinned") == "1.0.0"  # a pin (install_version) beside the one-pass install
    assert _installed(root, "BiocVersion").startswith(cranrepo.BIOC_RELEASE)
    status = in_chroot(root, "dpkg-query", "-W", "-f", "${Package} ${Status}\\n", *libraries)
    assert status.count("install ok installed") == len(libraries), status

    second, _ = run_playbook(project)
    assert second.returncode == 0, second.stdout[-6000:] + second.stderr[-3000:]
    recap = parse_recap(second.stdout)["target"]
    assert recap.changed == 0 and recap.failed == 0, [line for line in second.stdout.splitlines() if line.startswith("changed:")]


def test_the_package_type_reaches_install_packages(debian_root, tmp_path):
    """r_packages_type (macOS: "binary", CRAN's builds) becomes install.packages()'s type:
    "source" installs here; "binary", which R on Linux does not have, makes R itself
    refuse, which shows the option arrived."""
    root, _ = debian_root
    cranrepo.write_repo(root / REPO.lstrip("/"))
    cranrepo.write_bioc_mirror(root / BIOC.lstrip("/"))
    project = make_project(tmp_path / "ansible", playbook_yaml(ROLES, become=True), _vars([]), roles=ROLES)
    chroot_inventory(project, root)
    (project / "vars" / "all.yml").write_text(_vars(["gaevhello"]) + "r_packages_type: source\n")
    proc, _ = run_playbook(project)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]
    assert _installed(root, "gaevhello") == "0.1.0"
    (project / "vars" / "all.yml").write_text(_vars(["gaevmixed"]) + "r_packages_type: binary\n")
    proc, _ = run_playbook(project)
    assert proc.returncode != 0
    assert "type 'binary' is not supported on this platform" in proc.stdout, proc.stdout[-4000:]
