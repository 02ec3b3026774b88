"""A node deleted while pods still count on it leaves its bucket's spread groups too: its pods count in the
groups of no bucket (as for a node not known) until they go, so no later pod is bound to the deleted node, and
the kept groups stay what building them anew from the counts gives."""

from __future__ import annotations

import random

from components_kube import kind_store, loop_with, node, pod

from k8slab.components.scheduler import Scheduler

SERVICE = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "default"},
           "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}}


def rebuilt(sched: Scheduler, sc) -> dict:
    """The groups ``Scheduler._activate`` would build for ``sc`` from its counts now."""
    want: dict = {}
    for n, cnt in sc.nodes.items():
        info = sched.nodes.get(n)
        want.setdefault(info.bucket if info is not None else None, {}).setdefault(cnt, []).append(n)
    return {bk: {c: sorted(v) for c, v in g.items()} for bk, g in want.items()}


def test_no_pod_is_bound_to_a_deleted_node():
    for seed in range(12):
        store, _ = kind_store(workers=4)
        sched = Scheduler("kind-control-plane", random.Random(seed))
        loop = loop_with(store, sched)
        store.create(SERVICE)
        for i in range(8):
            store.create(pod(f"web-{i}", {"app": "web"}))
            loop.settle()
        assert any(p["spec"].get("nodeName") == "kind-worker2" for p in store.list("pods", "default"))
        store.delete("nodes", "kind-worker2")
        loop.settle()
        for i in range(8, 40):
            store.create(pod(f"web-{i}", {"app": "web"}))
            loop.settle()
            assert store.get("pods", f"web-{i}", "default")["spec"]["nodeName"] != "kind-worker2"


def test_groups_stay_those_built_anew_through_node_deletions():
    rng = random.Random(11)
    store, _ = kind_store(workers=5)
    sched = Scheduler("kind-control-plane", random.Random(2))
    loop = loop_with(store, sched)
    store.create(SERVICE)
    names: list = []
    checked = 0
    for step in range(250):
        r = rng.random()
        workers = [n["metadata"]["name"] for n in store.list("nodes") if n["metadata"]["name"] != "kind-control-plane"]
        if r < 0.06 and len(workers) > 2:
            store.delete("nodes", rng.choice(workers))
        elif r < 0.1:
            name = f"extra{step}"
            store.create(node(name))
        elif r < 0.3 and names:
            store.delete("pods", names.pop(rng.randrange(len(names))), "default")
        else:
            store.create(pod(f"web-{step}", {"app": "web"}))
            names.append(f"web-{step}")
        loop.settle()
        for sc in sched._selectors.values():
            if sc.groups is not None:
                assert sc.groups == rebuilt(sched, sc)
                checked += 1
    assert checked > 100
