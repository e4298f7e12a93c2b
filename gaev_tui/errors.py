"""Errors the CLI turns into one clear line and an exit code (never a traceback)."""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_FAILED = 1  # a check or an external tool failed
EXIT_BAD_INPUT = 2  # the user's spec, catalogue or arguments are wrong


class GaevError(Exception):
    """Base of every error GAEV reports to the user as a message."""

    exit_code = EXIT_FAILED


@dataclass(frozen=True)
class Location:
    """Where a bad value was found: file, 1-based line, dotted field path."""

    file: str | None = None
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.line:
            where += f":{self.line}"
        if self.field:
            where += f": {self.field}"
        return where


class InputError(GaevError):
    """Bad input (spec, catalogue, user typing): names the file, line and field."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, message: str, location: Location | None = None) -> None:
        self.message = message
        self.location = location or Location()
        super().__init__(f"{self.location}: {message}")


class ToolMissing(GaevError):
    """An external tool is not on PATH; the message says how to install it."""

    def __init__(self, tool: str, hint: str) -> None:
        self.tool = tool
        self.hint = hint
        super().__init__(f"{tool} not found on PATH; {hint}")
