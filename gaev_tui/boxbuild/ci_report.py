"""``gaev build`` on a CI runner: stage sections the CI folds (GitLab's
``section_start``/``section_end`` markers, GitHub's ``::group::``) and a JUnit XML
report with one test case per stage, so the CI's test view shows which stage failed.

Tool output is printed ``[stage] line`` as always, so a line a guest prints can never
start a GitHub workflow command (``::...``)."""

from __future__ import annotations

import os
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping

from gaev_tui.boxbuild.stages import CANCELLED, FAILED, OK, PENDING, SKIPPED, Stage

_SAFE_ID = re.compile(r"[^A-Za-z0-9_.-]")


def ci_service(env: Mapping[str, str] = os.environ) -> str:
    """``gitlab``, ``github`` or ``plain`` (any other CI, or ``--ci`` by hand)."""
    if env.get("GITLAB_CI") == "true":
        return "gitlab"
    if env.get("GITHUB_ACTIONS") == "true":
        return "github"
    return "plain"


class Sections:
    """Opens a folded section per stage; ``write`` prints one line."""

    def __init__(self, service: str, write: Callable[[str], None]) -> None:
        self.service, self.write = service, write
        self.current: str | None = None

    def enter(self, stage: str, title: str) -> None:
        if stage == self.current:
            return
        self.close()
        self.current = stage
        title = title.replace("\n", " ").replace("\r", " ")
        if self.service == "gitlab":
            self.write(f"\x1b[0Ksection_start:{int(time.time())}:{_SAFE_ID.sub('_', stage)}[collapsed=false]"
                       f"\r\x1b[0K{title}")
        elif self.service == "github":
            self.write(f"::group::{title}")
        else:
            self.write(f"== {title}")

    def close(self) -> None:
        if self.current is None:
            return
        if self.service == "gitlab":
            self.write(f"\x1b[0Ksection_end:{int(time.time())}:{_SAFE_ID.sub('_', self.current)}\r\x1b[0K")
        elif self.service == "github":
            self.write("::endgroup::")
        self.current = None


def junit_xml(build_name: str, stages: list[Stage], message: str = "") -> bytes:
    """One ``<testcase>`` per stage: ok passes, failed/cancelled fail with why, the rest skip."""
    failures = sum(s.state in (FAILED, CANCELLED) for s in stages)
    skipped = sum(s.state in (SKIPPED, PENDING) for s in stages)
    total = sum(s.duration or 0.0 for s in stages)
    suite = ET.Element("testsuite", name=f"gaev build {build_name}", tests=str(len(stages)),
                       failures=str(failures), errors="0", skipped=str(skipped), time=f"{total:.3f}")
    for stage in stages:
        case = ET.SubElement(suite, "testcase", classname=f"gaev.build.{_SAFE_ID.sub('_', build_name)}",
                             name=f"{stage.id}: {stage.title}", time=f"{stage.duration or 0.0:.3f}")
        if stage.state in (FAILED, CANCELLED):
            why = stage.detail or message or stage.state
            failure = ET.SubElement(case, "failure", message=why, type=stage.state)
            failure.text = f"{stage.command}\n{why}"
        elif stage.state != OK:
            ET.SubElement(case, "skipped", message=stage.detail or f"not run ({stage.state})")
    suites = ET.Element("testsuites")
    suites.append(suite)
    ET.indent(suites)
    return ET.tostring(suites, encoding="utf-8", xml_declaration=True) + b"\n"
