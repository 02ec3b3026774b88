"""The range allocator: the next free /24 after the last one handed out, then CIDRNotAvailable."""

from k8slab.api.store import Store
from k8slab.components.controller import Controllers
from k8slab.components.node_ipam import NodeIPAM


def _cluster(cidr):
    store = Store(clock=lambda: 0, dispatch="manual")
    loop = Controllers(store)
    loop.add(NodeIPAM(cidr))
    return store, loop


def _add(store, loop, name):
    store.create({"apiVersion": "v1", "kind": "Node", "metadata": {"name": name}}, validate=False)
    loop.settle()
    return store.get("nodes", name).get("spec", {}).get("podCIDR")


def test_subnets_in_order_and_released_ones_reused_after_wrapping():
    store, loop = _cluster("10.244.0.0/22")
    assert [_add(store, loop, n) for n in "abc"] == ["10.244.0.0/24", "10.244.1.0/24", "10.244.2.0/24"]
    store.delete("nodes", "a")
    loop.settle()
    assert _add(store, loop, "d") == "10.244.3.0/24"   # after the last one, not the freed one
    assert _add(store, loop, "e") == "10.244.0.0/24"   # wrapped around to the freed one


def test_exhausted_range_leaves_the_node_without_and_says_so():
    store, loop = _cluster("10.244.0.0/23")
    assert _add(store, loop, "a") and _add(store, loop, "b")
    assert _add(store, loop, "c") is None
    events = [e for e in store.list("events", None) if e["reason"] == "CIDRNotAvailable"]
    assert [e["message"] for e in events] == ["Node c status is now: CIDRNotAvailable"]


def test_five_thousand_nodes_get_distinct_subnets():
    store, loop = _cluster("10.128.0.0/11")
    for i in range(5000):
        store.create({"apiVersion": "v1", "kind": "Node", "metadata": {"name": f"n{i}"}}, validate=False)
    loop.settle()
    cidrs = [n["spec"]["podCIDR"] for n in store.list("nodes")]
    assert len(set(cidrs)) == 5000 and "10.147.135.0/24" in cidrs   # 10.128.0.0 + 4999 /24s
