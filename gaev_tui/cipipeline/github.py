"""``.github/workflows/gaev.yml``: per project a ``validate`` job and a ``build`` job on
a self-hosted runner labelled ``gaev`` + the provider, with Vagrant's box cache kept by
actions/cache, the stage report and (without a registry) the box uploaded as artefacts.
Secrets are mapped from repository secrets into the environment, never written here."""

from __future__ import annotations

from gaev_tui.cipipeline import steps, yamlout
from gaev_tui.cipipeline.projects import CiProject

HEADER = ("# Written by `gaev ci github`. Self-hosted runners: label them `gaev` plus the provider\n"
          "# they host (virtualbox, libvirt, ...). Repository variables: GAEV_REGISTRY, GAEV_PIP_SPEC;\n"
          "# secrets: registry credentials and GAEV_WINDOWS_ADMIN_PASSWORD, never in this file.\n")


def _setup() -> list[dict]:
    return [{"uses": "actions/checkout@v4"},
            {"name": "Install GAEV", "run": "\n".join([steps.INSTALL, 'echo "$HOME/.local/bin" >> "$GITHUB_PATH"'])}]


def pipeline(projects: list[CiProject], registry: str | None) -> str:
    env = {"VAGRANT_HOME": "${{ github.workspace }}/.vagrant.d", "VAGRANT_CHECKPOINT_DISABLE": "1",
           "GAEV_PIP_SPEC": "${{ vars.GAEV_PIP_SPEC || 'gaev-tui' }}",
           "GAEV_REGISTRY": "${{ vars.GAEV_REGISTRY || '" + (registry or "").replace("'", "''") + "' }}"}
    env.update({name: "${{ secrets." + name + " }}" for name in steps.SECRETS})
    env.update({name: "${{ vars." + name + " }}" for name in steps.SECRET_SETTINGS})
    jobs: dict = {}
    for project in projects:
        vid, bid = f"validate-{project.slug}", f"build-{project.slug}"
        jobs[vid] = {"runs-on": ["self-hosted", "gaev"], "steps": [*_setup(), {
            "name": "gaev validate", "run": "\n".join(steps.validate_lines(project))}]}
        build_steps = [*_setup(),
                       {"uses": "actions/cache@v4", "with": {
                           "path": ".vagrant.d/boxes",
                           "key": f"vagrant-boxes-{project.provider}-${{{{ hashFiles('{steps.lock_path(project)}') }}}}",
                           "restore-keys": f"vagrant-boxes-{project.provider}-"}},
                       {"name": "gaev build", "run": "\n".join(steps.build_lines(project))},
                       {"name": "gaev publish", "run": "\n".join(steps.publish_lines(project))},
                       {"name": "Stage report", "if": "always()", "uses": "actions/upload-artifact@v4",
                        "with": {"name": f"stages-{project.slug}", "path": steps.junit_path(project)}}]
        if not registry:
            build_steps.append({"name": "Keep the box", "if": "success()", "uses": "actions/upload-artifact@v4",
                                "with": {"name": f"box-{project.slug}", "path": "\n".join(steps.box_artifacts(project)),
                                         "retention-days": 30}})
        jobs[bid] = {"runs-on": ["self-hosted", *steps.runner_labels(project)], "needs": vid,
                     "timeout-minutes": 180, "concurrency": {"group": f"gaev-{project.slug}"},
                     "steps": build_steps}
    doc = {"name": "GAEV boxes", "on": {"push": None, "workflow_dispatch": None}, "env": env, "jobs": jobs}
    text = yamlout.dump(doc)
    return HEADER + text.replace("push: null", "push:").replace("workflow_dispatch: null", "workflow_dispatch:")
