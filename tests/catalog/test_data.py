"""The embedded catalogue's data, and how a lab's catalogue merges over it.

These tests check the facts GAEV relies on (every OS has a box per provider, checksums
are Packer-ready, apps install on families that exist...) and that a bad catalogue,
embedded or the user's, is refused with one message naming the file, line and field.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gaev_tui import names, paths, yamlsrc
from gaev_tui.catalog import load_catalog, parse_catalog
from gaev_tui.catalog.load import embedded_catalog_text
from gaev_tui.catalog.model import APP_KINDS, HOST_OSES, INSTALL_KINDS, OS_FAMILIES
from gaev_tui.errors import InputError

# What issue 2 asks the catalogue to offer, at least.
REQUIRED_OSES = ("ubuntu-22.04", "ubuntu-24.04", "debian-12", "rocky-9", "windows-11", "macos")
REQUIRED_PROVIDERS = ("virtualbox", "libvirt", "vmware_desktop", "hyperv", "parallels")
SHA256 = re.compile(r"^sha256:[0-9a-f]{64}$")


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(include_user=False)


def embedded() -> yamlsrc.Document:
    return yamlsrc.loads(embedded_catalog_text(), "embedded.yaml")


def write_user_catalog(text: str) -> Path:
    path = paths.user_catalog_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- the embedded data ----------------------------------------------------------------


def test_embedded_catalogue_loads_with_everything_issue_2_asks_for(catalog):
    assert set(REQUIRED_OSES) <= set(catalog.oses)
    assert set(REQUIRED_PROVIDERS) <= set(catalog.providers)
    assert {s.category for s in catalog.package_sets.values()} == {"r", "bioconductor", "python", "apt", "choco", "brew", "tex"}
    assert {a.kind for a in catalog.apps.values()} == set(APP_KINDS)
    assert catalog.sources == ("gaev_tui/catalog.yaml (embedded)",)


def test_every_os_has_a_default_box_for_each_of_its_providers(catalog):
    for entry in catalog.oses.values():
        assert entry.providers, entry.id
        for provider in entry.providers:
            box = entry.default_box(provider)
            assert box is not None and names.box_name(box.name) is None, (entry.id, provider)


def test_every_provider_an_os_uses_is_defined_and_runs_somewhere(catalog):
    used = {provider for entry in catalog.oses.values() for provider in entry.providers}
    assert used <= set(catalog.providers)
    for provider in catalog.providers.values():
        assert provider.hosts and set(provider.hosts) <= set(HOST_OSES), provider.id
        assert provider.install_hint.strip() and provider.description.strip(), provider.id
        assert provider.packer_builder and provider.packer_plugin, provider.id
        assert provider.packer_plugin.source.startswith("github.com/"), provider.id


def test_providers_run_on_the_hosts_their_vendors_support(catalog):
    hosts = {pid: set(p.hosts) for pid, p in catalog.providers.items()}
    assert hosts["hyperv"] == {"windows"}
    assert hosts["parallels"] == {"macos"}
    assert hosts["libvirt"] == {"linux"}
    assert hosts["vmware_desktop"] == hosts["virtualbox"] == {"linux", "windows", "macos"}
    plugins = {pid: p.vagrant_plugin for pid, p in catalog.providers.items()}
    assert plugins == {"virtualbox": None, "libvirt": "vagrant-libvirt", "vmware_desktop": "vagrant-vmware-desktop",
                       "hyperv": None, "parallels": "vagrant-parallels"}


def test_iso_checksums_are_packer_ready_sha256(catalog):
    isos = {oid: entry.iso for oid, entry in catalog.oses.items() if entry.iso}
    assert set(isos) >= {"ubuntu-22.04", "ubuntu-24.04", "debian-12", "rocky-9", "windows-11"}
    for oid, iso in isos.items():
        assert SHA256.match(iso.checksum), oid
        assert iso.url.startswith("https://") and iso.url.endswith(".iso"), oid
        assert iso.install in INSTALL_KINDS, oid
    assert len({iso.checksum for iso in isos.values()}) == len(isos), "two ISOs share a checksum"


def test_install_kind_and_communicator_match_each_family(catalog):
    expected = {"ubuntu": "autoinstall", "debian": "preseed", "rocky": "kickstart", "almalinux": "kickstart",
                "windows": "autounattend"}
    for entry in catalog.oses.values():
        assert entry.family in OS_FAMILIES
        assert entry.communicator == ("winrm" if entry.family == "windows" else "ssh"), entry.id
        if entry.iso:
            assert entry.iso.install == expected[entry.distro], entry.id


def test_macos_states_its_licence_limit(catalog):
    macos = catalog.oses["macos"]
    assert set(macos.providers) <= {"virtualbox", "vmware_desktop", "parallels"}
    assert "Apple hardware" in macos.notes and "two" in macos.notes


def test_apps_install_on_families_that_exist_and_state_ports_and_memory(catalog):
    families = {entry.family for entry in catalog.oses.values()}
    for app in catalog.apps.values():
        assert app.families and set(app.families) <= families, app.id
        ports = [port.guest for port in app.ports]
        assert all(1 <= port <= 65535 for port in ports) and len(ports) == len(set(ports)), app.id
        assert app.min_memory_mb >= 256, app.id
        if app.kind == "docker" and app.ports:
            assert app.image and app.version and int(app.settings["container_port"]) in range(1, 65536)


def test_apps_pin_real_versions(catalog):
    tljh, rstudio = catalog.apps["jupyterhub"], catalog.apps["rstudio_server"]
    assert (tljh.kind, tljh.ports[0].guest, tljh.min_memory_mb) == ("tljh", 80, 1024)
    assert re.fullmatch(r"\d+\.\d+\.\d+", tljh.version) and tljh.version in tljh.settings["bootstrap_url"]
    assert (rstudio.kind, rstudio.ports[0].guest) == ("rstudio_server", 8787)
    release = rstudio.version.replace("+", "-")
    assert release in rstudio.settings["deb_url"] and release in rstudio.settings["rpm_url"]
    assert catalog.apps["nmrprocflow"].image == "nmrprocflow/nmrprocflow"


def test_every_package_name_satisfies_its_grammar(catalog):
    for item in catalog.package_sets.values():
        check = names.PACKAGE_CHECKS[item.category]
        assert item.packages, item.id
        for package in item.packages:
            assert check(package) is None, (item.id, package)


def test_package_sets_cover_the_categories_a_scientist_needs(catalog):
    every = {(s.category, p) for s in catalog.package_sets.values() for p in s.packages}
    for wanted in [("r", "lme4"), ("r", "dplyr"), ("r", "ggplot2"), ("bioconductor", "DESeq2"),
                   ("bioconductor", "GenomicRanges"), ("bioconductor", "SingleCellExperiment"),
                   ("python", "pandas"), ("python", "biopython"), ("python", "xgboost"),
                   ("apt", "build-essential"), ("apt", "libcurl4-openssl-dev"), ("choco", "r.project")]:
        assert wanted in every


# -- errors name the file, line and field ---------------------------------------------


def test_a_bad_package_name_is_refused_with_file_line_and_field():
    bad = yamlsrc.loads("package_sets:\n  lab:\n    category: apt\n    label: Lab\n"
                        "    packages: [git, Bad_Name]\n", "lab.yaml")
    with pytest.raises(InputError) as caught:
        parse_catalog(embedded(), bad)
    error = caught.value
    assert (error.location.file, error.location.line, error.location.field) == ("lab.yaml", 5, "package_sets.lab.packages[1]")
    assert "Bad_Name" in error.message and str(error).startswith("lab.yaml:5: package_sets.lab.packages[1]:")


def test_each_grammar_refuses_its_own_kind_of_bad_name():
    for category, bad in [("r", "2fast"), ("bioconductor", "DESeq2."), ("python", "pandas>>2"),
                          ("apt", "Git"), ("choco", "r project")]:
        doc = yamlsrc.loads(f"package_sets:\n  x:\n    category: {category}\n    label: X\n"
                            f"    packages:\n      - '{bad}'\n", "x.yaml")
        with pytest.raises(InputError) as caught:
            parse_catalog(embedded(), doc)
        assert caught.value.location.line == 6 and caught.value.location.field == "package_sets.x.packages[0]", category


# -- the user's catalogue -------------------------------------------------------------


LAB_CATALOGUE = """\
# INRAE lab catalogue: our own Ubuntu box first, plus our NMR tools.
oses:
  ubuntu-22.04:
    boxes:
      virtualbox:
        - {name: inrae/ubuntu-22.04-lab, version: "2024.06.1", description: our hardened box}
        - {name: bento/ubuntu-22.04}
package_sets:
  lab-nmr:
    category: r
    label: NMR metabolomics
    packages: [Rnmr1D, speaq]
apps:
  jupyterhub:
    version: "1.0.0"
    min_memory_mb: 2048
"""


def test_user_catalogue_merges_over_the_embedded_one_by_id():
    path = write_user_catalog(LAB_CATALOGUE)
    catalog = load_catalog()
    ubuntu = catalog.oses["ubuntu-22.04"]
    # New box first: it becomes the default; keys the lab did not give stay embedded.
    assert ubuntu.default_box("virtualbox").name == "inrae/ubuntu-22.04-lab"
    assert ubuntu.label == "Ubuntu 22.04 LTS (Jammy Jellyfish)" and ubuntu.iso is not None
    # `boxes` is one key: the lab's value replaces the embedded providers list.
    assert ubuntu.providers == ("virtualbox",)
    assert catalog.package_sets["lab-nmr"].packages == ("Rnmr1D", "speaq")
    assert "python-data-science" in catalog.package_sets
    assert catalog.apps["jupyterhub"].min_memory_mb == 2048
    assert catalog.apps["jupyterhub"].ports[0].guest == 80
    assert catalog.sources == ("gaev_tui/catalog.yaml (embedded)", str(path))


def test_user_catalogue_can_add_a_whole_os():
    write_user_catalog("oses:\n  debian-13:\n    label: Debian 13\n    family: debian\n    distro: debian\n"
                       "    version: '13'\n    boxes:\n      libvirt: [{name: debian/trixie64}]\n")
    catalog = load_catalog()
    assert catalog.oses["debian-13"].default_box("libvirt").name == "debian/trixie64"
    assert "debian-12" in catalog.oses


def test_no_user_catalogue_means_the_embedded_one():
    assert not paths.user_catalog_file().exists()
    assert load_catalog() == load_catalog(include_user=False)


def test_bad_user_catalogue_names_the_user_file_line_and_field():
    path = write_user_catalog(LAB_CATALOGUE.replace("packages: [Rnmr1D, speaq]", "packages: [Rnmr1D, 'speaq;rm']"))
    with pytest.raises(InputError) as caught:
        load_catalog()
    location = caught.value.location
    assert (location.file, location.line, location.field) == (str(path), 12, "package_sets.lab-nmr.packages[1]")


def test_user_error_in_a_merged_entry_points_at_the_user_file():
    # The entry mixes embedded and user keys: the bad key must be blamed on the user file.
    path = write_user_catalog("apps:\n  jupyterhub:\n    ports: [{guest: 99999, name: web}]\n")
    with pytest.raises(InputError) as caught:
        load_catalog()
    location = caught.value.location
    assert (location.file, location.line, location.field) == (str(path), 3, "apps.jupyterhub.ports[0].guest")


def test_user_catalogue_with_unknown_provider_is_refused():
    path = write_user_catalog("oses:\n  ubuntu-22.04:\n    boxes:\n      qemu: [{name: x/y}]\n")
    with pytest.raises(InputError) as caught:
        load_catalog()
    assert caught.value.location.file == str(path) and "unknown provider 'qemu'" in caught.value.message


def test_the_lab_example_in_the_docs_is_a_valid_user_catalogue():
    docs = (Path(__file__).resolve().parents[2] / "docs" / "catalog.md").read_text(encoding="utf-8")
    example = docs.split("## Example: a lab's catalogue", 1)[1].split("```yaml", 1)[1].split("```", 1)[0]
    write_user_catalog(example)
    catalog = load_catalog()
    assert catalog.oses["ubuntu-22.04"].default_box("virtualbox").name == "mylab/ubuntu-22.04-hardened"
    assert catalog.apps["jupyterhub"].min_memory_mb == 4096 and "lab-nmr" in catalog.package_sets
