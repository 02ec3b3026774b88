"""The scheduler's per-selector groups find a node by its rank (its place among the node names in name order)
instead of its name: through nodes added with names that sort anywhere, pods bound by hand to nodes not known
yet, pods deleted and nodes deleted, every group stays in name order with its ranks alongside, and the ranks
order the names as the names themselves do."""

from __future__ import annotations

import random

from components_kube import kind_store, loop_with, node, pod

from k8slab.components.scheduler import Scheduler


def check_groups(sched: Scheduler) -> int:
    """Assert every kept group is sorted by name, one entry per node, with its ranks alongside, and agrees with
    the counts; return how many nodes the groups hold."""
    rank = sched._rank
    ranked = sorted(rank, key=rank.__getitem__)
    assert ranked == sorted(ranked)                        # the ranks order the names as the names do
    held = 0
    for sc in sched._selectors.values():
        if sc.groups is None:
            continue
        for bucket_key, by_count in sc.groups.items():
            for cnt, nodes in by_count.items():
                assert nodes and list(nodes) == sorted(set(nodes))
                assert list(nodes.ranks) == [rank[n] for n in nodes]
                for n in nodes:
                    info = sched.nodes.get(n)
                    if info is not None:   # (a deleted node's entries keep the key and count they had, as before)
                        assert sc.nodes[n] == cnt and bucket_key == info.bucket.key
                held += len(nodes)
    return held


def test_groups_keep_name_order_through_new_names_and_deletions():
    rng = random.Random(7)
    store, _ = kind_store(workers=6)
    sched = Scheduler("kind-control-plane", random.Random(3))
    loop = loop_with(store, sched)
    store.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "default"},
                  "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}})
    names: set = set()
    gone: set = set()   # deleted nodes are not made anew (their stale group entries would be checked)
    held_max = 0
    for step in range(300):
        r = rng.random()
        if r < 0.08:   # a node whose name sorts anywhere among the others
            name = rng.choice(["a", "kind-worker", "m", "zz", "kind-worker1"]) + str(rng.randrange(100))
            if store.try_get("nodes", name) is None and name not in gone:
                store.create(node(name))
        elif r < 0.12:   # a pod bound by hand to a node not known (yet)
            name = f"ghost{rng.randrange(20)}"
            p = pod(f"hand-{step}", {"app": "web"})
            p["spec"]["nodeName"] = name
            store.create(p)
            names.add(p["metadata"]["name"])
        elif r < 0.16 and len(store.list("nodes")) > 3:
            victim = rng.choice([n["metadata"]["name"] for n in store.list("nodes")])
            if victim != "kind-control-plane":
                store.delete("nodes", victim)
                gone.add(victim)
        elif r < 0.3 and names:
            store.delete("pods", names.pop(), "default")
        else:
            p = pod(f"web-{step}", {"app": "web"})
            store.create(p)
            names.add(p["metadata"]["name"])
        loop.settle()
        held_max = max(held_max, check_groups(sched))
    assert held_max > 5   # the groups were in use


def test_a_node_added_between_others_gets_its_place():
    store, _ = kind_store(workers=3)
    sched = Scheduler("kind-control-plane", random.Random(0))
    loop = loop_with(store, sched)
    store.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "default"},
                  "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}})
    for i in range(6):
        store.create(pod(f"web-{i}", {"app": "web"}))
    loop.settle()
    before = dict(sched._rank)
    store.create(node("kind-worker15"))   # sorts between kind-worker and kind-worker2
    for i in range(6, 30):
        store.create(pod(f"web-{i}", {"app": "web"}))
    loop.settle()
    check_groups(sched)
    assert sched._rank["kind-worker15"] < sched._rank["kind-worker2"]
    assert sched._rank["kind-worker2"] != before["kind-worker2"]   # renumbered
    on_new = [p for p in store.list("pods", "default") if p["spec"].get("nodeName") == "kind-worker15"]
    assert on_new   # the new node takes pods, and its group entries found it
