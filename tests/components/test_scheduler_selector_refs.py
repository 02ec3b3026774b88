"""The scheduler's reverse indexes hold the selectors' counts themselves (no key to hash and look up
again): through random pod creates and deletes under three Services, nodes added, deleted and moved
between zones, each node's selectors are exactly those counting pods on it, every selector is
filed once under its anchor label (or its namespace when it has none), and each kept group and
zone count is what building them anew from the counts gives."""

from __future__ import annotations

import random

from components_kube import kind_store, loop_with, node, pod

from k8slab.components.scheduler import ZONE, Scheduler
from tests.components.test_scheduler_deleted_node import rebuilt

SELECTORS = [{"app": "web"}, {"tier": "a"}, {"app": "web", "tier": "b"}]
LABELS = [{"app": "web"}, {"app": "web", "tier": "a"}, {"app": "web", "tier": "b"}, {"tier": "a"}, {"app": "db"}]


def _check(sched: Scheduler) -> None:
    want: dict = {}
    for sc in sched._selectors.values():
        for n in sc.nodes:
            want.setdefault(n, set()).add(id(sc))
        if sc.groups is not None:
            assert sc.groups == rebuilt(sched, sc)
        zones: dict = {}
        for n, cnt in sc.nodes.items():
            info = sched.nodes.get(n)
            if info is not None and info.zone is not None:
                zones[info.zone] = zones.get(info.zone, 0) + cnt
        assert {z: c for z, c in sc.zones.items() if c} == zones   # a zone left may keep a 0
    assert {n: {id(sc) for sc in held} for n, held in sched._node_selectors.items()} == want
    filed = [sc for scs in sched._anchors.values() for sc in scs] + \
        [sc for scs in sched._unanchored.values() for sc in scs]
    assert sorted(map(id, filed)) == sorted(map(id, sched._selectors.values()))


def test_reverse_indexes_hold_the_counts_they_name():
    for seed in range(3):
        rng = random.Random(seed)
        store, _ = kind_store(workers=4)
        sched = Scheduler("kind-control-plane", random.Random(seed))
        loop = loop_with(store, sched)
        for i, sel in enumerate(SELECTORS):
            store.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": f"s{i}", "namespace": "default"},
                          "spec": {"selector": sel, "ports": [{"port": 80}]}})
        names: list = []
        for step in range(160):
            r = rng.random()
            workers = [n["metadata"]["name"] for n in store.list("nodes")
                       if n["metadata"]["name"] != "kind-control-plane"]
            if r < 0.05 and len(workers) > 2:
                store.delete("nodes", rng.choice(workers))
            elif r < 0.1:
                store.create(node(f"extra{step}"))
            elif r < 0.18:
                store.patch("nodes", rng.choice(workers), {"metadata": {"labels": {ZONE: rng.choice(["z1", "z2"])}}})
            elif r < 0.35 and names:
                store.delete("pods", names.pop(rng.randrange(len(names))), "default")
            else:
                store.create(pod(f"p-{step}", dict(rng.choice(LABELS))))
                names.append(f"p-{step}")
            loop.settle()
            _check(sched)
        assert sched._node_selectors and len(sched._selectors) > 1
