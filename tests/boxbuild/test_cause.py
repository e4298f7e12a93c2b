"""The cause of a failed stage is the most specific error line of its output, tested on
output captured from the real tools (tests/boxbuild/data/causes/README.md says how)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gaev_tui.boxbuild.cause import CauseFinder, find_cause, job_cause, one_line
from gaev_tui.boxbuild.stages import ToolText

DATA = Path(__file__).parent / "data" / "causes"


def tool_cause(name: str) -> str | None:
    """What the pipeline makes of a tool's raw output: ToolText turns machine-readable
    lines into text and collects the tool's own error messages, CauseFinder picks."""
    text = ToolText()
    lines = text((DATA / name).read_text().splitlines())
    return find_cause(lines, text.summary.errors)


def log_cause(name: str, stage: str) -> str | None:
    """The cause found in one stage's lines of a real ``gaev build`` job log (the tool's
    output only: the pipeline's own verdict lines quote the old summary)."""
    prefix = f"[{stage}] "
    lines = [line[len(prefix):] for line in (DATA / name).read_text().splitlines() if line.startswith(prefix)]
    return find_cause(line for line in lines if not line.startswith(("$ ", f"-- {stage} ")))


PERMISSION = ("Call to virDomainCreateWithFlags failed: internal error: qemu unexpectedly closed the monitor: "
              "qemu: could not open kernel file '/root/.h10c-vh/boxes/h10c-VAGRANTSLASH-debian12p/0/libvirt/vmlinuz': "
              "Permission denied (Libvirt::Error)")


def test_ruby_exception_not_its_backtrace():
    assert tool_cause("vagrant_up_permission_denied.machine-readable.txt") == PERMISSION
    assert log_cause("gaev_build_vagrant_up_permission_denied.log", "up") == PERMISSION


def test_curl_message_buried_in_vagrants_text_comes_first_with_vagrants_headline():
    assert tool_cause("vagrant_up_box_not_found.machine-readable.txt") == (
        "Could not resolve host: vagrantcloud.gaev-test.invalid — The box 'h10c/not-here' could not be found "
        "or could not be accessed in the remote catalog.")


def test_ansible_unknown_module_old_and_new_format():
    # With the file and line Ansible names, before its generic advice.
    tail = ". This often indicates a misspelling, missing collection, or incorrect module path."
    assert find_cause((DATA / "ansible_2.14_unknown_module.txt").read_text().splitlines()) == (
        "Ansible: couldn't resolve module/action 'community.general.dnf_config_manager' "
        "(/tmp/h10c/cap/ans/unknown_module214.yml line 5)" + tail)
    assert find_cause((DATA / "ansible_2.19_unknown_module.txt").read_text().splitlines()) == (
        "Ansible: couldn't resolve module/action 'community.general.dnf_config_managerx' "
        "(/tmp/h10c/cap/ans/unknown_module.yml line 5)" + tail)


@pytest.mark.parametrize("version", ["2.14", "2.19"])
def test_ansible_fatal_task_is_named(version):
    assert find_cause((DATA / f"ansible_{version}_fatal_task.txt").read_text().splitlines()) == (
        "Ansible task 'Install the system packages' failed on localhost: "
        "No package matching 'gaev-no-such-package' is available")


@pytest.mark.parametrize("version", ["2.14", "2.19"])
def test_an_ignored_ansible_failure_is_not_the_cause(version):
    cause = find_cause((DATA / f"ansible_{version}_ignored_then_fatal.txt").read_text().splitlines())
    assert cause.startswith("Ansible task 'Copy the course data' failed on localhost: ")
    assert "Could not find or access '/nonexistent/gaev-course-data'" in cause


def test_packer_build_error():
    assert tool_cause("packer_build_missing_iso.machine-readable.txt") == (
        "qemu.base: error downloading ISO: [source path error: stat "
        "/tmp/h10c/cap/packer/output/missing-debian-12.iso: no such file or directory]")


def test_packer_hcl_error_with_its_place_and_explanation():
    expected = 'Unsupported argument (build.pkr.hcl line 11): An argument named "disk_sizee" is not expected here.'
    assert tool_cause("packer_build_hcl_error.machine-readable.txt") == expected
    assert find_cause((DATA / "packer_validate_hcl_error.txt").read_text().splitlines()) == expected


def test_curl():
    assert find_cause((DATA / "curl_unresolvable_host.txt").read_text().splitlines()) == (
        "curl: (6) Could not resolve host: boxes.gaev-test.invalid")


def test_a_pointer_is_the_cause_only_when_nothing_else_is_said():
    pointer = "Ansible failed to complete successfully. Any error output should be visible above."
    assert find_cause(["==> default: Running provisioner: gaev-ansible...", "rm: cannot remove '/x': Busy"],
                      [pointer]) == "rm: cannot remove '/x': Busy"
    assert find_cause(["==> default: Running provisioner: gaev-ansible..."], [pointer]) == pointer.split(" Any")[0]
    assert find_cause([]) is None
    # Nothing says error: the last line that said anything, as before causes were picked.
    assert find_cause(["==> default: Machine booted and ready!", "PLAY RECAP", "default : ok=3 failed=0 ", ""]) == "PLAY RECAP"
    # Vague lines: the one nearest to the failure, not Vagrant's early retry warnings.
    assert find_cause(["    default: Warning: Connection refused. Retrying...", "    default: cp: cannot stat 'x'",
                       "    default: rm: cannot remove '/y': Device or resource busy", "    default: done"]) == (
        "rm: cannot remove '/y': Device or resource busy")


def test_fed_in_batches_like_the_pipeline_does():
    lines = (DATA / "ansible_2.14_fatal_task.txt").read_text().splitlines()
    finder = CauseFinder()
    for start in range(0, len(lines), 3):
        finder.feed(lines[start:start + 3])
    assert finder.cause == find_cause(lines)


def test_one_line_and_bounded():
    assert one_line("a\n  b\tc") == "a b c"
    assert len(one_line("x" * 10_000)) == 400


def test_job_cause():
    stages = [{"id": "up", "state": "failed", "detail": "exit code 1: X", "cause": "X"}, {"id": "destroy", "state": "ok"}]
    assert job_cause("failed", stages) == "X"
    # Jobs recorded before causes were: the detail without its exit code.
    assert job_cause("failed", [{"id": "up", "state": "failed", "detail": "exit code 1: old"}]) == "old"
    assert job_cause("failed", [{"id": "up", "state": "failed", "detail": "exit code 1"}]) == "exit code 1"
    assert job_cause("failed", [], "gaev.yaml: name: must be a str") == "gaev.yaml: name: must be a str"
    assert job_cause("ok", stages) is None
    assert "runner stopped" in job_cause("lost", [])


def test_real_gaev_builds_that_failed_in_ansible():
    # Seen in the issue: the summary quoted Vagrant's "Ansible failed to complete
    # successfully" while Ansible had said what was wrong above it.
    assert log_cause("gaev_build_ansible_2.14_unknown_module.log", "up") == (
        "Ansible: couldn't resolve module/action 'community.general.dnf_config_manager' "
        "(/var/tmp/h10c-cap/ansmod/ansible/roles/repositories/tasks/main.yml line 24). This often indicates "
        "a misspelling, missing collection, or incorrect module path.")
    assert log_cause("gaev_build_ansible_2.19_apt_package_missing.log", "up") == (
        "Ansible task 'system_packages : Install the requested packages (Debian family)' failed on default: "
        "No package matching 'gaev-no-such-package' is available")
