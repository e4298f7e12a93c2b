"""Build a throw-away Ansible project from GAEV's shipped roles, run it, read its recap.

The project is laid out the way ``gaev generate`` lays out ``ansible/``: the roles
copied verbatim, a playbook, ``vars/all.yml`` and the lint configuration.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

import gaev_tui
from gaev_tui.render.ansible import role_files

TEMPLATES = Path(gaev_tui.__file__).parent / "templates" / "ansible"
ROLES_DIR = TEMPLATES / "roles"
LINT_CONFIG = TEMPLATES / ".ansible-lint"
DATA = Path(__file__).parent / "data"

_RECAP_LINE = re.compile(
    r"^(?P<host>\S+)\s*:\s*ok=(?P<ok>\d+)\s+changed=(?P<changed>\d+)\s+unreachable=(?P<unreachable>\d+)"
    r"\s+failed=(?P<failed>\d+)(?:\s+skipped=(?P<skipped>\d+))?(?:\s+rescued=(?P<rescued>\d+))?"
    r"(?:\s+ignored=(?P<ignored>\d+))?\s*$"
)


class _VarsLoader(yaml.SafeLoader):
    """Reads a vars file the way Ansible sees its data: ``!unsafe`` strings as plain strings."""


_VarsLoader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))


def load_vars(text: str) -> dict:
    """The data of an Ansible vars file (``!unsafe`` tags understood)."""
    return yaml.load(text, Loader=_VarsLoader) or {}


def shipped_roles() -> list[str]:
    """Names of the roles GAEV ships."""
    return sorted(p.name for p in ROLES_DIR.iterdir() if list((p / "tasks").glob("main*.yml")))


def make_project(dest: Path, playbook: str, vars_yaml: str, roles: list[str] | None = None,
                 family: str = "debian") -> Path:
    """Write an Ansible project at ``dest`` (created) and return its path.

    The roles (all shipped ones by default) are laid out by the renderer's own
    ``role_files`` for ``family``, exactly as ``gaev generate`` writes them.
    """
    dest.mkdir(parents=True, exist_ok=True)
    wanted = roles if roles is not None else [r for r in shipped_roles() if _has_family(r, family)]
    for rel, data in role_files(wanted, family).items():
        path = dest / "roles" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    if LINT_CONFIG.exists():
        shutil.copy2(LINT_CONFIG, dest / ".ansible-lint")
    (dest / "vars").mkdir(exist_ok=True)
    (dest / "vars" / "all.yml").write_text(vars_yaml)
    (dest / "playbook.yml").write_text(playbook)
    return dest


def _has_family(role: str, family: str) -> bool:
    tasks = ROLES_DIR / role / "tasks"
    return (tasks / "main.yml").is_file() or (tasks / f"main.{family}.yml").is_file()


def playbook_yaml(roles: list[str], hosts: str = "all", name: str = "Provision the test machine",
                  become: bool = False) -> str:
    """A one-play playbook applying ``roles`` in order, like the generated one."""
    lines = ["---", f"- name: {name}", f"  hosts: {hosts}"] + (["  become: true"] if become else [])
    lines += ["  vars_files:", "    - vars/all.yml", "  roles:"]
    lines += [f"    - role: {role}" for role in roles]
    return "\n".join(lines) + "\n"


def ansible_env(project: Path) -> dict[str, str]:
    """The environment for ansible-* runs: no colours, no stray config, no host pip settings.

    The chroot connection passes the controller's environment to the commands it runs in
    the chroot, so the host's PIP_* settings (local wheel directories, CA paths) would
    leak into the target's pip: they are dropped to make the run a faithful one.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "ANSIBLE_"))}
    env.update({
        "ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0", "NO_COLOR": "1",
        "ANSIBLE_CONFIG": str(project / "ansible.cfg"),  # absent: built-in defaults only
        "ANSIBLE_LOCAL_TEMP": str(project / ".ansible-tmp"),
        "ANSIBLE_RETRY_FILES_ENABLED": "0",
        # One process per module instead of copy-then-run: same modules, fewer forks.
        "ANSIBLE_PIPELINING": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    return env


@dataclass(frozen=True)
class Recap:
    """One host's line of the PLAY RECAP."""

    host: str
    ok: int
    changed: int
    unreachable: int
    failed: int
    skipped: int = 0
    rescued: int = 0
    ignored: int = 0


def parse_recap(output: str) -> dict[str, Recap]:
    """The PLAY RECAP counts per host; raises ValueError when the output has no recap."""
    lines = output.splitlines()
    try:
        start = max(i for i, line in enumerate(lines) if line.startswith("PLAY RECAP"))
    except ValueError:
        raise ValueError("no PLAY RECAP in ansible-playbook output") from None
    recaps: dict[str, Recap] = {}
    for line in lines[start + 1:]:
        match = _RECAP_LINE.match(line)
        if match:
            fields = {k: int(v) for k, v in match.groupdict().items() if k != "host" and v is not None}
            recaps[match["host"]] = Recap(host=match["host"], **fields)
    if not recaps:
        raise ValueError("PLAY RECAP has no host lines")
    return recaps


def run_ansible(argv: list[str], project: Path, timeout: float = 1800) -> subprocess.CompletedProcess:
    """Run an ansible-* command in ``project``, output captured as text."""
    return subprocess.run(argv, cwd=project, env=ansible_env(project), capture_output=True, text=True,
                          timeout=timeout)
