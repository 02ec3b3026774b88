"""The ReplicaSet controller: keeps ``spec.replicas`` pods of the template running.

Pods are created from the template with ``generateName: <rs-name>-`` (the apiserver adds 5
characters from ``bcdfghjklmnpqrstvwxz2456789``) and a controller ownerReference (``controller``
and ``blockOwnerDeletion`` true); orphans matching the selector are adopted, owned pods that no
longer match are released. Surplus pods go in the controller's preference order
(``ActivePodsWithRanks``): unscheduled before scheduled, Pending before Unknown before Running,
not ready before ready, lower ``controller.kubernetes.io/pod-deletion-cost`` first, pods doubled
up on a node (with the pods of sibling ReplicaSets of the same Deployment) first, ready for less
time first, more restarts first, newer first. Status: replicas, fullyLabeledReplicas,
readyReplicas, availableReplicas (ready for ``minReadySeconds``), observedGeneration. Events:
``SuccessfulCreate`` "Created pod: NAME", ``SuccessfulDelete`` "Deleted pod: NAME",
``FailedCreate`` "Error creating: ...", from ``replicaset-controller``.

Sources: kubernetes/kubernetes pkg/controller/replicaset/replica_set.go (manageReplicas,
getPodsToDelete), replica_set_utils.go (calculateStatus), pkg/controller/controller_utils.go
(RealPodControl events, ActivePodsWithRanks.Less, GetPodFromTemplate).

Pods are indexed by their controller's uid, so a reconcile looks only at its own pods.
"""

from __future__ import annotations

import json

from k8slab.api.errors import APIError
from k8slab.api.labels import from_label_selector
from k8slab.api.meta import parse_rfc3339
from k8slab.components.controller import Controller
from k8slab.components.events import record

COMPONENT = "replicaset-controller"
BURST_REPLICAS = 500
DELETION_COST = "controller.kubernetes.io/pod-deletion-cost"
_PHASE_ORDER = {"Pending": 0, "Unknown": 1, "Running": 2}


def controller_ref(obj: dict) -> dict | None:
    """The ownerReference with ``controller: true``, if any."""
    for ref in (obj.get("metadata") or {}).get("ownerReferences") or []:
        if ref.get("controller"):
            return ref
    return None


def is_active(pod: dict) -> bool:
    """``controller.IsPodActive``: not Succeeded, not Failed, not being deleted."""
    return (pod.get("status") or {}).get("phase") not in ("Succeeded", "Failed") and \
        not pod["metadata"].get("deletionTimestamp")


def ready_condition(pod: dict) -> dict | None:
    for c in (pod.get("status") or {}).get("conditions") or []:
        if c.get("type") == "Ready":
            return c
    return None


def is_ready(pod: dict) -> bool:
    c = ready_condition(pod)
    return bool(c) and c.get("status") == "True"


def is_available(pod: dict, min_ready_seconds: int, now: float) -> bool:
    """``podutil.IsPodAvailable``: ready, and for at least ``minReadySeconds``."""
    c = ready_condition(pod)
    if not c or c.get("status") != "True":
        return False
    if not min_ready_seconds:
        return True
    since = c.get("lastTransitionTime")
    return bool(since) and parse_rfc3339(since) + min_ready_seconds <= now


def owner_reference(owner: dict) -> dict:
    meta = owner["metadata"]
    return {"apiVersion": owner["apiVersion"], "blockOwnerDeletion": True, "controller": True,
            "kind": owner["kind"], "name": meta["name"], "uid": meta["uid"]}


def _spec_copy(rs: dict, spec: dict, cache: dict) -> dict:
    """A fresh copy of the template's pod spec (decoded from a cached JSON text: much faster than a
    deep copy when thousands of pods come from one template). ``cache`` belongs to one controller,
    so one store: uids repeat between seeded clusters, and must not share a template."""
    key = (rs["metadata"]["uid"], rs["metadata"].get("generation"))
    text = cache.get(key)
    if text is None:
        if len(cache) > 10_000:
            cache.clear()
        text = cache[key] = json.dumps(spec)
    return json.loads(text)


def pod_from_template(rs: dict, cache: dict | None = None) -> dict:
    """``GetPodFromTemplate``: labels, annotations, finalizers and spec of the template, the
    generateName prefix ``<rs>-`` and the controller reference."""
    template = (rs.get("spec") or {}).get("template") or {}
    tmeta = template.get("metadata") or {}
    meta: dict = {"generateName": rs["metadata"]["name"] + "-", "namespace": rs["metadata"]["namespace"]}
    if tmeta.get("labels"):
        meta["labels"] = dict(tmeta["labels"])
    if tmeta.get("annotations"):
        meta["annotations"] = dict(tmeta["annotations"])
    if tmeta.get("finalizers"):
        meta["finalizers"] = list(tmeta["finalizers"])
    meta["ownerReferences"] = [owner_reference(rs)]
    spec = template.get("spec") or {}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": _spec_copy(rs, spec, cache) if cache is not None else json.loads(json.dumps(spec))}


class ReplicaSetController(Controller):
    """The ReplicaSet controller (``kube-controller-manager``'s ``replicaset-controller``)."""

    name = COMPONENT
    resources = ("replicasets", "pods")

    def __init__(self) -> None:
        super().__init__()
        self.owned: dict[str, dict] = {}          # controller uid -> {pod key: pod}
        self._template_json: dict = {}            # (rs uid, generation) -> the pod spec as JSON text
        self.orphans: dict[str, dict] = {}        # namespace -> {pod key: pod}
        self.selectors: dict[str, dict] = {}      # namespace -> {rs name: Selector}
        self.pod_owner: dict = {}                 # pod key -> controller uid

    # -- watch events ---------------------------------------------------------------------------
    def on_event(self, event) -> None:
        obj = event.object
        meta = obj["metadata"]
        ns = meta.get("namespace", "")
        if event.resource.kind == "ReplicaSet":
            if event.type == "DELETED":
                self.selectors.get(ns, {}).pop(meta["name"], None)
                return
            sel = (obj.get("spec") or {}).get("selector")
            self.selectors.setdefault(ns, {})[meta["name"]] = from_label_selector(sel) if sel else None
            self.enqueue((ns, meta["name"]))
            return
        key = (ns, meta["name"])
        old_uid = self.pod_owner.pop(key, None)
        if old_uid is not None:
            self.owned.get(old_uid, {}).pop(key, None)
        self.orphans.get(ns, {}).pop(key, None)
        ref = controller_ref(obj)
        if event.type != "DELETED":
            if ref is not None:
                self.pod_owner[key] = ref.get("uid")
                self.owned.setdefault(ref.get("uid"), {})[key] = obj
            elif is_active(obj):
                self.orphans.setdefault(ns, {})[key] = obj
                labels = meta.get("labels") or {}
                for name, sel in self.selectors.get(ns, {}).items():
                    if sel is not None and not sel.empty() and sel.matches(labels):
                        self.enqueue((ns, name))
        old_ref = controller_ref(event.old) if event.old is not None else None
        for r in (ref, old_ref):
            if r is not None and r.get("kind") == "ReplicaSet":
                self.enqueue((ns, r.get("name")))

    # -- reconcile ---------------------------------------------------------------------------------
    def reconcile(self, key) -> None:
        ns, name = key
        rs = self.store.try_get("replicasets", name, ns)
        if rs is None or rs["metadata"].get("deletionTimestamp"):
            return
        spec = rs.get("spec") or {}
        sel = self.selectors.get(ns, {}).get(name)
        if sel is None or sel.empty():
            return
        uid = rs["metadata"]["uid"]
        pods = self._claim(rs, sel, uid)
        active = [p for p in pods if is_active(p)]
        diff = len(active) - int(spec.get("replicas", 1))
        if diff < 0:
            for _ in range(min(-diff, BURST_REPLICAS)):
                pod = pod_from_template(rs, self._template_json)
                try:
                    created = self.store.create(pod, ns, validate=False, copy=False)
                except APIError as e:
                    record(self.store, rs, "Warning", "FailedCreate", f"Error creating: {e.message}", COMPONENT)
                    break
                active.append(created)
                record(self.store, rs, "Normal", "SuccessfulCreate", f"Created pod: {created['metadata']['name']}",
                       COMPONENT)
        elif diff > 0:
            for pod in self.pods_to_delete(rs, active, min(diff, BURST_REPLICAS)):
                pname = pod["metadata"]["name"]
                try:
                    self.store.delete("pods", pname, ns)
                except APIError:
                    continue
                active.remove(pod)
                record(self.store, rs, "Normal", "SuccessfulDelete", f"Deleted pod: {pname}", COMPONENT)
        self._update_status(rs, [self.store.try_get("pods", p["metadata"]["name"], ns) or p for p in active])

    def _claim(self, rs: dict, sel, uid: str) -> list[dict]:
        """``ClaimPods``: owned pods that still match, released otherwise; matching orphans adopted."""
        ns = rs["metadata"]["namespace"]
        out = []
        for _pkey, pod in list(self.owned.get(uid, {}).items()):
            if sel.matches(pod["metadata"].get("labels") or {}):
                out.append(pod)
            elif is_active(pod):
                refs = [r for r in pod["metadata"].get("ownerReferences") or [] if r.get("uid") != uid]
                self._set_owners(pod, refs)
        if rs["metadata"].get("deletionTimestamp"):
            return out
        for _pkey, pod in sorted(self.orphans.get(ns, {}).items()):
            if sel.matches(pod["metadata"].get("labels") or {}):
                refs = list(pod["metadata"].get("ownerReferences") or []) + [owner_reference(rs)]
                adopted = self._set_owners(pod, refs)
                if adopted is not None:
                    out.append(adopted)
        return out

    def _set_owners(self, pod: dict, refs: list) -> dict | None:
        new = dict(pod)
        new["metadata"] = dict(pod["metadata"])
        if refs:
            new["metadata"]["ownerReferences"] = refs
        else:
            new["metadata"].pop("ownerReferences", None)
        try:
            return self.store.update(new, pod["metadata"]["namespace"], validate=False, copy=False)
        except APIError:
            return None

    def pods_to_delete(self, rs: dict, active: list[dict], n: int) -> list[dict]:
        """``getPodsToDelete``: the first ``n`` pods in ActivePodsWithRanks order, ranked by how
        many related pods (of the ReplicaSets sharing this one's owner) share their node."""
        related = list(active)
        owner = controller_ref(rs)
        if owner is not None:
            ns = rs["metadata"]["namespace"]
            seen = {id(p) for p in related}
            for other in self.store.list("replicasets", ns):
                oref = controller_ref(other)
                if oref is not None and oref.get("uid") == owner.get("uid") and other is not rs:
                    for p in self.owned.get(other["metadata"]["uid"], {}).values():
                        if id(p) not in seen and is_active(p):
                            related.append(p)
        per_node: dict = {}
        for p in related:
            node = (p.get("spec") or {}).get("nodeName")
            if node:
                per_node[node] = per_node.get(node, 0) + 1
        now = self.store.clock()
        return sorted(active, key=lambda p: _deletion_rank(p, per_node, now))[:n]

    def _update_status(self, rs: dict, pods: list[dict]) -> None:
        spec = rs.get("spec") or {}
        template_labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
        mrs = int(spec.get("minReadySeconds") or 0)
        now = self.store.clock()
        pods = [p for p in pods if is_active(p)]
        status: dict = {}
        full = sum(1 for p in pods if all((p["metadata"].get("labels") or {}).get(k) == v
                                          for k, v in template_labels.items()))
        avail = sum(1 for p in pods if is_available(p, mrs, now))
        ready = sum(1 for p in pods if is_ready(p))
        for k, v in (("availableReplicas", avail), ("fullyLabeledReplicas", full),
                     ("observedGeneration", rs["metadata"].get("generation", 0)), ("readyReplicas", ready)):
            if v:
                status[k] = v
        status["replicas"] = len(pods)
        old = rs.get("status") or {}
        if old.get("conditions"):
            status["conditions"] = old["conditions"]
        if status == old:
            return
        new = dict(rs)
        new["status"] = status
        try:
            self.store.update(new, rs["metadata"]["namespace"], subresource="status", copy=False)
        except APIError:
            pass

    def resync(self, now: float) -> None:
        """minReadySeconds: pods become available with time alone."""
        for ns, names in self.selectors.items():
            for name in names:
                rs = self.store.try_get("replicasets", name, ns)
                if rs and (rs.get("spec") or {}).get("minReadySeconds"):
                    st = rs.get("status") or {}
                    if st.get("readyReplicas", 0) > st.get("availableReplicas", 0):
                        self.enqueue((ns, name))


def _deletion_rank(pod: dict, per_node: dict, now: float) -> tuple:
    spec, status, meta = pod.get("spec") or {}, pod.get("status") or {}, pod["metadata"]
    node = spec.get("nodeName") or ""
    ready = is_ready(pod)
    try:
        cost = int((meta.get("annotations") or {}).get(DELETION_COST, 0))
    except ValueError:
        cost = 0
    ready_since = 0.0
    if ready:
        c = ready_condition(pod)
        ready_since = parse_rfc3339(c["lastTransitionTime"]) if c.get("lastTransitionTime") else now
    restarts = max([cs.get("restartCount", 0) for cs in status.get("containerStatuses") or []] or [0])
    created = parse_rfc3339(meta["creationTimestamp"]) if meta.get("creationTimestamp") else now
    return (1 if node else 0, _PHASE_ORDER.get(status.get("phase"), 3), 1 if ready else 0, cost,
            -per_node.get(node, 0) if node else 0, -ready_since, -restarts, -created, meta.get("uid", ""))
