"""The local Vagrant box cache: an index with real sizes, in-use and outdated flags,
GAEV's own records and pins, a prune planner, and removal through Vagrant itself.

No UI here: the ``gaev boxes`` command and the Box cache screen both build on it.
"""

from gaev_tui.boxcache.index import BoxIndex, build_index, disk_usage
from gaev_tui.boxcache.model import UNKNOWN_KEPT, Box, CacheWarning
from gaev_tui.boxcache.plan import Plan, PlanItem, plan_prune

__all__ = [
    "UNKNOWN_KEPT",
    "Box",
    "BoxIndex",
    "CacheWarning",
    "Plan",
    "PlanItem",
    "build_index",
    "disk_usage",
    "plan_prune",
]
