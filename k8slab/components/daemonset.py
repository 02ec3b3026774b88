"""The DaemonSet controller: one pod of the template on every node that can run it.

A node qualifies when it matches the template's nodeSelector and its taints are tolerated
(kube-proxy and kindnet tolerate everything, so they run on the control plane too). The pod
is named ``<daemonset>-<5 chars>``, owned by the DaemonSet, and pinned to its node (the real
controller pins it with a node-affinity term on ``metadata.name`` that the scheduler honours;
here it is bound directly, which ends in the same place).
"""

from __future__ import annotations

from k8slab.api.meta import clone
from k8slab.components.controller import Controller
from k8slab.components.events import record


def _tolerates(tolerations: list[dict], taint: dict) -> bool:
    for t in tolerations or []:
        if t.get("operator") == "Exists" and not t.get("key"):
            return True
        if t.get("key") == taint.get("key") and (not t.get("effect") or t.get("effect") == taint.get("effect")):
            if t.get("operator") == "Exists" or t.get("value", "") == taint.get("value", ""):
                return True
    return False


class DaemonSetController(Controller):
    name = "daemonset-controller"
    resources = ("daemonsets.apps", "nodes", "pods")

    def on_event(self, event) -> None:
        if event.type != "DELETED" and event.resource.kind == "Pod":   # most events: key_for says None
            return
        super().on_event(event)

    def key_for(self, event):
        if event.resource.kind == "Node":
            return "all"
        meta = event.object["metadata"]
        if event.resource.kind == "Pod":  # a pod of ours went away: the node needs a new one
            if event.type != "DELETED":
                return None
            owner = next((r for r in meta.get("ownerReferences", []) if r.get("kind") == "DaemonSet"), None)
            return (meta["namespace"], owner["name"]) if owner else None
        return (meta["namespace"], meta["name"])

    def reconcile(self, key) -> None:
        if key == "all":
            dss = self.store.list("daemonsets.apps")
        else:
            ds = self.store.try_get("daemonsets.apps", key[1], key[0])
            dss = [ds] if ds is not None else []
        # One look at the pods for all of them: a sync creates pods of its own DaemonSet only.
        pods = self._pods_of(dss)
        for d in dss:
            ds = self.store.try_get("daemonsets.apps", d["metadata"]["name"], d["metadata"]["namespace"])
            if ds is not None:
                self.sync(ds, pods.get(ds["metadata"]["uid"], []))

    def _pods_of(self, dss: list[dict]) -> dict[str, list[dict]]:
        """DaemonSet uid -> the pods of its namespace that name it as an owner, by name: one pass
        over each namespace's pods, however many DaemonSets it has."""
        uids_by_ns: dict[str, set] = {}
        for ds in dss:
            uids_by_ns.setdefault(ds["metadata"]["namespace"], set()).add(ds["metadata"]["uid"])
        out: dict[str, list[dict]] = {}
        for ns, uids in uids_by_ns.items():
            for pod in self.store.list("pods", ns):
                for r in pod["metadata"].get("ownerReferences", []):
                    uid = r.get("uid")
                    # uids are strings: any other value names none of them
                    if type(uid) is str and uid in uids:
                        mine = out.setdefault(uid, [])
                        if not mine or mine[-1] is not pod:   # once, however often it names it
                            mine.append(pod)
        return out

    def sync(self, ds: dict, pods: list[dict] | None = None) -> None:
        """Create the pods the nodes lack and write the status; ``pods``: the DaemonSet's pods
        (those of its namespace naming it as an owner, by name), looked up when not given."""
        meta = ds["metadata"]
        if pods is None:
            pods = self._pods_of([ds]).get(meta["uid"], [])
        owned = {pod["spec"].get("nodeName"): pod for pod in pods}
        wanted = self._wanted(ds)
        shared = None
        for node_name in wanted:
            if node_name in owned:
                continue
            if shared is None:
                shared = self._pod_parts(ds)
            labels, refs, spec = shared
            pod_spec = dict(spec)
            pod_spec["nodeName"] = node_name
            pod = {"apiVersion": "v1", "kind": "Pod",
                   "metadata": {"generateName": f"{meta['name']}-", "namespace": meta["namespace"],
                                "labels": labels, "ownerReferences": refs},
                   "spec": pod_spec}
            created = self.store.create(pod, validate=False, copy=False)
            record(self.store, ds, "Normal", "SuccessfulCreate", f"Created pod: {created['metadata']['name']}",
                   "daemonset-controller")
        ready = _number_ready(wanted, owned)
        status = {"currentNumberScheduled": len(wanted), "desiredNumberScheduled": len(wanted),
                  "numberAvailable": ready, "numberMisscheduled": 0, "numberReady": ready,
                  "observedGeneration": meta.get("generation", 1), "updatedNumberScheduled": len(wanted)}
        if ds.get("status") != status:
            self.store.patch("daemonsets.apps", meta["name"], {"status": status}, meta["namespace"],
                             subresource="status", validate=False)

    def _wanted(self, ds: dict) -> list[str]:
        """The nodes that should run a pod of ``ds``: those its nodeSelector matches and whose
        NoSchedule/NoExecute taints it tolerates."""
        template = ds["spec"]["template"]
        selector = template.get("spec", {}).get("nodeSelector", {})
        tolerations = template.get("spec", {}).get("tolerations", [])
        wanted = []
        for node in self.store.list("nodes"):
            if selector:
                labels = node["metadata"].get("labels", {})
                if any(labels.get(k) != v for k, v in selector.items()):
                    continue
            taints = node.get("spec", {}).get("taints")
            if taints and any(t.get("effect") in ("NoSchedule", "NoExecute") and not _tolerates(tolerations, t)
                              for t in taints):
                continue
            wanted.append(node["metadata"]["name"])
        return wanted

    @staticmethod
    def _pod_parts(ds: dict) -> tuple[dict, list, dict]:
        """The labels, ownerReferences and spec (without nodeName) of the pods one sync makes: copies
        of the template's (nothing shared with the DaemonSet, whose template the store does not
        default, so the pods' defaults go into these copies), made once and shared read only by
        those pods, like a ReplicaSet's pods share their template's (stored objects are never
        written into; each pod gets its own spec dict and metadata). A node phase of 5,000 nodes
        makes its 10,000 DaemonSet pods in two syncs."""
        meta, template = ds["metadata"], ds["spec"]["template"]
        labels = clone(template.get("metadata", {}).get("labels", {}))
        labels["controller-revision-hash"] = _revision(ds)
        labels["pod-template-generation"] = str(meta.get("generation", 1))
        refs = [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": meta["name"], "uid": meta["uid"],
                 "controller": True, "blockOwnerDeletion": True}]
        return labels, refs, clone(template.get("spec", {}))

    def poll(self) -> None:
        dss = self.store.list("daemonsets.apps")
        pods = self._pods_of(dss)
        for ds in dss:
            # counted as sync counts them (on the nodes it wants): a pod left on a deleted node
            # counted here but not there would have the two enqueue each other forever
            owned = {pod["spec"].get("nodeName"): pod for pod in pods.get(ds["metadata"]["uid"], ())}
            ready = _number_ready(self._wanted(ds), owned)
            if ds.get("status", {}).get("numberReady") != ready:
                self.enqueue((ds["metadata"]["namespace"], ds["metadata"]["name"]))


def _number_ready(wanted: list[str], owned: dict[str, dict]) -> int:
    """How many of the ``wanted`` nodes run a ready pod (``owned``: the DaemonSet's pod by node)."""
    return sum(1 for n in wanted if n in owned and _ready(owned[n]))


def _ready(pod: dict) -> bool:
    for c in pod.get("status", {}).get("conditions", []):
        if c["type"] == "Ready" and c["status"] == "True":
            return True
    return False


def _revision(ds: dict) -> str:
    import hashlib

    digest = hashlib.sha256(repr(ds["spec"]["template"]).encode()).hexdigest()
    alphabet = "bcdfghjklmnpqrstvwxz2456789"
    return "".join(alphabet[int(digest[i:i + 2], 16) % len(alphabet)] for i in range(0, 20, 2))
