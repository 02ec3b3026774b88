"""Node lifecycle controller. Checked against kubernetes/kubernetes
pkg/controller/nodelifecycle/node_lifecycle_controller.go (NodeStatusUnknown, "Kubelet stopped posting node
status.", taints not-ready/unreachable/unschedulable), pkg/controller/util/node (RecordNodeStatusChange
"Node %s status is now: %s", MarkPodsNotReady) and PR #126287 (grace period 50s since 1.32)."""

from __future__ import annotations

from components_kube import events, kind_store, loop_with, node, pod, run_pod

from k8slab.api.meta import clone
from k8slab.components.endpointslice import EndpointSliceController
from k8slab.components.node_lifecycle import NodeLifecycleController
from k8slab.components.scheduler import Scheduler


def taints(store, name):
    return [(t["key"], t["effect"]) for t in store.get("nodes", name)["spec"].get("taints", [])]


def test_not_ready_node_is_tainted_and_skipped_by_the_scheduler():
    store, _ = kind_store(workers=1)
    store.create(node("kind-worker2", ready=False), validate=False)
    loop = loop_with(store, NodeLifecycleController(), Scheduler())
    assert taints(store, "kind-worker2") == [("node.kubernetes.io/not-ready", "NoSchedule")]
    assert store.get("nodes", "kind-worker2")["spec"]["taints"][0]["timeAdded"] == "2025-01-12T10:00:00Z"
    for i in range(3):
        store.create(pod(f"p{i}"))
    loop.settle()
    assert {p["spec"]["nodeName"] for p in store.list("pods", "default")} == {"kind-worker"}
    ready = clone(store.get("nodes", "kind-worker2"))
    ready["status"]["conditions"][0]["status"] = "True"
    store.update(ready, subresource="status")
    loop.settle()
    assert taints(store, "kind-worker2") == []


def test_cordon_taint():
    store, _ = kind_store(workers=1)
    loop = loop_with(store, NodeLifecycleController())
    store.patch("nodes", "kind-worker", {"spec": {"unschedulable": True}})
    loop.settle()
    assert taints(store, "kind-worker") == [("node.kubernetes.io/unschedulable", "NoSchedule")]


def test_silent_kubelet_makes_the_node_unknown_after_the_grace_period():
    store, clock = kind_store(workers=1)
    lifecycle = NodeLifecycleController()
    loop = loop_with(store, lifecycle, EndpointSliceController())
    store.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
                  "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}})
    store.create(pod("web-1", labels={"app": "web"}))
    store.bind("web-1", "kind-worker")
    run_pod(store, "web-1", ip="10.244.1.2")
    loop.settle()
    lifecycle.kubelet_stopped("kind-worker")
    clock.advance(49)
    lifecycle.resync(clock())
    loop.settle()
    assert taints(store, "kind-worker") == []
    clock.advance(1)
    lifecycle.resync(clock())
    loop.settle()
    n = store.get("nodes", "kind-worker")
    assert [(c["type"], c["status"], c["reason"], c["message"]) for c in n["status"]["conditions"]] == [
        ("Ready", "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.")]
    assert taints(store, "kind-worker") == [("node.kubernetes.io/unreachable", "NoSchedule"),
                                            ("node.kubernetes.io/unreachable", "NoExecute")]
    assert sorted(e["message"] for e in events(store, "NodeNotReady")) == sorted(
        ["Node kind-worker status is now: NodeNotReady", "Node is not ready"])
    ready = [c for c in store.get("pods", "web-1")["status"]["conditions"] if c["type"] == "Ready"][0]
    assert ready["status"] == "False"
    [s] = store.list("endpointslices", "default")
    assert s["endpoints"][0]["conditions"]["ready"] is False
