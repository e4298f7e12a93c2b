"""The stages of a build, planned from a project: exact command lines, environment,
and the state each stage is in. :mod:`gaev_tui.boxbuild.pipeline` runs them."""

from __future__ import annotations

import shlex
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from gaev_tui.boxbuild.lines import collapse_cr
from gaev_tui.boxbuild.machine_readable import Summary, parse_line
from gaev_tui.boxbuild.project import BuildProject
from gaev_tui.envspec.model import built_box_name

PENDING, RUNNING, OK, FAILED, CANCELLED, SKIPPED = "pending", "running", "ok", "failed", "cancelled", "skipped"
GUEST_MANIFEST = "/var/lib/gaev/manifest.json"
#: Tells the generated Vagrantfile that GAEV is building a box to share: it then keeps
#: Vagrant's insecure key instead of inserting the VM's own, which 'vagrant package'
#: would pack into the box. Set on every vagrant stage: 'vagrant package' halts the VM
#: over SSH, and any SSH connection may insert a key when the Vagrantfile says so.
BUILD_ENV = {"GAEV_BUILD": "1"}


@dataclass
class Stage:
    """One step of the pipeline and what happened to it."""

    id: str  # "base-box", "up", "manifest", "package", "checksum", "destroy"
    title: str
    argv: list[str] | None = None  # None: done inside GAEV (checksum)
    env: dict[str, str] = field(default_factory=dict)  # added to the environment
    tool: str = ""  # "vagrant" / "packer": decides the cancel signals and output parsing
    cwd: str = ""  # relative to the project dir
    cleanup: bool = False  # runs even after a failure or a cancel (destroying the VM)
    state: str = PENDING
    started_at: float | None = None  # epoch seconds
    duration: float | None = None
    detail: str = ""  # why it failed or was skipped
    cause: str = ""  # failed: the one line of its output that says why (boxbuild.cause)
    log_line: int | None = None  # 1-based line of the job log where its output starts

    @property
    def command(self) -> str:
        """The command line exactly as run, environment additions first."""
        if self.argv is None:
            return self.title
        env = " ".join(f"{k}={shlex.quote(v)}" for k, v in self.env.items())
        return (env + " " if env else "") + shlex.join(self.argv)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Stage:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


def partial(path: Path) -> Path:
    """Where a result is written until the whole build succeeded."""
    return path.with_name(f".{path.name}.partial")


def base_box_stages(project: BuildProject) -> list[Stage]:
    """The stages that build the base box with Packer, before the VM.

    GAEV's generated HCL2 template (``packer/build.pkr.hcl``): ``packer build`` then
    ``vagrant box add`` of the box under the name the Vagrantfile uses, both through
    :mod:`gaev_tui.packer.stage` (which decides at run time what Packer can read, and
    hashes the box it wrote). Any other ``packer/`` folder: ``packer build`` on its JSON
    template, or on the folder (HCL2 templates split over several ``*.pkr.hcl`` files).
    """
    if (project.dir / "packer" / "build.pkr.hcl").exists():
        me = [sys.executable, "-m", "gaev_tui.packer.stage"]
        name = project.base_box_name or built_box_name(project.name)
        # Where packer/variables.pkr.hcl has the vagrant post-processor write the box.
        box = f"output/{project.name}-{project.provider}.box"
        return [
            Stage("base-box", "Build the base box (packer build)", [*me, "build"], tool="packer", cwd="packer"),
            Stage("base-box-add", f"Add the base box to Vagrant as {name} (vagrant box add)",
                  [*me, "add", name, project.provider, box], tool="vagrant", cwd="packer"),
        ]
    templates = sorted((project.dir / "packer").glob("*.json"))
    argv = ["packer", "build", "-machine-readable", "-force", templates[0].name if templates else "."]
    return [Stage("base-box", "Build the base box (packer build)", argv, tool="packer", cwd="packer")]


def _disk_env(project: BuildProject) -> dict[str, str]:
    """Vagrant 2.3 applies the Vagrantfile's ``config.vm.disk`` only with this flag set
    when it starts (setting it from the Vagrantfile is too late)."""
    try:
        vagrantfile = (project.dir / "Vagrantfile").read_text(encoding="utf-8")
    except OSError:
        return {}
    return {"VAGRANT_EXPERIMENTAL": "disks"} if "\n  config.vm.disk " in vagrantfile else {}


def plan(project: BuildProject, keep_vm: bool = False) -> list[Stage]:
    """The stages that apply to ``project``, in order."""
    stages = base_box_stages(project) if project.base_box_build == "packer" else []
    stages.append(Stage("up", "Create and provision the VM (vagrant up)",
                        ["vagrant", "up", f"--provider={project.provider}", "--machine-readable"], tool="vagrant",
                        env={**BUILD_ENV, **_disk_env(project)}))
    manifest = Stage("manifest", "Fetch the guest's package manifest",
                     ["vagrant", "ssh", "-c", f"sudo cat {GUEST_MANIFEST}"], env=dict(BUILD_ENV), tool="vagrant-ssh")
    if project.family == "windows":
        manifest.state, manifest.detail = SKIPPED, "Windows guests have no ssh manifest"
    stages.append(manifest)
    env = dict(BUILD_ENV)
    if project.provider == "libvirt" and project.driver == "qemu":
        # libguestfs (virt-sysprep) would try KVM and fail without it: use its direct
        # backend with software emulation, like the VM itself.
        env = {"LIBGUESTFS_BACKEND": "direct", "LIBGUESTFS_BACKEND_SETTINGS": "force_tcg", **BUILD_ENV}
    box = partial(project.box_path)
    stages.append(Stage("package", "Package the VM into a box (vagrant package)",
                        ["vagrant", "package", "--output", str(box), "--machine-readable"], env=env, tool="vagrant"))
    stages.append(Stage("checksum", f"sha256 {project.box_path.name}"))
    destroy = Stage("destroy", "Destroy the build VM (vagrant destroy)", ["vagrant", "destroy", "-f", "--machine-readable"],
                    env=dict(BUILD_ENV), tool="vagrant", cleanup=True)
    if keep_vm:
        destroy.state, destroy.detail = SKIPPED, "--keep-vm"
    stages.append(destroy)
    return stages


def duration_text(seconds: float | None) -> str:
    """``42s``, ``3:07``, ``1:02:03``: compact and stable in width per magnitude."""
    if seconds is None:
        return ""
    whole = int(max(0.0, seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}" if minutes else f"{secs}s"


class ToolText:
    """Turns a tool's machine-readable lines into what a person reads, and keeps the
    artifacts and errors they announced. Other lines pass through unchanged."""

    def __init__(self) -> None:
        self.summary = Summary()

    def __call__(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        for line in lines:
            record = parse_line(line)
            if record is None:
                out.append(line)
                continue
            self.summary.feed(record)
            if record.type == "ui":
                text = record.text
                if "\n" in text or "\r" in text:
                    out.extend(collapse_cr(part) for part in text.split("\n"))
                else:
                    out.append(text)
        return out
