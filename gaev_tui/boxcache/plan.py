"""The prune plan: what goes, what stays and why. Always computed before any removal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from gaev_tui.boxcache import versions
from gaev_tui.boxcache.model import UNKNOWN_KEPT, Box


@dataclass
class PlanItem:
    """A box and the reason it is kept or removed."""

    box: Box
    reason: str

    def to_json(self) -> dict:
        return {**self.box.to_json(), "reason": self.reason}


@dataclass
class Plan:
    """Boxes to remove and to keep; ``reclaim_bytes`` is what removing frees."""

    remove: list[PlanItem] = field(default_factory=list)
    keep: list[PlanItem] = field(default_factory=list)

    @property
    def reclaim_bytes(self) -> int:
        return sum(item.box.size_bytes for item in self.remove)

    def to_json(self) -> dict:
        """``{"remove": [...], "keep": [...], "reclaim_bytes": N}`` as ``prune --json`` prints."""
        return {
            "remove": [i.to_json() for i in self.remove],
            "keep": [i.to_json() for i in self.keep],
            "reclaim_bytes": self.reclaim_bytes,
        }


def _protected(box: Box) -> str | None:
    """Why ``box`` may never be pruned, or None."""
    if box.in_use is True:
        return "in use by " + ", ".join(box.used_by)
    if box.in_use is None:
        return UNKNOWN_KEPT + (" (" + ", ".join(box.used_by) + ")" if box.used_by else "")
    if box.pinned:
        return "pinned"
    return None


def plan_prune(boxes: list[Box], keep: int = 1, older_than_days: float | None = None,
               provider: str | None = None, now: datetime | None = None) -> Plan:
    """Keep the newest ``keep`` versions per name/provider/architecture, boxes in use or
    maybe in use, and pinned ones; remove the rest, optionally only those added more than
    ``older_than_days`` ago or only of one ``provider``.
    """
    if keep < 0:
        raise ValueError("keep must be >= 0")
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(days=older_than_days) if older_than_days is not None else None
    groups: dict[tuple, list[Box]] = {}
    for box in boxes:
        groups.setdefault((box.name, box.provider, box.architecture), []).append(box)
    plan = Plan()
    for group in groups.values():
        group.sort(key=lambda b: versions.sort_key(b.version), reverse=True)
        for rank, box in enumerate(group):
            reason = _protected(box)
            if reason:
                plan.keep.append(PlanItem(box, reason))
            elif rank < keep:
                plan.keep.append(PlanItem(box, f"newest {keep}" if keep > 1 else "newest"))
            elif provider is not None and box.provider != provider:
                plan.keep.append(PlanItem(box, f"provider is not {provider}"))
            elif cutoff is not None and (box.added is None or box.added > cutoff):
                plan.keep.append(PlanItem(box, f"added less than {older_than_days:g} days ago"))
            else:
                plan.remove.append(PlanItem(box, f"older than the newest {keep}"))
    order = lambda item: (item.box.name, item.box.provider, item.box.architecture or "",  # noqa: E731
                          versions.sort_key(item.box.version))
    plan.remove.sort(key=order)
    plan.keep.sort(key=order)
    return plan
