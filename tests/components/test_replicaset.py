"""The ReplicaSet controller. Checked against kubernetes/kubernetes pkg/controller/replicaset/replica_set.go
(manageReplicas, getPodsToDelete), replica_set_utils.go (calculateStatus) and pkg/controller/controller_utils.go
(RealPodControl: "Created pod: %v" / "Deleted pod: %v", reasons SuccessfulCreate/SuccessfulDelete;
ActivePodsWithRanks.Less; GetPodFromTemplate)."""

from __future__ import annotations

import re

from components_kube import events, kind_store, loop_with, pod, run_pod

from k8slab.components.replicaset import ReplicaSetController
from k8slab.components.scheduler import Scheduler


def rs(name="web-7d4b9c6f8", replicas=3, labels=None):
    labels = labels or {"app": "web", "pod-template-hash": "7d4b9c6f8"}
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": name, "labels": labels},
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels},
                                  "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}}}}


def pods(store):
    return store.list("pods", "default")


def test_creates_pods_named_and_owned_as_the_controller_does():
    store, _ = kind_store()
    loop = loop_with(store, ReplicaSetController())
    r = store.create(rs())
    loop.settle()
    ps = pods(store)
    assert len(ps) == 3
    for p in ps:
        assert re.fullmatch(r"web-7d4b9c6f8-[bcdfghjklmnpqrstvwxz2456789]{5}", p["metadata"]["name"])
        assert p["metadata"]["generateName"] == "web-7d4b9c6f8-"
        assert p["metadata"]["labels"] == {"app": "web", "pod-template-hash": "7d4b9c6f8"}
        assert p["metadata"]["ownerReferences"] == [{"apiVersion": "apps/v1", "blockOwnerDeletion": True,
                                                     "controller": True, "kind": "ReplicaSet",
                                                     "name": "web-7d4b9c6f8", "uid": r["metadata"]["uid"]}]
    created = events(store, "SuccessfulCreate")
    assert sorted(e["message"] for e in created) == sorted(f"Created pod: {p['metadata']['name']}" for p in ps)
    assert {e["source"]["component"] for e in created} == {"replicaset-controller"}
    assert all(e["involvedObject"]["kind"] == "ReplicaSet" and e["count"] == 1 for e in created)
    assert store.get("replicasets", "web-7d4b9c6f8")["status"] == {"fullyLabeledReplicas": 3,
                                                                   "observedGeneration": 1, "replicas": 3}


def test_status_counts_ready_and_available_pods():
    store, _ = kind_store()
    loop = loop_with(store, ReplicaSetController())
    store.create(rs())
    loop.settle()
    for i, p in enumerate(pods(store)):
        run_pod(store, p["metadata"]["name"], ip=f"10.244.1.{i + 2}", ready=i < 2)
    loop.settle()
    assert store.get("replicasets", "web-7d4b9c6f8")["status"] == {
        "availableReplicas": 2, "fullyLabeledReplicas": 3, "observedGeneration": 1, "readyReplicas": 2,
        "replicas": 3}


def test_scale_down_prefers_unscheduled_then_not_ready_pods():
    store, _ = kind_store()
    loop = loop_with(store, ReplicaSetController())
    store.create(rs(replicas=4))
    loop.settle()
    names = [p["metadata"]["name"] for p in pods(store)]
    # one stays unscheduled, one runs but is not ready, two run ready
    for n in names[1:]:
        store.bind(n, "kind-worker")
    run_pod(store, names[1], ready=False)
    run_pod(store, names[2], ready=True)
    run_pod(store, names[3], ready=True)
    loop.settle()
    store.patch("replicasets", "web-7d4b9c6f8", {"spec": {"replicas": 2}})
    loop.settle()
    left = {p["metadata"]["name"] for p in pods(store)}
    assert left == {names[2], names[3]}
    deleted = sorted(e["message"] for e in events(store, "SuccessfulDelete"))
    assert deleted == sorted([f"Deleted pod: {names[0]}", f"Deleted pod: {names[1]}"])


def test_replaces_a_deleted_pod_and_adopts_an_orphan():
    store, _ = kind_store()
    loop = loop_with(store, ReplicaSetController())
    store.create(pod("stray", labels={"app": "web", "pod-template-hash": "7d4b9c6f8"}))
    store.create(rs())
    loop.settle()
    ps = pods(store)
    assert len(ps) == 3
    stray = store.get("pods", "stray")
    assert stray["metadata"]["ownerReferences"][0]["name"] == "web-7d4b9c6f8"
    store.delete("pods", ps[0]["metadata"]["name"])
    loop.settle()
    assert len(pods(store)) == 3


def test_relabelled_pod_is_released_and_replaced():
    store, _ = kind_store()
    loop = loop_with(store, ReplicaSetController())
    store.create(rs(replicas=1))
    loop.settle()
    [p] = pods(store)
    store.patch("pods", p["metadata"]["name"], {"metadata": {"labels": {"app": "debug"}}})
    loop.settle()
    ps = pods(store)
    assert len(ps) == 2
    released = store.get("pods", p["metadata"]["name"])
    assert "ownerReferences" not in released["metadata"]


def test_deleting_the_replicaset_collects_its_pods():
    store, _ = kind_store()
    loop = loop_with(store, ReplicaSetController())
    store.create(rs())
    loop.settle()
    store.delete("replicasets", "web-7d4b9c6f8")
    loop.settle()
    assert pods(store) == []


def test_with_the_scheduler_pods_spread_over_workers():
    store, _ = kind_store()
    loop = loop_with(store, Scheduler(), ReplicaSetController())
    store.create(rs(replicas=4))
    loop.settle()
    nodes = sorted(p["spec"].get("nodeName") for p in pods(store))
    assert nodes == ["kind-worker", "kind-worker", "kind-worker2", "kind-worker2"]
