"""Shared helpers for the controller tests: a store with kind's three nodes, pods, and the kubelet's
part (binding status: podIP, Ready) played by hand."""

from __future__ import annotations

from k8slab.api.meta import VirtualClock, clone, rfc3339
from k8slab.api.store import Store
from k8slab.components.controller import Controllers

CAPACITY = {"cpu": "8", "ephemeral-storage": "102626232Ki", "hugepages-1Gi": "0", "hugepages-2Mi": "0",
            "memory": "16337944Ki", "pods": "110"}


def node(name: str, control_plane: bool = False, labels=None, taints=None, capacity=None, ready=True,
         unschedulable=False) -> dict:
    """A Node as kind's kubelet registers it."""
    lab = {"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
           "kubernetes.io/hostname": name, "kubernetes.io/os": "linux"}
    spec: dict = {"providerID": f"kind://docker/kind/{name}"}
    if control_plane:
        lab["node-role.kubernetes.io/control-plane"] = ""
        spec["taints"] = [{"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}]
    if taints is not None:
        spec["taints"] = taints
    if unschedulable:
        spec["unschedulable"] = True
    lab.update(labels or {})
    cap = dict(capacity or CAPACITY)
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": lab}, "spec": spec,
            "status": {"allocatable": dict(cap), "capacity": cap,
                       "conditions": [{"type": "Ready", "status": "True" if ready else "False",
                                       "reason": "KubeletReady" if ready else "KubeletNotReady",
                                       "message": "kubelet is posting ready status",
                                       "lastHeartbeatTime": rfc3339(0), "lastTransitionTime": rfc3339(0)}],
                       "addresses": [{"address": "172.18.0.2", "type": "InternalIP"}]}}


def kind_store(workers: int = 2, seed: int = 0) -> tuple[Store, VirtualClock]:
    clock = VirtualClock()
    store = Store(clock=clock, seed=seed, dispatch="manual")
    store.create(node("kind-control-plane", control_plane=True), validate=False)
    for i in range(workers):
        store.create(node("kind-worker" + ("" if i == 0 else str(i + 1))), validate=False)
    store.dispatch()
    return store, clock


def loop_with(store, *controllers) -> Controllers:
    loop = Controllers(store)
    for c in controllers:
        loop.add(c)
    loop.settle()
    return loop


def pod(name: str, labels=None, namespace: str = "default", image: str = "nginx", requests=None, **spec) -> dict:
    meta: dict = {"name": name, "namespace": namespace}
    if labels is not None:
        meta["labels"] = labels
    container: dict = {"name": "c", "image": image}
    if requests:
        container["resources"] = {"requests": requests}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": {"containers": [container], **spec}}


def run_pod(store, name: str, namespace: str = "default", ip: str = "10.244.1.5", ready: bool = True,
            ports_ready=None) -> dict:
    """The kubelet's part: the pod runs with ``ip`` and is Ready (or not)."""
    p = store.get("pods", name, namespace)
    new = clone(p)
    status = "True" if ready else "False"
    new["status"] = {"phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}],
                     "hostIP": "172.18.0.2", "startTime": rfc3339(store.clock()),
                     "conditions": [{"type": "Ready", "status": status, "lastProbeTime": None,
                                     "lastTransitionTime": rfc3339(store.clock())},
                                    {"type": "ContainersReady", "status": status, "lastProbeTime": None,
                                     "lastTransitionTime": rfc3339(store.clock())},
                                    {"type": "PodScheduled", "status": "True", "lastProbeTime": None,
                                     "lastTransitionTime": rfc3339(store.clock())}]}
    return store.update(new, namespace, subresource="status")


def events(store, reason: str | None = None) -> list[dict]:
    out = [e for e in store.list("events", None) if reason is None or e["reason"] == reason]
    return sorted(out, key=lambda e: e["metadata"]["name"])


def container_ids(obj, out: set | None = None) -> set:
    """The ids of every dict and list in ``obj`` (itself included): what two objects share shows
    as an intersection."""
    out = set() if out is None else out
    if isinstance(obj, (dict, list)):
        out.add(id(obj))
        for v in obj.values() if isinstance(obj, dict) else obj:
            container_ids(v, out)
    return out
