"""Textual screens, one file each."""
