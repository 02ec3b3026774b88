"""The DaemonSet controller: one pod of the template on every node that can run it.

A node qualifies when it matches the template's nodeSelector and its taints are tolerated
(kube-proxy and kindnet tolerate everything, so they run on the control plane too). The pod
is named ``<daemonset>-<5 chars>``, owned by the DaemonSet, and pinned to its node (the real
controller pins it with a node-affinity term on ``metadata.name`` that the scheduler honours;
here it is bound directly, which ends in the same place).
"""

from __future__ import annotations

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

    def key_for(self, event):
        if event.resource.kind == "Node":
            return "all"
        meta = event.object["metadata"]
        if event.resource.kind == "Pod":  # a pod of ours went away: the node needs a new one
            owner = next((r for r in meta.get("ownerReferences", []) if r.get("kind") == "DaemonSet"), None)
            return (meta["namespace"], owner["name"]) if owner and event.type == "DELETED" else None
        return (meta["namespace"], meta["name"])

    def reconcile(self, key) -> None:
        keys = ([(d["metadata"]["namespace"], d["metadata"]["name"]) for d in self.store.list("daemonsets.apps")]
                if key == "all" else [key])
        for ns, name in keys:
            ds = self.store.try_get("daemonsets.apps", name, ns)
            if ds is not None:
                self.sync(ds)

    def sync(self, ds: dict) -> None:
        meta, spec = ds["metadata"], ds["spec"]
        template = spec["template"]
        selector = template.get("spec", {}).get("nodeSelector", {})
        tolerations = template.get("spec", {}).get("tolerations", [])
        owned = {}
        for pod in self.store.list("pods", meta["namespace"]):
            refs = pod["metadata"].get("ownerReferences", [])
            if any(r.get("uid") == meta["uid"] for r in refs):
                owned[pod["spec"].get("nodeName")] = pod
        wanted = []
        for node in self.store.list("nodes"):
            labels = node["metadata"].get("labels", {})
            if any(labels.get(k) != v for k, v in selector.items()):
                continue
            if any(t.get("effect") in ("NoSchedule", "NoExecute") and not _tolerates(tolerations, t)
                   for t in node.get("spec", {}).get("taints", [])):
                continue
            wanted.append(node["metadata"]["name"])
        revision = None
        for node_name in wanted:
            if node_name in owned:
                continue
            if revision is None:
                revision = _revision(ds)
            pod = {"apiVersion": "v1", "kind": "Pod",
                   "metadata": {"generateName": f"{meta['name']}-", "namespace": meta["namespace"],
                                "labels": dict(template.get("metadata", {}).get("labels", {}),
                                               **{"controller-revision-hash": revision,
                                                  "pod-template-generation": str(meta.get("generation", 1))}),
                                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet",
                                                     "name": meta["name"], "uid": meta["uid"], "controller": True,
                                                     "blockOwnerDeletion": True}]},
                   "spec": dict(template.get("spec", {}), nodeName=node_name)}
            created = self.store.create(pod, validate=False)   # the store copies it all before writing
            record(self.store, ds, "Normal", "SuccessfulCreate", f"Created pod: {created['metadata']['name']}",
                   "daemonset-controller")
        ready = sum(1 for n in wanted if n in owned and _ready(owned[n]))
        status = {"currentNumberScheduled": len(wanted), "desiredNumberScheduled": len(wanted),
                  "numberAvailable": ready, "numberMisscheduled": 0, "numberReady": ready,
                  "observedGeneration": meta.get("generation", 1), "updatedNumberScheduled": len(wanted)}
        if ds.get("status") != status:
            self.store.patch("daemonsets.apps", meta["name"], {"status": status}, meta["namespace"],
                             subresource="status", validate=False)

    def poll(self) -> None:
        for ds in self.store.list("daemonsets.apps"):
            ready = sum(1 for p in self.store.list("pods", ds["metadata"]["namespace"])
                        if any(r.get("uid") == ds["metadata"]["uid"] for r in p["metadata"].get("ownerReferences", []))
                        and _ready(p))
            if ds.get("status", {}).get("numberReady") != ready:
                self.enqueue((ds["metadata"]["namespace"], ds["metadata"]["name"]))


def _ready(pod: dict) -> bool:
    return any(c["type"] == "Ready" and c["status"] == "True" for c in pod.get("status", {}).get("conditions", []))


def _revision(ds: dict) -> str:
    import hashlib

    digest = hashlib.sha256(repr(ds["spec"]["template"]).encode()).hexdigest()
    alphabet = "bcdfghjklmnpqrstvwxz2456789"
    return "".join(alphabet[int(digest[i:i + 2], 16) % len(alphabet)] for i in range(0, 20, 2))
