"""``.gitlab-ci.yml``: per project a ``validate`` job and a ``build`` job on a runner
tagged ``gaev`` + the provider, with the stage report as a JUnit artefact (GitLab's test
view shows which stage failed), the box published or kept, and Vagrant's box cache
cached per provider."""

from __future__ import annotations

from gaev_tui.cipipeline import steps, yamlout
from gaev_tui.cipipeline.projects import CiProject

HEADER = ("# Written by `gaev ci gitlab`. Runners: tag them `gaev` plus the provider they host\n"
          "# (virtualbox, libvirt, ...). CI/CD variables: GAEV_REGISTRY (a registry directory or\n"
          "# s3://BUCKET/PREFIX), registry credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,\n"
          "# AWS_ENDPOINT_URL_S3), GAEV_WINDOWS_ADMIN_PASSWORD for Windows base boxes: masked, never here.\n")


def pipeline(projects: list[CiProject], registry: str | None) -> str:
    doc: dict = {
        "stages": ["validate", "build"],
        "variables": {"VAGRANT_HOME": "$CI_PROJECT_DIR/.vagrant.d", "VAGRANT_CHECKPOINT_DISABLE": "1",
                      "GAEV_REGISTRY": registry or ""},
        "default": {"before_script": [steps.INSTALL, steps.PATH_LINE]},
    }
    for project in projects:
        tags = steps.runner_labels(project)
        doc[f"validate:{project.slug}"] = {"stage": "validate", "tags": ["gaev"], "script": steps.validate_lines(project)}
        artifacts = {"when": "always", "reports": {"junit": steps.junit_path(project)},
                     "paths": [steps.junit_path(project)]}
        if not registry:
            artifacts["paths"] += steps.box_artifacts(project)
            artifacts["expire_in"] = "30 days"
        doc[f"build:{project.slug}"] = {
            "stage": "build", "tags": tags, "needs": [f"validate:{project.slug}"],
            "resource_group": f"gaev-{project.slug}",  # one build of a project at a time
            "cache": {"key": f"vagrant-boxes-{project.provider}", "paths": [".vagrant.d/boxes/"]},
            "script": steps.build_lines(project) + ["\n".join(steps.publish_lines(project))],
            "artifacts": artifacts,
            "timeout": "3h",
        }
    return HEADER + yamlout.dump(doc)
