"""The ReplicaSet controller's short way for a pod event that keeps the pod's ownerReferences and
labels objects (a binding, a status patch) leaves it exactly where the general way does: the same
owned pods in the same order (a scale-down's order), orphans, owners, tallies and work queue,
through random creates, bindings, status patches, relabels, owner changes, deletions (with and
without finalizers) and re-creates, with tallies built before and after the pods came."""

from __future__ import annotations

import copy
import random

from k8slab.api.errors import APIError
from k8slab.api.store import Store
from k8slab.components.replicaset import ReplicaSetController

SEL = {"app": "web"}


class General(ReplicaSetController):
    def _same_owner(self, key, obj, old, ns):   # always the general way
        return False


def state(c: ReplicaSetController):
    return ({u: list(p.items()) for u, p in c.owned.items()}, {n: dict(p) for n, p in c.orphans.items()},
            dict(c.pod_owner),
            {u: (t.active, t.full, t.ready, t.unmatched, dict(t.flags)) for u, t in c.tallies.items()},
            list(c.queue))


def replicaset(name, labels):
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": name},
            "spec": {"replicas": 1, "selector": {"matchLabels": SEL},
                     "template": {"metadata": {"labels": labels},
                                  "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}


def test_short_way_equals_the_general_one():
    rng = random.Random(7)
    store = Store(clock=lambda: 0, dispatch="manual")
    fast, general = ReplicaSetController(), General()
    for c in (fast, general):
        c.store = store
    sets = [store.create(replicaset(f"rs{i}", dict(SEL, tier=str(i)))) for i in range(3)]

    def tally_all():
        for c in (fast, general):
            for r in sets:
                c._tally(r, c.selectors["default"][r["metadata"]["name"]], r["metadata"]["uid"])

    for c in (fast, general):
        for resource in ("replicasets", "pods"):
            store.watch(c.on_event, resource=resource, send_initial=True)
    store.dispatch()
    tally_all()
    hits = 0
    orig = fast._same_owner

    def counting(*a):
        nonlocal hits
        done = orig(*a)
        hits += done
        return done
    fast._same_owner = counting

    def ref(r):
        return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": r["metadata"]["name"],
                "uid": r["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}

    for step in range(1500):
        pods = store.list("pods", "default")
        op = rng.random()
        try:
            if op < 0.2 or not pods:
                meta = {"name": f"p{rng.randrange(60)}", "labels": rng.choice([SEL, dict(SEL, tier="1"), {"a": "b"}])}
                if rng.random() < 0.8:
                    meta["ownerReferences"] = [ref(rng.choice(sets))]
                if rng.random() < 0.2:
                    meta["finalizers"] = ["example.com/hold"]
                store.create({"apiVersion": "v1", "kind": "Pod", "metadata": meta,
                              "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
            else:
                p = rng.choice(pods)
                name = p["metadata"]["name"]
                if op < 0.35 and not p["spec"].get("nodeName"):
                    store.bind(name, f"n{rng.randrange(3)}")
                elif op < 0.65:
                    cond = {"type": "Ready", "status": rng.choice(["True", "False"])}
                    store.patch("pods", name, {"status": {"phase": rng.choice(["Pending", "Running", "Failed"]),
                                                          "conditions": [cond]}}, subresource="status")
                elif op < 0.75:
                    new = copy.deepcopy(p)
                    new["metadata"]["labels"] = rng.choice([SEL, {"a": "b"}, dict(SEL, tier="2")])
                    store.update(new)
                elif op < 0.85:
                    new = copy.deepcopy(p)
                    new["metadata"]["ownerReferences"] = rng.choice([[], [ref(rng.choice(sets))]])
                    store.update(new)
                elif op < 0.93:
                    store.delete("pods", name)
                else:
                    store.patch("pods", name, {"metadata": {"finalizers": None}})
        except APIError:   # a taken name, a bound pod: the store refuses, both see nothing
            pass
        store.dispatch()
        if step == 700:
            for c in (fast, general):
                c.tallies.clear()
            tally_all()
        assert state(fast) == state(general), step
        if rng.random() < 0.1:
            for c in (fast, general):
                c.queue.clear()
                c.queued.clear()
    assert hits > 200
