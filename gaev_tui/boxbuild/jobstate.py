"""The schema of a job's ``state.json``, checked on every load.

A small typed checker rather than a schema library: the state is GAEV's own flat
record, and the one thing that matters is that no field of a wrong shape or type
reaches the code that turns it into a path, a pid to signal or a table cell. Unknown
keys are ignored (a newer GAEV may add some); a missing or wrong one makes the whole
file unusable, and the caller reports it for that job only.
"""

from __future__ import annotations

from gaev_tui.boxbuild.machine import Machine

STATUSES = ("starting", "running", "ok", "failed", "cancelled")
STAGE_STATES = ("pending", "running", "ok", "failed", "cancelled", "skipped")
_NUMBER, _INT, _STR, _BOOL = "number", "integer", "string", "boolean"

# field: (kind, may be null)
_STATE = {
    "id": (_STR, False), "project": (_STR, False), "name": (_STR, False), "provider": (_STR, False),
    "status": (_STR, False), "created": (_NUMBER, False), "finished": (_NUMBER, True),
    "pid": (_INT, True), "pid_start": (_STR, True), "detached": (_BOOL, False),
    "keep_vm": (_BOOL, False), "message": (_STR, False), "stages": ("list", False),
    "machine": ("object", True),
}
_STAGE = {
    "id": (_STR, False), "title": (_STR, False), "argv": ("strings", True), "env": ("env", False),
    "tool": (_STR, False), "cwd": (_STR, False), "cleanup": (_BOOL, False), "state": (_STR, False),
    "started_at": (_NUMBER, True), "duration": (_NUMBER, True), "detail": (_STR, False),
    "log_line": (_INT, True),
}
_REQUIRED = ("id", "project", "name", "provider", "status", "created")
MAX_STAGES = 64


def _is(kind: str, value: object) -> bool:
    if kind == _BOOL:
        return isinstance(value, bool)
    if isinstance(value, bool):  # True is an int to Python, never to this schema
        return False
    if kind == _INT:
        return isinstance(value, int)
    if kind == _NUMBER:
        return isinstance(value, (int, float)) and value == value and abs(value) < 1e12
    if kind == _STR:
        return isinstance(value, str)
    if kind == "list":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict)
    if kind == "strings":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == "env":
        return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
    raise AssertionError(kind)


def _fields(data: dict, schema: dict, where: str) -> str | None:
    for key, (kind, nullable) in schema.items():
        if key not in data:
            continue
        value = data[key]
        if value is None and nullable:
            continue
        if not _is(kind, value):
            return f"{where}'{key}' must be {'null or ' if nullable else ''}{'an' if kind[0] in 'aeio' else 'a'} {kind}"
    return None


def check_state(data: object, job_id: str) -> str | None:
    """Why ``data`` (a parsed ``state.json`` found under ``job_id``) is unusable, or None."""
    if not isinstance(data, dict):
        return "not a JSON object"
    missing = [k for k in _REQUIRED if k not in data]
    if missing:
        return "missing " + ", ".join(f"'{k}'" for k in missing)
    problem = _fields(data, _STATE, "")
    if problem:
        return problem
    if data["id"] != job_id:
        return f"'id' is {data['id']!r}, not the directory's name"
    if data["status"] not in STATUSES:
        return f"'status' {data['status']!r} is not one of {', '.join(STATUSES)}"
    if isinstance(data.get("pid"), int) and data["pid"] <= 0:
        return "'pid' must be a positive integer"
    stages = data.get("stages", [])
    if len(stages) > MAX_STAGES:
        return f"more than {MAX_STAGES} stages"
    for n, stage in enumerate(stages):
        if not isinstance(stage, dict):
            return f"stages[{n}] must be an object"
        problem = _fields(stage, _STAGE, f"stages[{n}].")
        if problem:
            return problem
        if "id" not in stage or "title" not in stage:
            return f"stages[{n}] needs 'id' and 'title'"
        if stage.get("state", "pending") not in STAGE_STATES:
            return f"stages[{n}].state {stage['state']!r} is not a stage state"
    if data.get("machine") is not None:
        try:
            Machine.from_dict(data["machine"])
        except ValueError as exc:
            return str(exc)
    return None
