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

Pods are indexed by their controller's uid, and each ReplicaSet's pods are tallied (active,
fully labeled, ready) as their watch events arrive, so a reconcile that creates a burst of pods
costs the burst, not the ReplicaSet's size (150,000 pods come in 300 bursts of 500). Like the real
controller, it works from what its watch has delivered (the informer cache).
"""

from __future__ import annotations

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


def _name(obj: dict) -> str:
    return obj["metadata"]["name"]


def owner_reference(owner: dict) -> dict:
    meta = owner["metadata"]
    return {"apiVersion": owner["apiVersion"], "blockOwnerDeletion": True, "controller": True,
            "kind": owner["kind"], "name": meta["name"], "uid": meta["uid"]}


def pod_from_template(rs: dict) -> dict:
    """``GetPodFromTemplate``: labels, annotations, finalizers and spec of the template, the
    generateName prefix ``<rs>-`` and the controller reference. The labels and the spec's parts are the
    stored template's own, shared read-only (the store never writes into what it holds, and defaulting
    writes nothing into an already-defaulted spec): thousands of pods, one set of containers, and one
    labels object for every burst, which the scheduler's and the tally's per-labels-object answers
    then keep across bursts."""
    template = (rs.get("spec") or {}).get("template") or {}
    tmeta = template.get("metadata") or {}
    meta: dict = {"generateName": rs["metadata"]["name"] + "-", "namespace": rs["metadata"]["namespace"]}
    if tmeta.get("labels"):
        meta["labels"] = tmeta["labels"]
    if tmeta.get("annotations"):
        meta["annotations"] = dict(tmeta["annotations"])
    if tmeta.get("finalizers"):
        meta["finalizers"] = list(tmeta["finalizers"])
    meta["ownerReferences"] = [owner_reference(rs)]
    spec = template.get("spec") or {}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": dict(spec)}


def another_pod(pod: dict) -> dict:
    """A pod like ``pod`` (one :func:`pod_from_template` made) with its own top level, metadata
    and spec, the dicts the store writes into when it creates a pod; the labels, annotations,
    finalizers and owner reference below are shared, read-only like everything the store holds.
    The pods of one burst of creates so share one set of them."""
    return {"apiVersion": pod["apiVersion"], "kind": pod["kind"], "metadata": dict(pod["metadata"]),
            "spec": dict(pod["spec"])}


def fully_labeled(labels: dict, tlabels: dict) -> bool:
    """Whether a pod has every label of the template with its value (``fullyLabeledReplicas``). The
    pods of a template have its labels: a set comparison tells, the walk is for the others."""
    return tlabels.items() <= labels.items() or all(labels.get(k) == v for k, v in tlabels.items())


def count_fully_labeled(pods, tlabels: dict) -> int:
    """How many of ``pods`` are :func:`fully_labeled`, each labels object looked at once while it
    is the last one seen (the pods of a burst share one; stored objects are read only)."""
    n, last, full = 0, None, False
    for p in pods:
        labels = p["metadata"].get("labels") or {}
        if labels is not last:
            last, full = labels, fully_labeled(labels, tlabels)
        n += full
    return n


UNMATCHED, COUNTED, FULL, READY = 1, 2, 4, 8   # what a pod adds to its ReplicaSet's tally


def pod_share(pod: dict, full: int) -> int:
    """What a matching pod adds to its ReplicaSet's tally, ``full`` (FULL or 0) saying whether it is
    fully labeled: COUNTED | full, with READY if it :func:`is_ready`, when it :func:`is_active`; else 0."""
    if not is_active(pod):
        return 0
    return COUNTED | full | READY if is_ready(pod) else COUNTED | full


class _Tally:
    """A ReplicaSet's owned pods summed up under one selector and template labels: the active pods
    that match (``active``, ``full``: fully labeled, ``ready``) and those that do not match
    (``unmatched``: the reconcile releases them). Kept up to date from pod events, each pod's share
    remembered (``flags``) so that taking it out does not depend on the old object; rebuilt when
    the ReplicaSet's selector or template labels differ from the ones it was built for."""

    __slots__ = ("sel_spec", "tlabels", "sel", "active", "full", "ready", "unmatched", "flags", "last")

    def __init__(self, sel_spec: dict, tlabels: dict, sel, pods: dict) -> None:
        self.sel_spec, self.tlabels, self.sel = sel_spec, tlabels, sel
        self.active = self.full = self.ready = self.unmatched = 0
        self.flags: dict = {}
        # the labels object last looked at, held (its id stays its own) with what it gives: whether
        # the selector matches and the template labels are all there (a burst's pods share one)
        self.last: tuple = (None, False, False)
        for key, pod in pods.items():
            self.add(key, pod)

    def add(self, key, pod: dict) -> None:
        labels = pod["metadata"].get("labels") or {}
        last = self.last
        if last[0] is labels:   # stored objects are read only: the same object, the same answers
            matched, full = last[1], last[2]
        else:
            matched = self.sel.matches(labels)
            full = matched and fully_labeled(labels, self.tlabels)
            self.last = (labels, matched, full)
        f = pod_share(pod, FULL if full else 0) if matched else UNMATCHED
        self.flags[key] = f
        self._count(f, 1)

    def restate(self, key, pod: dict) -> None:
        """Count again a pod whose labels are as they were (its status or deletion changed):
        whether it matches and is fully labeled is then known from its share, unless it had
        none or was not active (worked out whole, as :meth:`add` does)."""
        f = self.flags.get(key)
        if not f:
            self.remove(key)
            self.add(key, pod)
            return
        if f & UNMATCHED:
            return
        new = pod_share(pod, f & FULL)
        if new != f:   # f is COUNTED and more: the pod stopped counting, or became ready or not
            self.flags[key] = new
            if new:
                self.ready += 1 if new & READY else -1
            else:
                self._count(f, -1)

    def remove(self, key) -> None:
        f = self.flags.pop(key, None)
        if f is not None:
            self._count(f, -1)

    def _count(self, f: int, sign: int) -> None:
        if f & UNMATCHED:
            self.unmatched += sign
        if f & COUNTED:
            self.active += sign
        if f & FULL:
            self.full += sign
        if f & READY:
            self.ready += sign

    def fits(self, sel_spec: dict, tlabels: dict) -> bool:
        return sel_spec == self.sel_spec and tlabels == self.tlabels


class ReplicaSetController(Controller):
    """The ReplicaSet controller (``kube-controller-manager``'s ``replicaset-controller``)."""

    name = COMPONENT
    resources = ("replicasets", "pods")

    def __init__(self) -> None:
        super().__init__()
        # Pods are named by their uid (a string they hold: no (namespace, name) tuple kept per pod).
        self.owned: dict[str, dict] = {}          # controller uid -> {pod uid: pod}
        self.orphans: dict[str, dict] = {}        # namespace -> {pod uid: pod}
        self.selectors: dict[str, dict] = {}      # namespace -> {rs name: Selector}
        self.pod_owner: dict = {}                 # pod uid -> controller uid
        self.tallies: dict[str, _Tally] = {}      # controller uid -> its owned pods summed up

    # -- watch events ---------------------------------------------------------------------------
    def on_event(self, event) -> None:
        obj = event.object
        meta = obj["metadata"]
        ns = meta.get("namespace", "")
        if event.resource.kind == "ReplicaSet":
            if event.type == "DELETED":
                self.selectors.get(ns, {}).pop(meta["name"], None)
                self.tallies.pop(meta["uid"], None)
                return
            sel = (obj.get("spec") or {}).get("selector")
            self.selectors.setdefault(ns, {})[meta["name"]] = from_label_selector(sel) if sel else None
            self.enqueue((ns, meta["name"]))
            return
        key = meta["uid"]
        if event.old is not None and event.type != "DELETED" and self._same_owner(key, obj, event.old, ns):
            return
        ref = controller_ref(obj)
        uid = ref.get("uid") if ref is not None and event.type != "DELETED" else None
        old_uid = self.pod_owner.pop(key, None)
        if old_uid is not None:
            owned = self.owned.get(old_uid, {})
            # a pod that stays with its owner keeps its place (replaced below), as on the short way
            old = owned.get(key) if old_uid == uid else owned.pop(key, None)
            tally = self.tallies.get(old_uid)
            if old is not None and tally is not None:
                tally.remove(key)
        orphans = self.orphans.get(ns)
        if orphans:
            orphans.pop(key, None)
        if event.type != "DELETED":
            if ref is not None:
                self.pod_owner[key] = uid
                owned = self.owned.get(uid)
                if owned is None:
                    owned = self.owned[uid] = {}
                owned[key] = obj
                tally = self.tallies.get(uid)
                if tally is not None:
                    tally.add(key, obj)
            elif is_active(obj):
                self.orphans.setdefault(ns, {})[key] = obj
                labels = meta.get("labels") or {}
                for name, sel in self.selectors.get(ns, {}).items():
                    if sel is not None and not sel.empty() and sel.matches(labels):
                        self.enqueue((ns, name))
        old_ref = controller_ref(event.old) if event.old is not None else None
        queued = self.queued
        for r in (ref, old_ref):
            if r is not None and r.get("kind") == "ReplicaSet":
                rs_key = (ns, r.get("name"))
                if rs_key not in queued:   # mostly queued already: a burst's pods share it
                    self.enqueue(rs_key)

    def _same_owner(self, key, obj: dict, old: dict, ns: str) -> bool:
        """The common pod event (a binding, a status patch) done short: the pod we hold for ``key``
        is the event's old object and has the very ownerReferences and labels objects of ``obj``
        (the store's copy-on-write keeps them), so its owner, orphan state and selector match are
        what they were. The pod replaces the one held in place (the order of an owner's pods decides
        nothing: a scale-down ranks them whole, releases go in name order), its tally share is
        worked out again only if its status or deletionTimestamp changed, and its owner is enqueued,
        as :meth:`on_event` does. False (nothing done) in any other case."""
        meta = obj["metadata"]
        refs = meta.get("ownerReferences")
        if not refs:
            return False
        ref = controller_ref(obj)
        if ref is None:
            return False
        uid = ref.get("uid")
        owned = self.owned.get(uid)
        if owned is None:
            return False
        held = owned.get(key)
        if held is not old:
            return False
        hmeta = held["metadata"]
        if hmeta.get("ownerReferences") is not refs or hmeta.get("labels") is not meta.get("labels"):
            return False
        owned[key] = obj
        tally = self.tallies.get(uid)
        if tally is not None and (held.get("status") is not obj.get("status") or key not in tally.flags
                                  or hmeta.get("deletionTimestamp") != meta.get("deletionTimestamp")):
            tally.restate(key, obj)
        if ref.get("kind") == "ReplicaSet":
            rs_key = (ns, ref.get("name"))
            if rs_key not in self.queued:   # mostly queued already: a burst's pods share it
                self.enqueue(rs_key)
        return True

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
        tally = self._tally(rs, sel, uid)
        extra = [p for p in self._claim(rs, sel, uid, tally) if is_active(p)]   # adopted: not tallied yet
        gone: list[dict] = []   # tallied pods deleted now
        diff = tally.active + len(extra) - int(spec.get("replicas", 1))
        if diff < 0:
            template = pod_from_template(rs)
            for _ in range(min(-diff, BURST_REPLICAS)):
                pod = another_pod(template)
                try:
                    created = self.store.create(pod, ns, validate=False, copy=False)
                except APIError as e:
                    record(self.store, rs, "Warning", "FailedCreate", f"Error creating: {e.message}", COMPONENT)
                    break
                extra.append(created)
                record(self.store, rs, "Normal", "SuccessfulCreate", f"Created pod: {created['metadata']['name']}",
                       COMPONENT)
        elif diff > 0:
            active = self._active(uid, tally) + extra
            for pod in self.pods_to_delete(rs, active, min(diff, BURST_REPLICAS)):
                pname = pod["metadata"]["name"]
                try:
                    self.store.delete("pods", pname, ns)
                except APIError:
                    continue
                if any(p is pod for p in extra):
                    extra = [p for p in extra if p is not pod]
                else:
                    gone.append(pod)
                record(self.store, rs, "Normal", "SuccessfulDelete", f"Deleted pod: {pname}", COMPONENT)
        self._update_status(rs, uid, tally, extra, gone)

    def _tally(self, rs: dict, sel, uid: str) -> _Tally:
        """The ReplicaSet's tally, rebuilt from its owned pods if its selector or template labels changed."""
        spec = rs.get("spec") or {}
        sel_spec = spec.get("selector") or {}
        tlabels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
        tally = self.tallies.get(uid)
        if tally is None or not tally.fits(sel_spec, tlabels):
            tally = self.tallies[uid] = _Tally(sel_spec, tlabels, sel, self.owned.get(uid, {}))
        return tally

    def _active(self, uid: str, tally: _Tally) -> list[dict]:
        """The tallied pods themselves (the owned, matching, active ones), in the order first seen."""
        return [p for k, p in self.owned.get(uid, {}).items() if tally.flags.get(k, 0) & COUNTED]

    def _claim(self, rs: dict, sel, uid: str, tally: _Tally) -> list[dict]:
        """``ClaimPods``: owned pods that no longer match are released; matching orphans are adopted
        (returned: their events have not reached the tally yet)."""
        ns = rs["metadata"]["namespace"]
        if tally.unmatched:   # in name order, as orphans are adopted
            flags = tally.flags
            for pod in sorted((p for k, p in self.owned.get(uid, {}).items()
                               if flags.get(k, 0) & UNMATCHED and is_active(p)), key=_name):
                refs = [r for r in pod["metadata"].get("ownerReferences") or [] if r.get("uid") != uid]
                self._set_owners(pod, refs)
        out: list[dict] = []
        if rs["metadata"].get("deletionTimestamp"):
            return out
        for pod in sorted(self.orphans.get(ns, {}).values(), key=_name):
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

    def _update_status(self, rs: dict, uid: str, tally: _Tally, extra: list[dict], gone: list[dict]) -> None:
        """``calculateStatus`` over the tallied pods, plus ``extra`` (adopted or created now), less
        ``gone`` (deleted now)."""
        spec = rs.get("spec") or {}
        template_labels = tally.tlabels
        mrs = int(spec.get("minReadySeconds") or 0)
        now = self.store.clock()
        extra = [p for p in extra if is_active(p)]

        replicas = tally.active + len(extra) - len(gone)
        full = tally.full + count_fully_labeled(extra, template_labels) - count_fully_labeled(gone, template_labels)
        ready = tally.ready + sum(1 for p in extra if is_ready(p)) - sum(1 for p in gone if is_ready(p))
        if mrs:   # availability changes with time alone: look at each pod
            gone_ids = {id(p) for p in gone}
            avail = sum(1 for p in self._active(uid, tally) + extra
                        if id(p) not in gone_ids and is_available(p, mrs, now))
        else:
            avail = ready
        status: dict = {}
        for k, v in (("availableReplicas", avail), ("fullyLabeledReplicas", full),
                     ("observedGeneration", rs["metadata"].get("generation", 0)), ("readyReplicas", ready)):
            if v:
                status[k] = v
        status["replicas"] = replicas
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
