"""What every pipeline runs for one project, whatever the CI: shell lines built from
checked values only. Project paths must be plain (letters, digits, ``._/-``): a path is
written into shell lines and, on GitHub, next to ``${{ }}`` expressions, so anything else
is refused rather than escaped into code."""

from __future__ import annotations

import re
import shlex

from gaev_tui.cipipeline.projects import CiProject
from gaev_tui.errors import InputError

_PLAIN_PATH = re.compile(r"[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*")
# How runners get GAEV: a pip requirement in a CI variable (a wheel URL, a Git URL, a version).
INSTALL = 'python3 -m pip install --user --upgrade "${GAEV_PIP_SPEC:-gaev-tui}"'
PATH_LINE = 'export PATH="$HOME/.local/bin:$PATH"'
# Secrets GAEV may need on a runner; they come from the CI's masked variables, never from files.
SECRETS = ("GAEV_WINDOWS_ADMIN_PASSWORD", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
SECRET_SETTINGS = ("AWS_PROFILE", "AWS_ENDPOINT_URL_S3", "AWS_DEFAULT_REGION")


def check_path(project: CiProject) -> str:
    if project.path != "." and (not _PLAIN_PATH.fullmatch(project.path) or ".." in project.path.split("/")):
        raise InputError(f"{project.path}: a project path in a pipeline may hold only letters, digits, '.', '_', "
                         "'-' and '/'; rename the directory")
    return project.path


def validate_lines(project: CiProject) -> list[str]:
    return [f"gaev validate --strict {shlex.quote(check_path(project))}"]


def build_lines(project: CiProject) -> list[str]:
    path = shlex.quote(check_path(project))
    return [f"gaev build --ci --junit {shlex.quote(junit_path(project))} --yes {path}"]


def publish_lines(project: CiProject) -> list[str]:
    path = shlex.quote(check_path(project))
    # The registry is a CI variable (its default is written in the pipeline), so the
    # location can change without editing the file; credentials are CI secrets.
    return ['if [ -n "${GAEV_REGISTRY:-}" ]; then',
            f'  gaev publish {path} --to "$GAEV_REGISTRY"',
            "else",
            '  echo "GAEV_REGISTRY is not set: the box is kept as a job artefact"',
            "fi"]


def junit_path(project: CiProject) -> str:
    return f"{'' if project.path == '.' else project.path + '/'}builds/junit.xml"


def lock_path(project: CiProject) -> str:
    return f"{'' if project.path == '.' else project.path + '/'}gaev.lock.json"


def box_artifacts(project: CiProject) -> list[str]:
    base = "" if project.path == "." else project.path + "/"
    return [f"{base}builds/*.box", f"{base}builds/*.sha256", f"{base}builds/*.manifest.json"]


def runner_labels(project: CiProject) -> list[str]:
    """The documented convention: a runner tagged ``gaev`` and the provider it hosts."""
    return ["gaev", project.provider]
