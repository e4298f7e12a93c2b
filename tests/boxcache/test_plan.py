"""The prune plan keeps the newest N, everything in use or doubtful, and pins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gaev_tui.boxcache import UNKNOWN_KEPT, plan_prune
from gaev_tui.boxcache.model import Box

NOW = datetime(2025, 6, 1, tzinfo=UTC)


def b(name, version, provider="libvirt", arch=None, size=100, days=30, **kw):
    return Box(name, version, provider, arch, path=f"/c/{name}/{version}", size_bytes=size,
               added=NOW - timedelta(days=days), **kw)


def names(items):
    return [(i.box.name, i.box.version, i.box.provider, i.box.architecture) for i in items]


def test_keep_newest_per_name_provider_arch():
    boxes = [b("a", "1.0"), b("a", "1.10"), b("a", "1.9"), b("a", "1.0", "virtualbox"),
             b("m", "1", arch="amd64"), b("m", "2", arch="amd64"), b("m", "1", arch="arm64")]
    plan = plan_prune(boxes, now=NOW)
    assert names(plan.remove) == [("a", "1.0", "libvirt", None), ("a", "1.9", "libvirt", None),
                                  ("m", "1", "libvirt", "amd64")]
    assert plan.reclaim_bytes == 300
    assert len(plan.keep) == 4
    plan2 = plan_prune(boxes, keep=2, now=NOW)
    assert names(plan2.remove) == [("a", "1.0", "libvirt", None)]


def test_in_use_unknown_and_pinned_are_kept_even_with_keep_zero():
    boxes = [b("a", "1", in_use=True, used_by=["default (/p)"]), b("a", "2", in_use=None),
             b("a", "3", pinned=True), b("a", "4")]
    plan = plan_prune(boxes, keep=0, now=NOW)
    assert names(plan.remove) == [("a", "4", "libvirt", None)]
    reasons = {i.box.version: i.reason for i in plan.keep}
    assert reasons == {"1": "in use by default (/p)", "2": UNKNOWN_KEPT, "3": "pinned"}


def test_older_than_and_provider_filters():
    boxes = [b("a", "1", days=100), b("a", "2", days=5), b("a", "3", days=1),
             b("v", "1", "virtualbox", days=100), b("v", "2", "virtualbox")]
    plan = plan_prune(boxes, older_than_days=30, now=NOW)
    assert names(plan.remove) == [("a", "1", "libvirt", None), ("v", "1", "virtualbox", None)]
    plan = plan_prune(boxes, provider="virtualbox", now=NOW)
    assert names(plan.remove) == [("v", "1", "virtualbox", None)]
    assert {i.reason for i in plan.keep if i.box.version in ("1", "2") and i.box.name == "a"} == {
        "provider is not virtualbox"}


def test_json_shape_and_bad_keep():
    plan = plan_prune([b("a", "1"), b("a", "2")], now=NOW)
    out = plan.to_json()
    assert set(out) == {"remove", "keep", "reclaim_bytes"} and out["reclaim_bytes"] == 100
    for field in ("name", "version", "provider", "architecture", "size_bytes", "in_use",
                  "outdated", "path", "reason"):
        assert field in out["remove"][0]
    with pytest.raises(ValueError):
        plan_prune([], keep=-1)
