"""A Pod status write whose status has its phase and qosClass skips defaulting
(``store._status_defaulted``): the objects stored equal those of a store that always defaults, for
status patches and updates of every shape (phase, qosClass, both or neither, an empty, a null or a
non-map status, merge and strategic patches) on pods with and without a spec of their own."""

from __future__ import annotations

import copy
import random

from k8slab.api import defaults
from k8slab.api import store as store_module
from k8slab.api.store import Store

from .test_bind_defaults import a_pod


def a_status(rng):
    r = rng.random()
    if r < 0.08:
        return None
    if r < 0.12:
        return rng.choice([[], "x", 3])
    status = {}
    if rng.random() < 0.6:
        status["phase"] = rng.choice(["Pending", "Running", "Succeeded"])
    if rng.random() < 0.6:
        status["qosClass"] = rng.choice(["BestEffort", "Burstable", "Guaranteed"])
    if rng.random() < 0.5:
        status["conditions"] = [{"type": "Ready", "status": rng.choice(["True", "False"])}]
    if rng.random() < 0.3:
        status["podIP"] = f"10.0.0.{rng.randrange(256)}"
    return status


def _writes(store, rng, n):
    """Random pods, each taking a few random status writes; what is stored after each."""
    seen = []
    for i in range(n):
        pod = a_pod(rng, i)
        if rng.random() < 0.05:
            del pod["spec"]
        store.create(pod, validate=False)
        for _ in range(rng.randrange(1, 4)):
            status = a_status(rng)
            how = rng.choice(["strategic", "merge", "update"])
            if how == "update":
                new = copy.deepcopy(store.get("pods", f"p{i}"))
                new["status"] = status
                written = store.update(new, subresource="status", validate=False)
            else:
                written = store.patch("pods", f"p{i}", {"status": status}, patch_type=how, subresource="status",
                                      validate=False)
            seen.append(copy.deepcopy(written))
    return seen


def test_status_writes_store_what_defaulting_would(monkeypatch):
    answers = []
    check = store_module._status_defaulted
    monkeypatch.setattr(store_module, "_status_defaulted", lambda res, status: answers.append(check(res, status))
                        or answers[-1])
    fast = _writes(Store(clock=lambda: 0, seed=4), random.Random(5), 400)
    monkeypatch.setattr(store_module, "_status_defaulted", lambda res, status: False)
    general = _writes(Store(clock=lambda: 0, seed=4), random.Random(5), 400)
    assert fast == general
    assert answers.count(True) > 200 and answers.count(False) > 100   # both ways taken, many times


def test_skipped_only_when_defaulting_changes_nothing():
    rng = random.Random(6)
    pod_res = store_module.lookup("pods")
    for i in range(2000):
        pod = a_pod(rng, i)
        defaults.apply_defaults(pod)
        stored = copy.deepcopy(pod)
        new = dict(stored, status=a_status(rng))
        again = copy.deepcopy(new)
        defaults.apply_defaults(again, stored)
        if store_module._status_defaulted(pod_res, new["status"]):
            assert again == new
    for kind in ("Deployment", "ReplicaSet", "Service", "Namespace", "Node"):
        res = store_module.lookup(kind)
        assert not store_module._status_defaulted(res, {"phase": "Pending", "qosClass": "BestEffort"})
