"""A node's next bucket when a pod is accounted on it is taken from its bucket's ``after`` (where a node of it
went with the same requests pair) while that bucket has nodes. Through random pods of several asks (host
ports, an extended resource, none), deletions, finished pods and nodes added, relabelled and deleted, every
node stays in the bucket filed under its class and state worked out afresh, every filed bucket holds
exactly its nodes, and placements equal those of a scheduler that works every bucket out afresh (fails when
the step is taken from a dropped bucket or without the pair)."""

from __future__ import annotations

import random

from components_kube import kind_store, loop_with, node, pod

from k8slab.api.meta import clone
from k8slab.components.scheduler import Bucket, Scheduler

ASKS = [None, {"cpu": "100m"}, {"memory": "64Mi"}, {"cpu": "100m"}, {"example.com/gpu": "1"}]


class _Afresh(Scheduler):
    """The general way: no step is ever remembered."""

    def _account(self, *args, **kwargs):
        super()._account(*args, **kwargs)
        for b in self.buckets.values():
            b.after.clear()


def _check(sched):
    filed: dict = {}
    for name, info in sched.nodes.items():
        key = (info.class_id, info.state_key())
        assert info.bucket.key == key and sched.buckets[key] is info.bucket, name
        filed.setdefault(id(info.bucket), set()).add(name)
    for b in sched.buckets.values():
        assert isinstance(b, Bucket) and set(b.names) == filed[id(b)] and len(b.names) == len(b.pos)


def _run(cls, seed):
    rng = random.Random(seed)
    store, _ = kind_store(workers=4, seed=seed)
    for n in store.list("nodes"):
        alloc = dict(n["status"]["allocatable"], **{"example.com/gpu": "4"})
        store.update(dict(n, status=dict(n["status"], allocatable=alloc)), subresource="status", validate=False)
    sched = cls("kind-control-plane", random.Random(seed))
    loop = loop_with(store, sched)
    names: list = []
    for step in range(140):
        r = rng.random()
        workers = [n["metadata"]["name"] for n in store.list("nodes") if n["metadata"]["name"] != "kind-control-plane"]
        if r < 0.04 and len(workers) > 2:
            store.delete("nodes", rng.choice(workers))
        elif r < 0.08:
            store.create(node(f"extra{step}", labels={"pool": rng.choice(["a", "b"])}))
        elif r < 0.1:
            n = clone(store.get("nodes", rng.choice(workers)))
            n["metadata"]["labels"]["pool"] = rng.choice(["a", "b", "c"])
            store.update(n)
        elif r < 0.25 and names:
            store.delete("pods", names.pop(rng.randrange(len(names))), "default")
        elif r < 0.3 and names:
            p = clone(store.get("pods", rng.choice(names)))
            p["status"] = {"phase": "Succeeded"}
            store.update(p, subresource="status")
        else:
            p = pod(f"p{step}", {"app": "web"}, requests=rng.choice(ASKS))
            if rng.random() < 0.15:
                p["spec"]["containers"][0]["ports"] = [{"containerPort": 80, "hostPort": 8000 + rng.randrange(2)}]
            store.create(p)
            names.append(f"p{step}")
        loop.settle()
        _check(sched)
    return [(p["metadata"]["name"], p["spec"].get("nodeName")) for p in store.list("pods", "default")]


def test_bucket_steps_keep_buckets_and_placements():
    for seed in range(4):
        assert _run(Scheduler, seed) == _run(_Afresh, seed)


def test_a_step_to_a_dropped_bucket_is_not_taken():
    """kind-worker4 keeps the empty state's bucket alive while the bucket one pod up is dropped and another
    made under its key: the remembered step then points at the dropped one and must not be taken."""
    store, _ = kind_store(workers=4)
    sched = Scheduler()
    loop = loop_with(store, sched)

    def bound(name, node_name):
        store.create(pod(name, requests={"cpu": "100m"}, nodeName=node_name))
        loop.settle()
        _check(sched)

    bound("p1", "kind-worker")
    bound("p2", "kind-worker2")       # the step remembered for p1 taken
    bound("p3", "kind-worker3")
    bound("p4", "kind-worker3")
    for name in ("p1", "p2", "p4"):   # one pod up is dropped; kind-worker3 comes back to a new one
        store.delete("pods", name)
        loop.settle()
        _check(sched)
    bound("p5", "kind-worker")
    assert sched.nodes["kind-worker"].bucket is sched.nodes["kind-worker3"].bucket
