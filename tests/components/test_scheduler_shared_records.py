"""The scheduler files each pod's record by the pod's uid, and a pod counted and accounted on a node gets the
node's last such record when it is equal (same labels object, same node, same requests pair): the pods of a
template on a node share one. Through random creates (labels objects shared between pods, as a ReplicaSet's
pods share its template's, or their own), asks, relabels, finishes, deletes and pods recreated under a gone
pod's name, every pod's record is what its last event says (fails when the shared record is taken without
comparing its labels or its pair), records go with their pods, and sharing does happen."""

from __future__ import annotations

import random

from components_kube import kind_store, loop_with, pod

from k8slab.api.meta import clone
from k8slab.components.scheduler import NodeInfo, Scheduler

LABELS = [{"app": "web"}, {"app": "web", "tier": "a"}, {"app": "db"}]
ASKS = [None, {"cpu": "100m"}, {"memory": "64Mi"}]


def _check(store, sched):
    pods = store.list("pods", "default")
    for p in pods:
        meta, spec, status = p["metadata"], p["spec"], p.get("status") or {}
        rec = sched._pods[meta["uid"]]
        node = spec.get("nodeName")
        finished = status.get("phase") in ("Succeeded", "Failed")
        assert rec[0] == (meta.get("labels") or {}), meta["name"]
        assert rec[1] == (node if node and not finished else None), meta["name"]
        if node and not finished:
            assert rec[2] is sched.nodes[node] and rec[3] is sched._asks(spec), meta["name"]
        else:
            assert rec[2] is None and rec[3] is None, meta["name"]
    assert len(sched._pods) == len(pods)
    return {id(sched._pods[p["metadata"]["uid"]]) for p in pods}


def test_records_by_uid_shared_per_node():
    shared_seen = False
    for seed in range(4):
        rng = random.Random(seed)
        store, _ = kind_store(workers=3, seed=seed)
        sched = Scheduler()
        loop = loop_with(store, sched)
        names: list = []
        for step in range(160):
            r = rng.random()
            if r < 0.55 or not names:
                name = f"p{rng.randrange(60)}"
                if name in names:
                    continue
                labels = rng.choice(LABELS) if rng.random() < 0.8 else {"app": rng.choice(["web", "db"])}
                p = pod(name, requests=rng.choice(ASKS))
                p["metadata"]["labels"] = labels   # the object itself, as a burst of a template's pods
                store.create(p, validate=False, copy=False)
                names.append(name)
            elif r < 0.7:
                p = clone(store.get("pods", rng.choice(names)))
                p["metadata"]["labels"] = rng.choice(LABELS)
                store.update(p)
            elif r < 0.8:
                p = clone(store.get("pods", rng.choice(names)))
                if p["spec"].get("nodeName"):
                    p["status"] = {"phase": rng.choice(["Succeeded", "Failed", "Running"])}
                    store.update(p, subresource="status")
            else:
                name = rng.choice(names)
                store.delete("pods", name)
                names.remove(name)
            if step % 7 == 0:
                loop.settle()
                ids = _check(store, sched)
                shared_seen = shared_seen or len(ids) < len(names)
        loop.settle()
        _check(store, sched)
        assert all(isinstance(info.record[2], NodeInfo) or info.record[2] is None for info in sched.nodes.values())
    assert shared_seen
