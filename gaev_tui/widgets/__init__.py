"""Reusable widgets of the wizard (step header, validated fields, package picker, ...)."""
