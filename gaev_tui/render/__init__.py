"""Spec -> the files of a project directory (a mapping of relative path to bytes).

Rendering is pure: it reads the catalogue, the spec and the templates shipped with
GAEV, and returns bytes; the same spec always gives the same bytes.
"""

from gaev_tui.render.project import render_project
from gaev_tui.render.write import ProjectChange, plan_changes, write_project

__all__ = ["ProjectChange", "plan_changes", "render_project", "write_project"]
