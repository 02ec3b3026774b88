"""``Scheduler.default_selector`` (the pod's Services' selectors merged, then its controlling apps/
ReplicaSet's selector) against a plain reading of the rule, for pods with and without labels,
Services that select them or not, and owner references of every sort (none, not controlling,
another kind or group, a controller after a non-controller, two controllers)."""

import random
from types import SimpleNamespace

from k8slab.api.labels import Requirement
from k8slab.components.scheduler import Scheduler


def _plain(sched, pod):
    meta = pod["metadata"]
    ns, labels = meta.get("namespace", ""), meta.get("labels") or {}
    merged = {}
    for (sns, _), sel in sorted(sched._services.items()):
        if sns == ns and sel and all(labels.get(a) == b for a, b in sel.items()):
            merged.update(sel)
    reqs = [Requirement(k, "=", [v]) for k, v in sorted(merged.items())]
    owners = [r for r in meta.get("ownerReferences") or [] if r.get("controller")]
    if owners and owners[0].get("kind") == "ReplicaSet" and str(owners[0].get("apiVersion", "")).startswith("apps/"):
        reqs += list(sched._rs_selectors.get((ns, owners[0].get("name")), ()))
    return tuple(reqs)


def _event(type_, obj):
    return SimpleNamespace(type=type_, object=obj)


def test_default_selector_matches_the_plain_rule():
    rng = random.Random(7)
    sched = Scheduler()
    for ns in ("default", "other"):
        for name, sel in (("web", {"app": "web"}), ("web-a", {"app": "web", "tier": "a"}),
                          ("db", {"app": "db"}), ("none", {})):
            sched._service_event(_event("ADDED", {"metadata": {"name": name, "namespace": ns},
                                                  "spec": {"selector": sel}}))
        sched._rs_selectors[(ns, "rs1")] = (Requirement("app", "=", ["web"]), Requirement("h", "=", ["1"]))
        sched._rs_selectors[(ns, "rs2")] = (Requirement("tier", "in", ["a", "b"]),)
    owner_kinds = [
        {"kind": "ReplicaSet", "apiVersion": "apps/v1", "name": "rs1", "controller": True},
        {"kind": "ReplicaSet", "apiVersion": "apps/v1", "name": "rs2", "controller": True},
        {"kind": "ReplicaSet", "apiVersion": "apps/v1", "name": "rs1"},
        {"kind": "ReplicaSet", "apiVersion": "extensions/v1beta1", "name": "rs1", "controller": True},
        {"kind": "StatefulSet", "apiVersion": "apps/v1", "name": "rs1", "controller": True},
        {"kind": "ReplicaSet", "apiVersion": "apps/v1", "name": "gone", "controller": True},
    ]
    for _ in range(500):
        labels = {k: rng.choice(vals) for k, vals in (("app", ["web", "db"]), ("tier", ["a", "b"]), ("h", ["1"]))
                  if rng.random() < 0.6}
        meta = {"name": "p", "namespace": rng.choice(["default", "other"])}
        if labels or rng.random() < 0.5:
            meta["labels"] = labels
        if rng.random() < 0.8:
            meta["ownerReferences"] = [rng.choice(owner_kinds) for _ in range(rng.randrange(3))]
        pod = {"metadata": meta}
        got, want = sched.default_selector(pod), _plain(sched, pod)
        assert [(r.key, r.op, tuple(r.values)) for r in got] == [(r.key, r.op, tuple(r.values)) for r in want]
