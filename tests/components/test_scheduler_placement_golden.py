"""The scheduler's choices are pinned: the same seed places every pod of a varied scenario on the same node as the
scheduler of commit 0bea9a3 did, fails the same pods with the same messages and draws from the RNG as many times.

The scenario mixes what the scheduler reads: zoned and unzoned nodes, PreferNoSchedule and NoSchedule taints,
a cordoned node, small nodes, Services and ReplicaSets (the spread selector), node selectors, required and
preferred node affinity, tolerations, requests, host ports, pods naming a node by hostname, pods that fit
nowhere, another scheduler's pods, and along the way deletions, status writes (the kubelet's), relabels, a
scale-up, a cordon and a new node. A speed-up that changes any choice, message or the number of draws fails
here; the digest was taken before any of them (update it only for an intended change of behaviour)."""

from __future__ import annotations

import hashlib

from components_kube import kind_store, loop_with, node, pod, run_pod

from k8slab.components.deployment import DeploymentController
from k8slab.components.replicaset import ReplicaSetController
from k8slab.components.scheduler import Scheduler

SMALL = {"cpu": "2", "ephemeral-storage": "102626232Ki", "memory": "4Gi", "pods": "12"}


def deployment(name: str, replicas: int, requests=None, **spec) -> dict:
    labels = {"app": name}
    container: dict = {"name": "c", "image": "nginx"}
    if requests:
        container["resources"] = {"requests": requests}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "labels": labels},
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": dict(labels, tier=name[:1])},
                                  "spec": {"containers": [container], **spec}}}}


def scenario(seed: int) -> str:
    store, _ = kind_store(workers=0, seed=seed)
    for i in range(36):
        labels = {}
        if i % 9:
            labels["topology.kubernetes.io/zone"] = "abc"[i % 3]
        if i % 4 == 0:
            labels["disk"] = "ssd"
        taints = None
        if i % 7 == 3:
            taints = [{"key": "spot", "value": "yes", "effect": "PreferNoSchedule"}]
        elif i % 11 == 5:
            taints = [{"key": "dedicated", "value": "db", "effect": "NoSchedule"}]
        store.create(node(f"n{i:02d}", labels=labels, taints=taints, capacity=SMALL if i % 5 == 1 else None,
                          unschedulable=i == 13), validate=False)
    store.dispatch()
    sched = Scheduler()
    loop = loop_with(store, sched, DeploymentController(), ReplicaSetController())
    for app in ("web", "api", "db"):
        store.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": app, "namespace": "default"},
                      "spec": {"selector": {"app": app}, "ports": [{"port": 80}]}})
    store.create(deployment("web", 90))
    store.create(deployment("api", 40, requests={"cpu": "250m", "memory": "300Mi"},
                            affinity={"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                                {"weight": 20, "preference": {"matchExpressions": [
                                    {"key": "disk", "operator": "In", "values": ["ssd"]}]}}]}}))
    store.create(deployment("db", 12, requests={"cpu": "500m"}, nodeSelector={"disk": "ssd"},
                            tolerations=[{"key": "dedicated", "operator": "Equal", "value": "db",
                                          "effect": "NoSchedule"}]))
    loop.settle()
    for j in range(30):
        spec: dict = {}
        kind = j % 6
        if kind == 0:
            spec["affinity"] = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [{"matchExpressions": [{"key": "topology.kubernetes.io/zone",
                                                             "operator": "In", "values": ["a", "b"]}]}]}}}
        elif kind == 1:
            spec["nodeSelector"] = {"kubernetes.io/hostname": f"n{(j * 5) % 36:02d}"}
        elif kind == 2:
            spec["tolerations"] = [{"operator": "Exists"}]
        elif kind == 3:
            spec["containers"] = [{"name": "c", "image": "nginx", "ports": [{"containerPort": 80,
                                                                              "hostPort": 8080 + j % 2}]}]
        elif kind == 4:
            spec["schedulerName"] = "other" if j % 12 == 4 else "default-scheduler"
        p = pod(f"solo-{j}", labels={"app": "web"} if j % 2 else {"app": "solo", "n": str(j % 3)},
                requests={"cpu": "9"} if j % 10 == 9 else ({"memory": "1Gi"} if j % 4 == 1 else None), **spec)
        if "containers" in spec:
            p["spec"]["containers"] = spec["containers"]
        store.create(p)
        if j % 3 == 0:
            loop.settle()
    loop.settle()
    names = sorted(p["metadata"]["name"] for p in store.list("pods", "default"))
    for k, name in enumerate(names):
        p = store.get("pods", name, "default")
        if k % 5 == 0 and p["spec"].get("nodeName"):
            run_pod(store, name, ip=f"10.244.{k // 250}.{k % 250 + 1}")
        if k % 13 == 2:
            store.delete("pods", name, "default")
        elif k % 17 == 4:
            store.patch("pods", name, {"metadata": {"labels": {"app": "moved"}}}, "default")
    loop.settle()
    store.patch("nodes", "n07", {"spec": {"unschedulable": True}})
    store.create(node("n99", labels={"topology.kubernetes.io/zone": "c", "disk": "ssd"}), validate=False)
    store.patch("deployments", "web", {"spec": {"replicas": 140}}, "default")
    store.patch("deployments", "api", {"spec": {"replicas": 70}}, "default")
    loop.settle()
    placed = sorted((p["metadata"]["name"], p["spec"].get("nodeName") or "-") for p in store.list("pods", "default"))
    failed = sorted(e["note"] if "note" in e else e.get("message", "") for e in store.list("events", None)
                    if e["reason"] == "FailedScheduling")
    text = repr((placed, failed, store.rng.random()))
    return hashlib.sha256(text.encode()).hexdigest()


def test_same_placement_as_before():
    assert scenario(0) == "8ea6fedb3ebc5df21628c897c0df82622326b699b234b2ca6c39e59206a5d62f"
    assert scenario(5) == "64f33ef3ede2d2c44938c1bf888b20d79e6bc414912fe415d099eb66b46accb3"
