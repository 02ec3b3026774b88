"""The EndpointSlice controller: a Service with a selector gets slices listing its pods.

For each such Service (not ExternalName), the pods of its namespace that match the selector and
have an IP (and are not Succeeded/Failed) become endpoints: one address, ``conditions``
(``serving`` = the pod is Ready, ``terminating`` = it has a deletionTimestamp, ``ready`` =
serving and not terminating; with ``publishNotReadyAddresses`` all of them ready and serving),
``nodeName``, ``zone`` when the node has ``topology.kubernetes.io/zone``, ``targetRef`` and, when
the pod's ``subdomain`` is the Service's name, its ``hostname``. Ports are the Service's ports
resolved for each pod (a named targetPort is looked up among the pod's container ports with the
same protocol; a port a pod cannot resolve is left out for that pod), so pods resolving
differently land in different slices. Slices are named ``<svc>-<5 chars>`` (generateName), hold at
most 100 endpoints (``--max-endpoints-per-slice``), carry the Service's labels plus
``kubernetes.io/service-name`` and ``endpointslice.kubernetes.io/managed-by:
endpointslice-controller.k8s.io`` (``service.kubernetes.io/headless`` for a headless Service),
the ``endpoints.kubernetes.io/last-change-trigger-time`` annotation and an ownerReference to the
Service. A Service whose pods give no endpoint keeps one placeholder slice with null endpoints
and ports. Existing slices keep their endpoints in place; new endpoints fill slices with room
first, as the reconciler does.

Sources: kubernetes/kubernetes pkg/controller/endpointslice/endpointslice_controller.go,
staging/src/k8s.io/endpointslice/{reconciler.go, utils.go (newEndpointSlice, podToEndpoint,
getEndpointPorts, setEndpointSliceLabels), trigger_time_tracker.go}, pkg/api/v1/pod/util.go
(FindPort), pkg/api/v1/endpoints (ShouldPodBeInEndpoints).

Pods and Services are indexed by label, so a pod change looks only at the Services that select
it and a Service sync only at its own pods.
"""

from __future__ import annotations

from k8slab.api.errors import APIError
from k8slab.api.meta import parse_rfc3339, rfc3339
from k8slab.components.controller import Controller

SERVICE_NAME_LABEL = "kubernetes.io/service-name"
MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by"
CONTROLLER_NAME = "endpointslice-controller.k8s.io"
HEADLESS_LABEL = "service.kubernetes.io/headless"
TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time"
ZONE = "topology.kubernetes.io/zone"
MAX_ENDPOINTS_PER_SLICE = 100


def find_port(pod: dict, svc_port: dict) -> int | None:
    """``podutil.FindPort``: a number targetPort as is; a name looked up in the pod's containers
    (and restartable init containers) with the Service port's protocol; None if not found."""
    target = svc_port.get("targetPort", svc_port.get("port"))
    if isinstance(target, int):
        return target
    if isinstance(target, str) and target.isdecimal():
        return int(target)
    proto = svc_port.get("protocol") or "TCP"
    spec = pod.get("spec") or {}
    containers = list(spec.get("containers") or []) + \
        [c for c in spec.get("initContainers") or [] if c.get("restartPolicy") == "Always"]
    for c in containers:
        for p in c.get("ports") or []:
            if p.get("name") == target and (p.get("protocol") or "TCP") == proto:
                return int(p["containerPort"])
    return None


def pod_ready(pod: dict) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in (pod.get("status") or {}).get("conditions") or [])


def should_be_in_endpoints(pod: dict, include_terminating: bool) -> bool:
    """``ShouldPodBeInEndpoints``: has an IP, has not finished, and (unless asked) is not terminating."""
    status = pod.get("status") or {}
    if status.get("phase") in ("Succeeded", "Failed"):
        return False
    if not status.get("podIP"):
        return False
    if not include_terminating and pod["metadata"].get("deletionTimestamp"):
        return False
    return True


def target_ref(pod: dict) -> dict:
    meta = pod["metadata"]
    return {"kind": "Pod", "name": meta["name"], "namespace": meta["namespace"], "uid": meta["uid"]}


def format_trigger_time(seconds: float) -> str:
    """RFC 3339 with nanoseconds, trailing zeros dropped (Go's RFC3339Nano)."""
    whole = int(seconds // 1)
    frac = seconds - whole
    if not frac:
        return rfc3339(whole)
    digits = f"{frac:.9f}"[2:].rstrip("0")
    return f"{rfc3339(whole)[:-1]}.{digits}Z"


class ServicePodIndex:
    """Pods by namespace, name and label, and Services by selector: what the EndpointSlice and
    Endpoints controllers read, held once per store as kube-controller-manager's shared pod and
    Service informers hold it for both. It keeps itself current through its own watches, made
    with it (an initial list, then every event), whichever controllers come and go.

    Like a shared informer's event handlers, the controllers' pod handlers are called from its
    pod watch (:meth:`follow`) instead of each watching every pod, and only for the events of a
    namespace where a Service selects pods: elsewhere a pod event requeues nothing."""

    def __init__(self, store) -> None:
        self.store = store
        self.pods: dict = {}                 # ns -> name -> pod (its labels are the ones indexed)
        self.pods_by_label: dict = {}        # (ns, key, value) -> {pod name}, for the namespaces in labelled
        self.labelled: set = set()           # namespaces whose pods are indexed by label (label_index)
        self.services: dict = {}             # (ns, name) -> selector map
        self.svc_anchor: dict = {}           # ns -> label key -> value -> {service name} (none empty)
        self.followers: list = []            # (resourceVersion when it began, pod event handler)
        for resource in ("services", "pods"):
            store.watch(self.on_event, resource=resource, send_initial=True)

    @classmethod
    def of(cls, store) -> ServicePodIndex:
        """The store's index (made, with its watches, the first time it is asked for)."""
        index = store.client_state.get("service-pods")
        if index is None:
            index = store.client_state["service-pods"] = cls(store)
        return index

    def follow(self, handler) -> None:
        """Call ``handler`` with the pod events from now on (as a watch made now would get them)
        of the namespaces where a Service selects pods."""
        self.followers.append((self.store._rv, handler))

    def unfollow(self, handler) -> None:
        self.followers = [f for f in self.followers if f[1] != handler]

    def on_event(self, event) -> None:
        obj = event.object
        meta = obj["metadata"]
        ns, name = meta.get("namespace", ""), meta["name"]
        if event.resource.kind == "Service":
            old = self.services.pop((ns, name), None)
            if old:
                self._unanchor(ns, *sorted(old.items())[0], name)
            if event.type != "DELETED":
                sel = (obj.get("spec") or {}).get("selector") or {}
                if sel:
                    self.services[(ns, name)] = dict(sel)
                    k, v = sorted(sel.items())[0]
                    self.svc_anchor.setdefault(ns, {}).setdefault(k, {}).setdefault(v, set()).add(name)
            return
        # The pod as last seen holds the labels the index has (no second per-pod map of labels).
        pods = self.pods.get(ns)
        if event.type == "DELETED":
            old_pod = pods.pop(name, None) if pods is not None else None
            labels = None
        else:
            if pods is None:
                pods = self.pods[ns] = {}
            old_pod = pods.get(name)
            pods[name] = obj
            labels = meta.get("labels") or {}
        old_labels = None if old_pod is None else old_pod["metadata"].get("labels") or {}
        # Most events leave the labels as they were (a status update or a binding shares the dict
        # with the old object): the label index stays as it is. A namespace no Service sync has read
        # has none (label_index makes it from the pods when one does).
        if old_labels is not labels and ns in self.labelled and old_labels != labels:
            for k, v in (old_labels or {}).items():    # each is in the index, as it was added
                bucket = self.pods_by_label[(ns, k, v)]
                bucket.discard(name)
                if not bucket:
                    del self.pods_by_label[(ns, k, v)]
            if labels is not None:
                for k, v in labels.items():
                    self.pods_by_label.setdefault((ns, k, v), set()).add(name)
        if ns in self.svc_anchor:
            for start, handler in self.followers:
                if event.seq > start:
                    handler(event)

    def label_index(self, ns: str) -> dict:
        """``pods_by_label``, made to hold ``ns``'s pods if it does not yet: it is kept only for the
        namespaces whose Services were synced (read through this), so that pods no Service reads
        (150,000 of a Deployment in a namespace without one) cost no two set entries a pod."""
        if ns not in self.labelled:
            self.labelled.add(ns)
            by_label = self.pods_by_label
            for name, pod in self.pods.get(ns, {}).items():
                for k, v in (pod["metadata"].get("labels") or {}).items():
                    by_label.setdefault((ns, k, v), set()).add(name)
        return self.pods_by_label

    def _unanchor(self, ns: str, k: str, v: str, name: str) -> None:
        """Take a Service off its anchor label, dropping what is left empty: a namespace without
        selecting Services has no entry, and its pods' events look up nothing more."""
        by_key = self.svc_anchor.get(ns, {})
        by_value = by_key.get(k, {})
        names = by_value.get(v)
        if names is not None:
            names.discard(name)
            if not names:
                del by_value[v]
                if not by_value:
                    del by_key[k]
                    if not by_key:
                        del self.svc_anchor[ns]


class ServicePodsController(Controller):
    """What the EndpointSlice and Endpoints controllers share: the store's :class:`ServicePodIndex`,
    node zones, and the trigger-time tracker. Their own watches decide what to requeue; pod events
    come through the index (:meth:`ServicePodIndex.follow`) when ``shared`` has ``pods``."""

    resources = ("services", "nodes", "pods")

    def __init__(self) -> None:
        super().__init__()
        self.index: ServicePodIndex | None = None
        # The index's maps, read as our own (it fills them in place, never replaces them).
        self.pods: dict = {}
        self.pods_by_label: dict = {}
        self.services: dict = {}
        self.svc_anchor: dict = {}
        self.zones: dict[str, str | None] = {}
        self.last_seen: dict = {}            # service key -> {pod name: state tuple}
        self.svc_seen: dict = {}             # service key -> spec last synced

    def start(self) -> None:
        index = self._open_index()   # its watches come first: it has every event ours deliver
        if "pods" in self.shared:
            index.follow(self.on_event)

    def stop(self) -> None:
        if self.index is not None:
            self.index.unfollow(self.on_event)

    def _open_index(self) -> ServicePodIndex:
        index = self.index = ServicePodIndex.of(self.store)
        self.pods, self.pods_by_label, self.services, self.svc_anchor = \
            index.pods, index.pods_by_label, index.services, index.svc_anchor
        return index

    # -- watch events -------------------------------------------------------------------------------
    def on_event(self, event) -> None:
        if self.index is None:   # a controller watching without a loop opens it here
            self._open_index()
        obj = event.object
        meta = obj["metadata"]
        kind = event.resource.kind
        if kind == "Node":
            zone = (meta.get("labels") or {}).get(ZONE)
            if event.type == "DELETED":
                self.zones.pop(meta["name"], None)
            elif self.zones.get(meta["name"], "-") != zone:
                had = meta["name"] in self.zones
                self.zones[meta["name"]] = zone
                if had:
                    self._requeue_node(meta["name"])
            return
        ns = meta.get("namespace", "")
        if kind == "Service":
            self.enqueue((ns, meta["name"]))
            return
        # The Services selecting the pod before or after: the old labels are those of the pod
        # this watch saw last (the event's old object; none for a new pod), as the index had them.
        # (Pod events come from the index only for a namespace where some Service selects pods.)
        if event.type == "DELETED":
            old_labels, labels = meta.get("labels") or {}, None
        else:
            labels = meta.get("labels") or {}
            old_labels = None if event.old is None else event.old["metadata"].get("labels") or {}
        if old_labels is not labels and old_labels != labels:
            svcs = (self.services_selecting(ns, old_labels) if old_labels else set()) | \
                self.services_selecting(ns, labels or {})
        else:
            svcs = self.services_selecting(ns, labels or {})
        for svc in sorted(svcs):   # a set: its order would vary with the hash seed (names drawn in turn)
            self.enqueue((ns, svc))

    def _requeue_node(self, node: str) -> None:
        for key in list(self.services):
            self.enqueue(key)

    def services_selecting(self, ns: str, labels: dict) -> set:
        """The Services of ``ns`` whose selector ``labels`` match: those anchored on one of the
        labels (the first of their selector, sorted), checked whole."""
        out = set()
        by_key = self.svc_anchor.get(ns)
        if by_key is None:
            return out
        for k, v in labels.items():
            by_value = by_key.get(k)
            if by_value is None:
                continue
            for svc in by_value.get(v, ()):
                sel = self.services.get((ns, svc)) or {}
                if all(labels.get(a) == b for a, b in sel.items()):
                    out.add(svc)
        return out

    def selected_pods(self, ns: str, selector: dict) -> list[dict]:
        """The pods matching a Service selector, by name."""
        by_label = self.index.label_index(ns) if self.index is not None else self.pods_by_label
        pools = [by_label.get((ns, k, v), ()) for k, v in selector.items()]
        if not pools:
            return []
        pool = min(pools, key=len)
        pods = self.pods.get(ns, {})   # holds every pod of a label bucket
        out = []
        for n in sorted(pool):
            pod = pods[n]
            labels = pod["metadata"]["labels"]    # it is in a label bucket: it has labels
            if all(labels.get(k) == v for k, v in selector.items()):
                out.append(pod)
        return out

    # -- trigger time ------------------------------------------------------------------------------
    def trigger_time(self, key, svc: dict, pods: list[dict]) -> str | None:
        """``TriggerTimeTracker.ComputeEndpointLastChangeTriggerTime``: the earliest trigger among
        what changed since the last sync (a pod's Ready transition, the Service's creation)."""
        times = []
        spec = svc.get("spec")
        if self.svc_seen.get(key) != spec:
            self.svc_seen[key] = spec
            times.append(parse_rfc3339(svc["metadata"]["creationTimestamp"]))
        seen = self.last_seen.get(key, {})
        now_seen = {}
        for p in pods:
            st = p.get("status") or {}
            state = (st.get("podIP"), pod_ready(p), bool(p["metadata"].get("deletionTimestamp")),
                     tuple(sorted((p["metadata"].get("labels") or {}).items())))
            now_seen[p["metadata"]["name"]] = state
            if seen.get(p["metadata"]["name"]) != state:
                ready = next((c for c in st.get("conditions") or [] if c.get("type") == "Ready"), None)
                if ready and ready.get("lastTransitionTime"):
                    times.append(parse_rfc3339(ready["lastTransitionTime"]))
        self.last_seen[key] = now_seen
        return format_trigger_time(min(times)) if times else None


def endpoint_ports(svc: dict, pod: dict) -> list[dict]:
    """``getEndpointPorts``: each Service port resolved for this pod (name always present)."""
    out = []
    for sp in (svc.get("spec") or {}).get("ports") or []:
        num = find_port(pod, sp)
        if num is None:
            continue
        p = {"name": sp.get("name", ""), "port": num, "protocol": sp.get("protocol") or "TCP"}
        if sp.get("appProtocol"):
            p["appProtocol"] = sp["appProtocol"]
        out.append(p)
    return out


def _ports_key(ports) -> tuple:
    return tuple(sorted((p.get("name", ""), p.get("port"), p.get("protocol"), p.get("appProtocol") or "")
                        for p in ports or []))


class EndpointSliceController(ServicePodsController):
    """The EndpointSlice controller (``kube-controller-manager``'s ``endpointslice-controller``).
    ``max_endpoints_per_slice``: as the ``--max-endpoints-per-slice`` flag (default 100)."""

    name = "endpointslice-controller"
    resources = ("services", "nodes", "pods", "endpointslices")
    shared = ("pods",)   # through the index

    def __init__(self, max_endpoints_per_slice: int = MAX_ENDPOINTS_PER_SLICE) -> None:
        super().__init__()
        self.max_endpoints = max_endpoints_per_slice
        self.slices: dict = {}   # (ns, service) -> {slice name: slice}

    def on_event(self, event) -> None:
        if event.resource.kind != "EndpointSlice":
            super().on_event(event)
            return
        obj = event.object
        meta = obj["metadata"]
        labels = meta.get("labels") or {}
        svc = labels.get(SERVICE_NAME_LABEL)
        if svc is None or labels.get(MANAGED_BY_LABEL) != CONTROLLER_NAME:
            return
        key = (meta.get("namespace", ""), svc)
        if event.type == "DELETED":
            self.slices.get(key, {}).pop(meta["name"], None)
            self.enqueue(key)   # a slice someone deleted comes back
        else:
            self.slices.setdefault(key, {})[meta["name"]] = obj

    def reconcile(self, key) -> None:
        ns, name = key
        svc = self.store.try_get("services", name, ns)
        existing = sorted(self.slices.get(key, {}).values(), key=lambda s: s["metadata"]["name"])
        if svc is not None:
            existing = [s for s in existing if _owned_by(s, svc)]
        spec = (svc or {}).get("spec") or {}
        if svc is None or not spec.get("selector") or spec.get("type") == "ExternalName" or \
                svc["metadata"].get("deletionTimestamp"):
            if svc is not None:
                for s in existing:
                    self._delete(s)
            self.last_seen.pop(key, None)
            self.svc_seen.pop(key, None)
            return
        pods = self.selected_pods(ns, spec["selector"])
        trigger = self.trigger_time(key, svc, pods)
        publish = bool(spec.get("publishNotReadyAddresses"))
        desired: dict[tuple, dict] = {}      # ports key -> (ports, {pod uid: endpoint})
        for pod in pods:
            if not should_be_in_endpoints(pod, include_terminating=True):
                continue
            ports = endpoint_ports(svc, pod)
            pk = _ports_key(ports)
            group = desired.setdefault(pk, (ports, {}))
            group[1][pod["metadata"]["uid"]] = self.pod_to_endpoint(pod, svc, publish)
        self._apply(svc, existing, desired, trigger)

    def pod_to_endpoint(self, pod: dict, svc: dict, publish: bool) -> dict:
        """``podToEndpoint``."""
        serving = publish or pod_ready(pod)
        terminating = bool(pod["metadata"].get("deletionTimestamp"))
        ep: dict = {"addresses": [pod["status"]["podIP"]],
                    "conditions": {"ready": publish or (serving and not terminating), "serving": serving,
                                   "terminating": terminating}}
        spec = pod.get("spec") or {}
        if spec.get("hostname") and spec.get("subdomain") == svc["metadata"]["name"]:
            ep["hostname"] = spec["hostname"]
        if spec.get("nodeName"):
            ep["nodeName"] = spec["nodeName"]
        ep["targetRef"] = target_ref(pod)
        zone = self.zones.get(spec.get("nodeName", ""))
        if zone:
            ep["zone"] = zone
        return ep

    def _apply(self, svc: dict, existing: list, desired: dict, trigger: str | None) -> None:
        """The reconciler, by port mapping: keep endpoints where they are, update them in place,
        fill slices with room, create new slices for the rest, drop emptied slices."""
        updates: dict[str, dict] = {}            # slice name -> new endpoints (changed slices)
        keep: dict[str, list] = {}               # slice name -> endpoints after removal/update
        to_delete = []
        by_ports: dict[tuple, list] = {}
        for s in existing:
            pk = _ports_key(s.get("ports"))
            if pk not in desired:
                to_delete.append(s)
                continue
            by_ports.setdefault(pk, []).append(s)
        creates: list[tuple[list, list]] = []
        for pk, (ports, eps) in sorted(desired.items()):
            remaining = dict(eps)
            slices = by_ports.get(pk, [])
            for s in slices:
                new_eps = []
                for ep in s.get("endpoints") or []:
                    uid = (ep.get("targetRef") or {}).get("uid")
                    if uid in remaining:
                        new_eps.append(remaining.pop(uid))
                keep[s["metadata"]["name"]] = new_eps
                if new_eps != (s.get("endpoints") or []):
                    updates[s["metadata"]["name"]] = s
            rest = [remaining[u] for u in sorted(remaining, key=lambda u: remaining[u]["targetRef"]["name"])]
            for s in sorted(slices, key=lambda s: -len(keep[s["metadata"]["name"]])):
                if not rest:
                    break
                room = self.max_endpoints - len(keep[s["metadata"]["name"]])
                if room > 0:
                    keep[s["metadata"]["name"]] = keep[s["metadata"]["name"]] + rest[:room]
                    rest = rest[room:]
                    updates[s["metadata"]["name"]] = s
            while rest:
                creates.append((ports, rest[:self.max_endpoints]))
                rest = rest[self.max_endpoints:]
            for s in slices:
                if not keep[s["metadata"]["name"]]:
                    to_delete.append(s)
                    updates.pop(s["metadata"]["name"], None)
        labels = self.slice_labels(svc)
        placeholder = not desired
        if placeholder:
            ph = [s for s in existing if s.get("endpoints") is None and not s.get("ports")]
            to_delete = [s for s in existing if not ph or s is not ph[0]]
            if not ph:
                creates.append((None, None))
        for s in existing:
            if s in to_delete:
                continue
            name = s["metadata"]["name"]
            ann = dict(s["metadata"].get("annotations") or {})
            if name in updates and trigger:
                ann[TRIGGER_TIME] = trigger
            if name in updates or (s["metadata"].get("labels") or {}) != labels:
                new = dict(s)
                new["metadata"] = dict(s["metadata"], labels=labels)
                if ann:
                    new["metadata"]["annotations"] = ann
                if name in keep:
                    new["endpoints"] = keep[name]
                self._write(new)
        for s in to_delete:
            self._delete(s)
        for ports, eps in creates:
            self._create(svc, labels, ports, eps, trigger)

    def slice_labels(self, svc: dict) -> dict:
        """``setEndpointSliceLabels``: the Service's labels, then the reserved ones."""
        labels = {k: v for k, v in (svc["metadata"].get("labels") or {}).items()
                  if k not in (SERVICE_NAME_LABEL, MANAGED_BY_LABEL, HEADLESS_LABEL)}
        if (svc.get("spec") or {}).get("clusterIP") == "None":
            labels[HEADLESS_LABEL] = ""
        labels[MANAGED_BY_LABEL] = CONTROLLER_NAME
        labels[SERVICE_NAME_LABEL] = svc["metadata"]["name"]
        return labels

    def _create(self, svc: dict, labels: dict, ports, eps, trigger) -> None:
        meta = svc["metadata"]
        slice_meta: dict = {"generateName": f"{meta['name']}-", "namespace": meta["namespace"], "labels": labels,
                            "ownerReferences": [{"apiVersion": "v1", "blockOwnerDeletion": True, "controller": True,
                                                 "kind": "Service", "name": meta["name"], "uid": meta["uid"]}]}
        if trigger and eps:
            slice_meta["annotations"] = {TRIGGER_TIME: trigger}
        obj = {"addressType": "IPv4", "apiVersion": "discovery.k8s.io/v1", "endpoints": eps,
               "kind": "EndpointSlice", "metadata": slice_meta, "ports": ports}
        try:
            created = self.store.create(obj, meta["namespace"], validate=False, copy=False)
        except APIError:
            return
        self.slices.setdefault((meta["namespace"], meta["name"]), {})[created["metadata"]["name"]] = created

    def _write(self, new: dict) -> None:
        try:
            stored = self.store.update(new, new["metadata"]["namespace"], validate=False, copy=False)
        except APIError:
            return
        svc = stored["metadata"]["labels"][SERVICE_NAME_LABEL]
        self.slices.setdefault((stored["metadata"]["namespace"], svc), {})[stored["metadata"]["name"]] = stored

    def _delete(self, s: dict) -> None:
        meta = s["metadata"]
        svc = (meta.get("labels") or {}).get(SERVICE_NAME_LABEL)
        self.slices.get((meta["namespace"], svc), {}).pop(meta["name"], None)
        try:
            self.store.delete("endpointslices", meta["name"], meta["namespace"])
        except APIError:
            pass


def _owned_by(s: dict, svc: dict) -> bool:
    refs = s["metadata"].get("ownerReferences") or []
    return any(r.get("uid") == svc["metadata"]["uid"] for r in refs)
