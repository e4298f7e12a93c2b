"""The generated ``packer/`` checked by the real tools: Packer 1.6 validate and fmt for
every OS and provider, ksvalidator, XML and autoinstall checks, hostile spec values."""

from __future__ import annotations

import subprocess

import pytest

from gaev_tui.checks import validate_project
from gaev_tui.packer import checks
from gaev_tui.packer.tool import knows_plugins_block, packer_version, template_for
from tests.packer.helpers import buildable_pairs, packer_files, spec_text, write
from tests.toolcheck import need_tool

pytestmark = pytest.mark.tools

HOSTILE = (
    'description: "quote \\" ${HOME} %{ if true }x%{ endif } {{ .Name }} \\\\ tab\\tnl\\nline2 `id` $(id) <a>&amp; \' #"\n'
    "hostname: lab-1.example.org\ntimezone: America/Argentina/Buenos_Aires\nlocale: pt_BR.UTF-8\n"
)
HOSTILE_DESCRIPTION = 'quote " ${HOME} %{ if true }x%{ endif } {{ .Name }} \\ tab\tnl\nline2 `id` $(id) <a>&amp; \' #'


def packer(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([need_tool("packer")["packer"], *args], check=False, cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={"CHECKPOINT_DISABLE": "1", "PATH": "/usr/bin:/bin"})


def results(packer_dir) -> dict[str, object]:
    return {r.name.split(" (")[0]: r for r in checks.check_packer(packer_dir.parent)}


@pytest.mark.parametrize(("os_id", "provider"), buildable_pairs())
def test_packer_validate_and_fmt_accept_every_pair(os_id, provider, tmp_path):
    need_tool("packer")
    packer_dir = write(packer_files(spec_text(os_id, provider, HOSTILE)), tmp_path)
    found = results(packer_dir)
    for name in ("packer validate", "packer fmt -check"):
        assert found[name].status == "ok", found[name].detail


@pytest.mark.parametrize("provider", ["libvirt", "virtualbox", "hyperv"])
def test_hostile_description_reaches_packer_as_text(provider, tmp_path):
    """``packer inspect`` shows the build description exactly as the spec wrote it:
    no HCL interpolation ran, no quote closed the string."""
    packer_dir = write(packer_files(spec_text("debian-12", provider, HOSTILE)), tmp_path)
    with template_for(packer_dir, packer_version()) as template:
        out = packer("inspect", template, cwd=packer_dir)
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"> Description: {HOSTILE_DESCRIPTION}\n" in out.stdout


def test_the_plugins_file_is_rejected_by_packer_1_6_and_left_out(tmp_path):
    """Why the checks leave plugins.pkr.hcl out: this Packer refuses the block."""
    need_tool("packer")
    version = packer_version()
    if knows_plugins_block(version):
        pytest.skip(f"Packer {version} reads plugins files")
    packer_dir = write(packer_files(spec_text("debian-12", "libvirt")), tmp_path)
    out = packer("validate", ".", cwd=packer_dir)
    assert out.returncode != 0 and "required_plugins" in out.stdout + out.stderr
    assert results(packer_dir)["packer validate"].status == "ok"


def test_packer_validate_and_fmt_failures_are_reported(tmp_path):
    need_tool("packer")
    packer_dir = write(packer_files(spec_text("debian-12", "libvirt")), tmp_path)
    sources = packer_dir / "sources.pkr.hcl"
    sources.write_text(sources.read_text().replace("  format             = \"qcow2\"",
                                                   "  format = \"qcow2\"\n  no_such_option = 1"))
    found = results(packer_dir)
    assert found["packer validate"].status == "failed" and "no_such_option" in found["packer validate"].detail
    assert found["packer fmt -check"].status == "failed" and "sources.pkr.hcl" in found["packer fmt -check"].detail


def test_kickstart_is_valid_for_its_rhel_release(tmp_path):
    need_tool("ksvalidator")
    for os_id in ("rocky-9", "almalinux-9"):
        packer_dir = write(packer_files(spec_text(os_id, "libvirt", HOSTILE)), tmp_path / os_id)
        result = checks.check_kickstart(packer_dir / "http" / "ks.cfg", "9")
        assert result.status == "ok", result.detail
        assert "RHEL9" in result.name


def test_ksvalidator_catches_a_broken_kickstart(tmp_path):
    need_tool("ksvalidator")
    packer_dir = write(packer_files(spec_text("rocky-9", "libvirt")), tmp_path)
    ks = packer_dir / "http" / "ks.cfg"
    ks.write_text(ks.read_text() + "autopart --no-such-flag\n")
    result = checks.check_kickstart(ks, "9")
    assert result.status == "failed" and "no-such-flag" in result.detail


@pytest.mark.parametrize("provider", ["virtualbox", "hyperv", "libvirt"])
def test_autounattend_is_well_formed_with_hostile_values(provider, tmp_path):
    packer_dir = write(packer_files(spec_text("windows-11", provider, HOSTILE)), tmp_path)
    assert checks.xml_problems(packer_dir / "http" / "Autounattend.xml") == []
    (packer_dir / "http" / "Autounattend.xml").write_text("<unattend><settings></unattend>")
    assert checks.xml_problems(packer_dir / "http" / "Autounattend.xml")[0].startswith("not well-formed XML")


def test_autoinstall_and_preseed_checks(tmp_path):
    ubuntu = packer_files(spec_text("ubuntu-24.04", "libvirt", HOSTILE))["packer/http/user-data"].decode()
    assert checks.autoinstall_problems(ubuntu) == []
    assert checks.autoinstall_problems(ubuntu.replace("#cloud-config\n", "")) == ["the first line must be '#cloud-config'"]
    assert checks.autoinstall_problems(ubuntu.replace("version: 1", "version: 2")) == ["autoinstall.version must be 1"]
    assert checks.autoinstall_problems("#cloud-config\nautoinstall: [\n")[0].startswith("not valid YAML")
    preseed = packer_files(spec_text("debian-12", "libvirt", HOSTILE))["packer/http/preseed.cfg"].decode()
    assert checks.preseed_problems(preseed) == []
    broken = preseed.replace("d-i time/zone string America/Argentina/Buenos_Aires",
                             "d-i time/zone string Europe/Paris\nrm -rf /")
    assert checks.preseed_problems(broken) == ["line 10: not 'owner question type value': rm -rf /"]


@pytest.mark.parametrize("os_id", ["ubuntu-22.04", "debian-12", "rocky-9", "windows-11"])
def test_gaev_validate_runs_the_packer_checks(os_id, tmp_path):
    """Through the whole project check, as ``gaev validate`` runs it."""
    need_tool("packer")
    from gaev_tui.catalog import load_catalog
    from gaev_tui.envspec import parse_spec_text
    from gaev_tui.render import render_project, write_project

    cat = load_catalog()
    project = tmp_path / "project"
    write_project(render_project(parse_spec_text(spec_text(os_id, "libvirt"), cat), cat), project)
    found = {r.name.split(" (")[0]: r for r in validate_project(project) if "packer" in r.name
             or r.name.startswith(("XML", "ksvalidator", "autoinstall", "preseed"))}
    expected = {"ubuntu-22.04": "autoinstall http/user-data", "debian-12": "preseed http/preseed.cfg",
                "rocky-9": "ksvalidator http/ks.cfg", "windows-11": "XML http/Autounattend.xml"}[os_id]
    assert set(found) == {"packer validate", "packer fmt -check", expected}
    assert all(r.status == "ok" for r in found.values()), [(r.name, r.detail) for r in found.values()]


@pytest.mark.parametrize("provider", ["virtualbox", "libvirt", "vmware_desktop", "hyperv", "parallels"])
@pytest.mark.parametrize("os_id", ["ubuntu-22.04", "debian-12", "rocky-9"])
def test_provisioning_scripts_parse_as_posix_sh(os_id, provider, tmp_path):
    """``sh -n`` (dash, the /bin/sh of Debian guests): every generated script parses."""
    sh = need_tool("sh")["sh"]
    packer_dir = write(packer_files(spec_text(os_id, provider)), tmp_path)
    scripts = sorted((packer_dir / "scripts").glob("*.sh"))
    assert scripts
    for script in scripts:
        out = subprocess.run([sh, "-n", str(script)], check=False, capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, f"{script.name}: {out.stderr}"
