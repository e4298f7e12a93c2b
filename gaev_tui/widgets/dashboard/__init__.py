"""Widgets of the build dashboard, one per pane: log, stages, disk, VM."""
