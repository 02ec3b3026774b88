"""The node lifecycle controller, minimal: node taints from conditions, and a silent kubelet.

* TaintNodesByCondition: a node whose Ready condition is False gets
  ``node.kubernetes.io/not-ready:NoSchedule``, Unknown gets ``node.kubernetes.io/unreachable:NoSchedule``;
  a cordoned node (``spec.unschedulable``) gets ``node.kubernetes.io/unschedulable:NoSchedule``.
  The scheduler only sees taints, which is how a NotReady or cordoned node stops getting pods.
* A kubelet that stops posting status (:meth:`NodeLifecycleController.kubelet_stopped`, the flag
  a lesson sets; k8slab's kubelet sends no heartbeats of its own) makes the node's conditions
  ``Unknown`` (reason ``NodeStatusUnknown``, "Kubelet stopped posting node status.") once
  ``node-monitor-grace-period`` has passed on the virtual clock: 50 s, the default since
  Kubernetes 1.32 (40 s before). The node then gets ``node.kubernetes.io/unreachable`` NoSchedule
  and NoExecute taints, a ``NodeNotReady`` event ("Node kind-worker status is now: NodeNotReady"),
  and its pods' Ready condition turns False (each with a ``NodeNotReady`` "Node is not ready"
  warning), which takes them out of Service endpoints. No eviction: pods tolerate the NoExecute
  taint for 300 s and then the taint manager would delete them; that part is not modelled.

Sources: kubernetes/kubernetes pkg/controller/nodelifecycle/node_lifecycle_controller.go
(tryUpdateNodeHealth, doNoScheduleTaintingPass, markNodeAsReachable), pkg/controller/util/node
(RecordNodeStatusChange, MarkPodsNotReady), pkg/controller/controller_utils.go (SwapNodeControllerTaint:
added taints carry timeAdded), PR #126287 (the 50 s default).
"""

from __future__ import annotations

from k8slab.api.errors import APIError
from k8slab.api.meta import rfc3339
from k8slab.components.controller import Controller
from k8slab.components.events import record

COMPONENT = "node-controller"
NOT_READY = "node.kubernetes.io/not-ready"
UNREACHABLE = "node.kubernetes.io/unreachable"
UNSCHEDULABLE = "node.kubernetes.io/unschedulable"
_MANAGED = {(NOT_READY, "NoSchedule"), (UNREACHABLE, "NoSchedule"), (UNSCHEDULABLE, "NoSchedule"),
            (UNREACHABLE, "NoExecute")}


def _ready_status(node: dict) -> str | None:
    for c in (node.get("status") or {}).get("conditions") or []:
        if c.get("type") == "Ready":
            return c.get("status")
    return None


class NodeLifecycleController(Controller):
    """``grace_period``: ``--node-monitor-grace-period`` in seconds."""

    name = COMPONENT
    resources = ("nodes",)

    def __init__(self, grace_period: float = 50.0) -> None:
        super().__init__()
        self.grace_period = grace_period
        self.silent: dict[str, float] = {}     # node -> virtual time its kubelet stopped posting
        self.unknown: set[str] = set()

    def kubelet_stopped(self, node: str) -> None:
        """The node's kubelet stops posting status from now on (a crashed kubelet, a lost node)."""
        self.silent.setdefault(node, self.store.clock())

    def kubelet_started(self, node: str) -> None:
        """The kubelet posts again: its own next status (Ready) brings the node back."""
        self.silent.pop(node, None)
        self.unknown.discard(node)
        self.enqueue(("", node))

    def resync(self, now: float) -> None:
        for node, since in self.silent.items():
            if node not in self.unknown and now - since >= self.grace_period:
                self.enqueue(("", node))

    def reconcile(self, key) -> None:
        name = key[1]
        node = self.store.try_get("nodes", name)
        if node is None:
            self.silent.pop(name, None)
            self.unknown.discard(name)
            return
        now = self.store.clock()
        since = self.silent.get(name)
        if since is not None and name not in self.unknown and now - since >= self.grace_period:
            node = self._mark_unknown(node, now)
        self._taint(node, now)

    def _mark_unknown(self, node: dict, now: float) -> dict:
        """``tryUpdateNodeHealth``: every kubelet-owned condition becomes Unknown."""
        self.unknown.add(node["metadata"]["name"])
        ts = rfc3339(now)
        conds = []
        for c in (node.get("status") or {}).get("conditions") or []:
            c = dict(c)
            if c.get("status") != "Unknown":
                c["lastTransitionTime"] = ts
            c.update(status="Unknown", reason="NodeStatusUnknown", message="Kubelet stopped posting node status.")
            conds.append(c)
        new = dict(node)
        new["status"] = dict(node.get("status") or {}, conditions=conds)
        try:
            node = self.store.update(new, subresource="status", copy=False)
        except APIError:
            return node
        name = node["metadata"]["name"]
        record(self.store, node, "Normal", "NodeNotReady", f"Node {name} status is now: NodeNotReady", COMPONENT)
        for pod in self.store.list("pods", None, field_selector=f"spec.nodeName={name}"):
            self._pod_not_ready(pod, ts)
        return node

    def _pod_not_ready(self, pod: dict, ts: str) -> None:
        """``MarkPodsNotReady``."""
        status = pod.get("status") or {}
        conds = [dict(c) for c in status.get("conditions") or []]
        changed = False
        for c in conds:
            if c.get("type") == "Ready" and c.get("status") != "False":
                c["status"], c["lastTransitionTime"] = "False", ts
                changed = True
        if not changed:
            return
        new = dict(pod)
        new["status"] = dict(status, conditions=conds)
        try:
            self.store.update(new, pod["metadata"]["namespace"], subresource="status", copy=False)
        except APIError:
            return
        record(self.store, pod, "Warning", "NodeNotReady", "Node is not ready", COMPONENT)

    def _taint(self, node: dict, now: float) -> None:
        """``doNoScheduleTaintingPass`` and the unreachable NoExecute taint."""
        ready = _ready_status(node)
        want = set()
        if ready == "False":
            want.add((NOT_READY, "NoSchedule"))
        elif ready == "Unknown":
            want |= {(UNREACHABLE, "NoSchedule"), (UNREACHABLE, "NoExecute")}
        if (node.get("spec") or {}).get("unschedulable"):
            want.add((UNSCHEDULABLE, "NoSchedule"))
        taints = list((node.get("spec") or {}).get("taints") or [])
        have = {(t.get("key"), t.get("effect")) for t in taints if (t.get("key"), t.get("effect")) in _MANAGED}
        if have == want:
            return
        kept = [t for t in taints if (t.get("key"), t.get("effect")) not in _MANAGED or
                (t.get("key"), t.get("effect")) in want]
        for key, effect in sorted(want - have, key=lambda ke: (ke[1] != "NoSchedule", ke[0])):
            kept.append({"effect": effect, "key": key, "timeAdded": rfc3339(now)})
        new = dict(node)
        new["spec"] = dict(node.get("spec") or {})
        if kept:
            new["spec"]["taints"] = kept
        else:
            new["spec"].pop("taints", None)
        try:
            self.store.update(new, validate=False, copy=False)
        except APIError:
            pass
