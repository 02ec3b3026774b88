"""What the scheduler keeps per pod (one record: labels, spreading node, where its requests are accounted and
what was added there) through the edges of accounting: pods bound to a node the scheduler does not know (nothing
added, and nothing taken away when they go, even once the node exists), a node deleted and made anew while
its pods stay (the new node starts empty and is never taken below it), pods that finish, and pods deleted.
A node's sums are always those of the pods accounted on that very node object, and records go with their pods."""

from __future__ import annotations

from components_kube import kind_store, loop_with, node, pod

from k8slab.api.meta import clone
from k8slab.components.scheduler import Scheduler


def _npods(sched, name):
    info = sched.nodes[name]
    return info.npods, info.req_cpu


def _finish(store, name):
    p = clone(store.get("pods", name))
    p["status"] = {"phase": "Succeeded"}
    store.update(p, subresource="status")


def test_accounting_edges():
    store, _ = kind_store(workers=2)
    sched = Scheduler()
    loop = loop_with(store, sched)
    cpu = {"cpu": "100m"}
    for i in range(3):   # bound by hand to a node nobody registered yet
        store.create(pod(f"ghost-{i}", requests=cpu, nodeName="ghost"))
    for i in range(4):
        store.create(pod(f"w-{i}", requests=cpu, nodeName="kind-worker"))
    loop.settle()
    assert _npods(sched, "kind-worker") == (4, 400)
    assert all(sched._pods[store.get("pods", f"ghost-{i}")["metadata"]["uid"]][2] == "ghost" for i in range(3))
    store.create(node("ghost"), validate=False)
    loop.settle()
    assert _npods(sched, "ghost") == (0, 0)          # pods bound before the node came are not added
    store.delete("pods", "ghost-0")
    _finish(store, "ghost-1")
    loop.settle()
    assert _npods(sched, "ghost") == (0, 0)          # nor taken away
    store.create(pod("ghost-new", requests=cpu, nodeName="ghost"))
    loop.settle()
    assert _npods(sched, "ghost") == (1, 100)
    old = sched.nodes["kind-worker"]
    store.delete("nodes", "kind-worker")
    loop.settle()
    store.create(node("kind-worker"), validate=False)
    loop.settle()
    assert sched.nodes["kind-worker"] is not old and _npods(sched, "kind-worker") == (0, 0)
    store.delete("pods", "w-0")
    _finish(store, "w-1")
    store.create(pod("w-new", requests=cpu, nodeName="kind-worker"))
    loop.settle()
    assert _npods(sched, "kind-worker") == (1, 100)  # the old pods' going does not touch the new node
    assert old.npods == 4                             # nor the old one, gone
    store.delete("pods", "w-new")
    _finish(store, "ghost-new")
    loop.settle()
    assert _npods(sched, "kind-worker") == (0, 0) and _npods(sched, "ghost") == (0, 0)
    for p in store.list("pods", "default"):
        store.delete("pods", p["metadata"]["name"])
    loop.settle()
    assert sched._pods == {}
    assert all(info.npods == 0 for info in sched.nodes.values())
