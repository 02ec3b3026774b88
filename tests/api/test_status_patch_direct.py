"""A status-subresource patch merges the patch's status straight onto the stored status: the same
result (values and key order) as merging ``{"status": ...}`` onto ``{"status": ...}``, for both
patch types, with and without copying, whatever the stored and patched statuses are (maps,
keyed lists, lists, scalars, None, missing). And strategic merge copies what it takes from the
patch, or takes it as it is with ``copy=False``, with the same result either way."""

from __future__ import annotations

import json
import random

from k8slab.api.meta import clone
from k8slab.api.patch import strategic_merge_patch
from k8slab.api.resources import lookup
from k8slab.api.store import Store

POD = lookup("pods")


def value(rng, depth=0):
    r = rng.random()
    if depth > 2 or r < 0.3:
        return rng.choice([None, 1, "x", True, "Running", 0])
    if r < 0.55:
        return [value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    if r < 0.75:   # a keyed list (conditions by type)
        return [{"type": rng.choice("ABC"), "status": rng.choice([None, "True", "False"]),
                 "reason": value(rng, depth + 1)} for _ in range(rng.randint(0, 3))]
    return {rng.choice(["phase", "conditions", "podIP", "a", "b"]): value(rng, depth + 1)
            for _ in range(rng.randint(0, 4))}


def status(rng):
    keys = ["phase", "qosClass", "conditions", "containerStatuses", "podIP", "hostIPs", "x"]
    return {k: value(rng, 1) for k in rng.sample(keys, rng.randint(0, len(keys)))}


def ordered(v) -> str:
    return json.dumps(v)   # key order included


def test_direct_status_merge_equals_the_wrapped_one():
    rng = random.Random(5)
    for _ in range(3000):
        old = {}
        r = rng.random()
        if r < 0.7:
            old["status"] = status(rng)
        elif r < 0.8:
            old["status"] = value(rng)
        patched = status(rng) if rng.random() < 0.8 else value(rng)
        for patch_type in ("strategic", "merge"):
            for keep in (True, False):
                for copy in (True, False):
                    want = Store._merge(POD, {"status": old["status"]} if "status" in old else {},
                                        {"status": patched}, patch_type, keep, copy).get("status")
                    got = Store._merge_status(POD, old.get("status"), patched, patch_type, keep, copy)
                    assert ordered(got) == ordered(want), (old, patched, patch_type, keep, copy)


def _ids(v, out):
    """The ids of the lists and dicts inside ``v``."""
    if isinstance(v, (dict, list)):
        out.add(id(v))
        for x in (v.values() if isinstance(v, dict) else v):
            _ids(x, out)
    return out


def test_strategic_merge_copies_or_takes_the_patch_values():
    rng = random.Random(9)
    for _ in range(3000):
        target, patch = status(rng), status(rng)
        for keep in (True, False):
            taken = strategic_merge_patch(target, clone(patch), kind="Pod", keep_unlisted=keep, copy=False)
            copied = strategic_merge_patch(target, patch, kind="Pod", keep_unlisted=keep, copy=True)
            assert ordered(taken) == ordered(copied)
            # a copy shares no list or dict with the patch; what is not merged is the patch's own when taken
            assert not (_ids(copied, set()) - _ids(target, set())) & _ids(patch, set())
        for k, v in patch.items():
            if isinstance(v, list) and not isinstance(target.get(k), list):
                assert strategic_merge_patch(target, patch, kind="Pod", copy=False)[k] is v


def test_status_patch_through_the_store():
    store = Store(clock=lambda: 0)
    store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                  "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    st = {"conditions": [{"type": "Ready", "status": "True"}], "phase": "Running", "podIP": "10.0.0.1"}
    new = store.patch("pods", "p", {"status": st}, subresource="status")
    assert list(new["status"]) == ["phase", "qosClass", "conditions", "podIP"]
    assert new["status"]["phase"] == "Running" and new["status"]["conditions"] == st["conditions"]
    gone = store.patch("pods", "p", {"status": None}, subresource="status", patch_type="merge")
    assert gone["status"] is None
