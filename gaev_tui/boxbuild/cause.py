"""The one line that says why a build stage failed, picked from the stage's output.

A failed stage ends with its least useful lines: Vagrant's backtrace (``from
…/batch_action.rb:86:in `block (2 levels) in run'``), Vagrant's "Ansible failed to
complete successfully. Any error output should be visible above", Packer's "Builds
finished but no artifacts were created". The cause was printed before them. Each line
of the stage is scored by what it is, and the most specific one wins (the first of
equal rank, as later ones are usually consequences; for the vague rank 10, the last):

====  =================================================================================
rank  line
====  =================================================================================
 95   Ansible ``fatal: [host]: FAILED! => {...}``, told with the task it ran (``TASK [..]``)
 90   Ansible ``ERROR! ...`` (before core 2.19) and ``[ERROR]: ...`` (2.19 and later)
 85   Packer ``Build 'x' errored after …: MSG``; Packer/HCL ``Error: X`` with its
      ``on FILE line N:`` and explanation; curl's ``curl: (N) ...`` and its messages
      inside Vagrant's text (``Could not resolve host``)
 80   the first line of a Ruby exception (``file.rb:7:in `create': MSG (Class)``)
 20   the tool's own error message (Vagrant's ``error-exit``), first sentence
 10   any other line that says error / failed / denied / cannot / not found (the last)
  1   a line that only points elsewhere ("Any error output should be visible above")
  0   else the last line that said anything
====  =================================================================================

Used by the build pipeline for each failed stage, and so by every place that shows why
a build failed: ``gaev build``, the dashboard, the Builds list and ``gaev jobs --json``.
Memory stays bounded whatever the length of the output: only the best line so far, the
current Ansible task and a few lines of an open ``Error:`` block are kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

#: A cause longer than this is cut (it is shown on one line).
MAX_CAUSE = 400

# Vagrant prefixes each line of a machine's output: "==> default: " or "    default: ".
_VAGRANT_PREFIX = re.compile(r"^(?:==> |    )[\w.-]+: ")
_TASK = re.compile(r"^TASK \[(?P<name>.+?)\] \**$")
_FATAL = re.compile(r"^(?:fatal|failed): \[(?P<host>[^\]]+)\](?: \(item=.*?\))?: (?P<what>FAILED|UNREACHABLE)! => (?P<json>.*)$")
_ANSIBLE_ERROR = re.compile(r"^(?:ERROR! |\[ERROR\]: )(?P<msg>.+)$")
# Where Ansible says the error is: "Origin: FILE:LINE:COL" (2.19), "The error appears to
# be in 'FILE': line N, column M" (before 2.19).
_ANSIBLE_ORIGIN = re.compile(r"^(?:Origin: (?P<f1>.+?):(?P<l1>\d+)(?::\d+)?|The error appears to be in '(?P<f2>[^']+)': line (?P<l2>\d+)\b.*)$")
_PACKER_ERRORED = re.compile(r"^Build '(?P<build>[^']+)' errored(?: after [^:]+)?: (?P<msg>.+)$")
_HCL_ERROR = re.compile(r"^Error: (?P<msg>.+)$")
_HCL_WHERE = re.compile(r"^\s+on (?P<file>.+?) line (?P<line>\d+)")
_CURL = re.compile(r"^curl: \(\d+\) .+$")
_CURL_WORDS = re.compile(r"Could not resolve (?:host|proxy)|Failed to connect to|SSL certificate problem|"
                         r"Connection timed out|The requested URL returned error")
_RUBY = re.compile(r"^(?:/|[A-Za-z]:)?[^\s:]+\.rb:\d+:in [`'][^']*': (?P<msg>.+)$")
_RUBY_BACKTRACE = re.compile(r"^\s*from \S+\.rb:\d+:in ")
_GENERIC = re.compile(r"error|failed|failure|denied|cannot|can't|could not|not found|no such|refused|"
                      r"timed out|unable to|fatal", re.I)
#: Lines that only say "look elsewhere": never better than a line that says something.
_POINTERS = ("Any error output should be visible above", "Ansible failed to complete successfully",
             "Builds finished but no artifacts were created", "Some builds didn't complete successfully",
             "The SSH command responded with a non-zero exit status")
# Ansible's recap ("default : ok=3 changed=1 unreachable=0 failed=1 ...") counts, it does not tell.
_RECAP = re.compile(r"^\S+\s+: ok=\d+ ")


def one_line(text: str, limit: int = MAX_CAUSE) -> str:
    """Whitespace (newlines included) collapsed to single spaces, cut to ``limit``."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def first_sentence(message: str) -> str:
    """A tool's multi-line error message up to its first full stop (or blank line)."""
    paragraph = message.strip().split("\n\n")[0]
    match = re.search(r"^(.+?[.!?])(?:\s|$)", " ".join(paragraph.split()))
    return match[1] if match else one_line(paragraph)


def _fatal_message(payload: str) -> str:
    """What Ansible's ``FAILED! => {...}`` says went wrong: msg, else stderr, else rc."""
    try:
        data = json.loads(payload)
    except ValueError:
        return payload
    if not isinstance(data, dict):
        return payload
    for key in ("msg", "stderr", "module_stderr", "reason"):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            text = value.strip()
            # A module's stderr is often a traceback: its last line says what it was.
            return text.splitlines()[-1] if key != "msg" and "Traceback" in text else text
    return f"rc {data['rc']}" if "rc" in data else payload


class CauseFinder:
    """Fed a stage's output lines as they come; :attr:`cause` is the best line so far."""

    def __init__(self) -> None:
        self._best: tuple[int, str] | None = None
        self._task: str | None = None
        self._best_before_task: tuple[int, str] | None = None  # restored when a task's failure is ignored
        self._fatal_pending: str | None = None  # an Ansible fatal line that "...ignoring" may cancel
        self._block: list[str] | None = None  # an open "Error: X" block (Packer / HCL diagnostics)
        self._origin_for: tuple[str, int] | None = None  # an Ansible error awaiting its file and line
        self._last: str | None = None  # the last line that said anything: the cause if nothing else is
        self.tool_errors: list[str] = []

    def _offer(self, rank: int, text: str, *, latest: bool = False) -> None:
        """Keep ``text`` if it outranks the best so far (or equals it, with ``latest``)."""
        text = one_line(text)
        if text and (self._best is None or rank > self._best[0] or (latest and rank == self._best[0])):
            self._best = (rank, text)

    def _close_block(self) -> None:
        block, self._block = self._block, None
        if not block:
            return
        head, where, words = block[0], "", []
        for line in block[1:]:
            match = _HCL_WHERE.match(line)
            if match and not where:
                where = f"{match['file']} line {match['line']}"
            elif line.strip() and not line.startswith(" ") and not line.startswith("("):
                words.append(line.strip())
            elif words and not line.strip():
                break  # the explanation is one paragraph; what follows is something else
        self._offer(85, head + (f" ({where})" if where else "") + (f": {' '.join(words)}" if words else ""))

    def _settle_fatal(self) -> None:
        if self._fatal_pending is not None:
            self._offer(95, self._fatal_pending)
            self._fatal_pending = None

    def feed(self, lines: Iterable[str]) -> None:
        """Take more output lines of the stage into account."""
        for raw in lines:
            line = _VAGRANT_PREFIX.sub("", raw.rstrip())
            if self._block is not None:
                if len(self._block) < 12 and not _HCL_ERROR.match(line) and not line.startswith("==>"):
                    self._block.append(line)
                    continue
                self._close_block()
            if self._fatal_pending is not None:
                if line.strip() == "...ignoring":  # ignore_errors: nothing this task said is the cause
                    self._fatal_pending, self._best = None, self._best_before_task
                    continue
                if line.strip():
                    self._settle_fatal()
            if self._origin_for is not None and line.strip():
                self._origin(line)
            self._line(line)

    def _origin(self, line: str) -> None:
        """Add the file and line Ansible names to the error it just reported."""
        text, left = self._origin_for
        match = _ANSIBLE_ORIGIN.match(line.strip())
        if match is None:
            self._origin_for = (text, left - 1) if left > 1 else None
            return
        self._origin_for = None
        if self._best is not None and self._best[1] == text:
            where = f"{match['f1'] or match['f2']} line {match['l1'] or match['l2']}"
            head = first_sentence(text)  # the place goes before Ansible's generic advice
            text = f"{head[:-1]} ({where}){head[-1]}{text[len(head):]}" if text.startswith(head) else f"{text} ({where})"
            self._best = (self._best[0], one_line(text))

    def _line(self, line: str) -> None:
        text = line.strip()
        if not text or _RUBY_BACKTRACE.match(line) or _RECAP.match(text):
            return
        self._last = text
        if match := _TASK.match(text):
            self._task, self._best_before_task = match["name"], self._best
        elif match := _FATAL.match(text):
            why = _fatal_message(match["json"])
            task = f"task '{self._task}'" if self._task else "a task"
            what = "could not reach" if match["what"] == "UNREACHABLE" else "failed on"
            self._fatal_pending = f"Ansible {task} {what} {match['host']}: {why}"
        elif match := _ANSIBLE_ERROR.match(text):
            self._offer(90, f"Ansible: {match['msg']}")
            self._origin_for = (one_line(f"Ansible: {match['msg']}"), 3)
        elif match := _PACKER_ERRORED.match(text):
            self._offer(85, f"{match['build']}: {match['msg']}")
        elif _CURL.match(text):
            self._offer(85, text)
        elif match := _HCL_ERROR.match(text):
            if _CURL_WORDS.search(text):  # Vagrant quoting curl: "Error: Could not resolve host: x"
                self._offer(85, match["msg"])
            else:
                self._block = [match["msg"]]
        elif match := _RUBY.match(text):
            self._offer(80, match["msg"])
        elif _CURL_WORDS.search(text):
            self._offer(85, text)
        elif any(p in text for p in _POINTERS):
            self._offer(1, text)
        elif _GENERIC.search(text) and not text.startswith("Warning: "):  # Vagrant's retries warn
            self._offer(10, text, latest=True)  # the nearest to the failure

    def tool_error(self, message: str) -> None:
        """The tool's own error message (Vagrant's ``error-exit``, Packer's ``error``)."""
        if message.strip():
            self.tool_errors.append(message)
            sentence = first_sentence(message)
            self._offer(1 if any(p in sentence for p in _POINTERS) else 20, sentence)

    @property
    def cause(self) -> str | None:
        """The most specific error line seen, with the tool's own headline when that
        adds something (e.g. "Could not resolve host: x — The box 'b' could not be found
        or could not be accessed in the remote catalog.")."""
        self._close_block()
        self._settle_fatal()
        if self._best is None:
            return one_line(self._last) if self._last else None
        rank, text = self._best
        if rank > 20 and self.tool_errors:
            headline = first_sentence(self.tool_errors[-1])
            if not any(p in headline for p in _POINTERS) and headline not in text and text not in headline:
                text = one_line(f"{text} — {headline}")
        return text


def find_cause(lines: Iterable[str], tool_errors: Iterable[str] = ()) -> str | None:
    """The cause of a failure in ``lines`` (a stage's output), or None if none is told."""
    finder = CauseFinder()
    finder.feed(lines)
    for message in tool_errors:
        finder.tool_error(message)
    return finder.cause


def job_cause(status: str, stages: list[dict], message: str = "") -> str | None:
    """Why a finished job failed, for lists and ``--json``: its failed stage's cause
    (its detail for jobs recorded before causes were), or the job's own message when no
    stage ran (the project could not be read). None for a job that did not fail."""
    if status not in ("failed", "lost"):
        return None
    for stage in stages:
        if stage.get("state") == "failed":
            return stage.get("cause") or re.sub(r"^exit code \d+: ", "", stage.get("detail") or "") or None
    if status == "lost":
        return "the build's runner stopped without saying why (killed, or the machine restarted)"
    return one_line(message) if message else None
