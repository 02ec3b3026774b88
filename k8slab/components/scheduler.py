"""kube-scheduler with its default profile, in simplified but honest form.

A pod without ``spec.nodeName`` (and ``schedulerName: default-scheduler``) goes through the
default plugins in their order. **Filter** (a node's first failing plugin names its reason):
NodeUnschedulable (``spec.unschedulable``, a cordoned node), TaintToleration (NoSchedule and
NoExecute taints: the control-plane taint kind puts on its control-plane node, the
``not-ready``/``unreachable`` taints the node lifecycle controller adds), NodeAffinity
(nodeSelector and requiredDuringScheduling terms), NodePorts (hostPort clashes) and
NodeResourcesFit (pods, cpu, memory, ephemeral storage and extended resources against
allocatable). **Score**: TaintToleration ×3 (PreferNoSchedule), NodeAffinity ×2 (preferred
terms), NodeResourcesFit ×1 (LeastAllocated with the non-zero default requests 100m / 200Mi),
NodeResourcesBalancedAllocation ×1 and PodTopologySpread ×2 with the system default constraints
(hostname maxSkew 3, zone maxSkew 5, over the pods selected by the pod's Services and its
ReplicaSet), each normalized as the plugins do; the highest total wins and ties are broken at
random (the store's seeded ``rng``: the same seed, the same placement). When no node fits, the
FailedScheduling message is ``FitError.Error()`` followed by DefaultPreemption's own fit error.

What is simpler than the real thing: every node is evaluated (``percentageOfNodesToScore: 100``,
which is what the real scheduler does up to 100 nodes); no preemption actually happens (no
priority classes here, so no victims are ever found); no inter-pod affinity, volumes, image
locality or scheduling gates; a retry happens at once when something relevant changes (a node
added or changed, a bound pod gone) and every 5 minutes otherwise, without the backoff queue.

Sources: kubernetes/kubernetes pkg/scheduler/schedule_one.go (schedulePod, handleSchedulingFailure,
finishBinding), pkg/scheduler/framework/types.go (FitError.Error), framework/plugins/
{nodeunschedulable, tainttoleration, nodeaffinity, nodeports, noderesources, podtopologyspread,
defaultpreemption}, pkg/scheduler/apis/config/v1/default_plugins.go (weights).

Performance: nodes with the same labels (hostname aside), taints and requested resources are
interchangeable, so they are kept in buckets and filtered and scored once per bucket; only the
nodes already holding pods of the same spread selector are scored one by one. Per-node
requested resources, per-selector pod counts and the Service/ReplicaSet indexes are all kept
up to date incrementally from watch events: scheduling a pod never rescans pods.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from operator import itemgetter

from k8slab.api.errors import APIError
from k8slab.api.labels import Requirement, from_label_selector
from k8slab.api.meta import rfc3339
from k8slab.components.controller import Controller
from k8slab.components.events import emit
from k8slab.components.resources import QuantityError, parse_quantity, pod_requests

SCHEDULER_NAME = "default-scheduler"
HOSTNAME = "kubernetes.io/hostname"
ZONE = "topology.kubernetes.io/zone"
MAX_NODE_SCORE = 100
UNSCHEDULABLE_RETRY = 300.0   # podMaxInUnschedulablePodsDuration
ACTIVE_SELECTORS = 16

# Filter reasons, as the plugins word them.
ERR_UNSCHEDULABLE = "node(s) were unschedulable"
ERR_AFFINITY = "node(s) didn't match Pod's node affinity/selector"
ERR_PORTS = "node(s) didn't have free ports for the requested pod ports"
ERR_NO_NODES = "no nodes available to schedule pods"
PREEMPTION_NOT_HELPFUL = "Preemption is not helpful for scheduling"
NO_VICTIMS = "No preemption victims found for incoming pod"

# The default profile's score plugins and weights (those that can tell nodes apart here).
W_TAINT, W_AFFINITY, W_FIT, W_BALANCED, W_SPREAD = 3, 2, 1, 1, 2
# PodTopologySpread's system default constraints: (topologyKey, maxSkew).
DEFAULT_CONSTRAINTS = ((HOSTNAME, 3), (ZONE, 5))
_FIRST, _SECOND = itemgetter(0), itemgetter(1)   # a tuple's items, without a Python frame per item


def taint_string(taint: dict) -> str:
    return f"node(s) had untolerated taint {{{taint.get('key', '')}: {taint.get('value', '')}}}"


def tolerates(toleration: dict, taint: dict) -> bool:
    """``Toleration.ToleratesTaint``."""
    effect = toleration.get("effect") or ""
    if effect and effect != taint.get("effect"):
        return False
    key = toleration.get("key") or ""
    if key and key != taint.get("key"):
        return False
    op = toleration.get("operator") or "Equal"
    if op == "Exists":
        return True
    if op == "Equal":
        return (toleration.get("value") or "") == (taint.get("value") or "")
    return False


def untolerated_taint(taints, tolerations, effects=("NoSchedule", "NoExecute")) -> dict | None:
    """``FindMatchingUntoleratedTaint``: the first taint with one of ``effects`` no toleration covers."""
    for taint in taints:
        if taint.get("effect") in effects and not any(tolerates(t, taint) for t in tolerations):
            return taint
    return None


def _match_expression(expr: dict, labels: dict) -> bool:
    key, op, values = expr.get("key", ""), expr.get("operator", ""), expr.get("values") or []
    if op == "In":
        return key in labels and labels[key] in values
    if op == "NotIn":
        return key not in labels or labels[key] not in values
    if op == "Exists":
        return key in labels
    if op == "DoesNotExist":
        return key not in labels
    if op in ("Gt", "Lt"):
        try:
            have, want = int(labels[key]), int(values[0])
        except (KeyError, IndexError, TypeError, ValueError):
            return False
        return have > want if op == "Gt" else have < want
    return False


def match_term(term: dict, labels: dict, name: str) -> bool:
    """A NodeSelectorTerm: all its matchExpressions (on labels) and matchFields (only
    ``metadata.name``); a term with neither matches nothing."""
    exprs, fields = term.get("matchExpressions") or [], term.get("matchFields") or []
    if not exprs and not fields:
        return False
    if not all(_match_expression(e, labels) for e in exprs):
        return False
    return all(f.get("key") == "metadata.name" and _match_expression(f, {"metadata.name": name}) for f in fields)


def required_affinity_matches(spec: dict, labels: dict, name: str) -> bool:
    """``GetRequiredNodeAffinity(pod).Match(node)``: the nodeSelector and the required terms (ORed)."""
    for k, v in (spec.get("nodeSelector") or {}).items():
        if labels.get(k) != v:
            return False
    na = (spec.get("affinity") or {}).get("nodeAffinity") or {}
    required = na.get("requiredDuringSchedulingIgnoredDuringExecution")
    if required is not None:
        terms = required.get("nodeSelectorTerms") or []
        if not any(match_term(t, labels, name) for t in terms):
            return False
    return True


def _references_node_identity(spec: dict) -> bool:
    """Whether the pod's node selection looks at the hostname label or the node's name, the only
    things that differ between otherwise identical nodes."""
    if HOSTNAME in (spec.get("nodeSelector") or {}):
        return True
    na = (spec.get("affinity") or {}).get("nodeAffinity") or {}
    terms = list((na.get("requiredDuringSchedulingIgnoredDuringExecution") or {}).get("nodeSelectorTerms") or [])
    terms += [p.get("preference") or {} for p in na.get("preferredDuringSchedulingIgnoredDuringExecution") or []]
    for t in terms:
        if t.get("matchFields") or any(e.get("key") == HOSTNAME for e in t.get("matchExpressions") or []):
            return True
    return False


def _shape(tolerations, node_selector, affinity) -> tuple[tuple[str, str, str], bool]:
    """What the node-object filters and scores read of a pod, as text (a key of the static cache), and
    whether that names nodes (:func:`_references_node_identity`)."""
    return ((repr(tolerations or []), repr(node_selector), repr(affinity)),
            _references_node_identity({"nodeSelector": node_selector, "affinity": affinity}))


def histogram(reasons: dict[str, int]) -> str:
    """``sortReasonsHistogram``: ``"<count> <reason>"`` items sorted as strings, comma-joined."""
    return ", ".join(sorted(f"{n} {r}" for r, n in reasons.items()))


def fit_error(num_nodes: int, reasons: dict[str, int], post_filter: str = "") -> str:
    """``FitError.Error()``: ``0/N nodes are available: <histogram>.`` then the PostFilter message."""
    msg = f"0/{num_nodes} nodes are available:"
    if reasons:
        msg += f" {histogram(reasons)}."
    if post_filter:
        msg += f" {post_filter}"
    return msg


class NodeInfo:
    """The scheduler cache's view of one node: what it offers and what its pods request."""

    __slots__ = ("name", "labels", "taints", "unschedulable", "alloc", "req_cpu", "req_mem", "req_eph", "nz_cpu",
                 "nz_mem", "scalars", "npods", "ports", "class_id", "bucket", "zone", "record")

    def __init__(self, name: str) -> None:
        self.name = name
        self.labels: dict = {}
        self.taints: list = []
        self.unschedulable = False
        self.alloc = (0, 0, 0, 0, ())   # cpu (milli), memory, ephemeral-storage, pods, scalars
        self.req_cpu = self.req_mem = self.req_eph = self.nz_cpu = self.nz_mem = self.npods = 0
        self.scalars: dict = {}
        self.ports: dict = {}           # (protocol, hostPort) -> {hostIP: count}
        self.class_id = -1
        self.bucket = None
        self.zone = None
        self.record = _UNSEEN   # the last pod record counted and accounted here (Scheduler._spread_update)

    def state_key(self) -> tuple:
        ports = tuple(sorted((k, tuple(sorted(v))) for k, v in self.ports.items())) if self.ports else ()
        scalars = tuple(sorted(self.scalars.items())) if self.scalars else ()
        return (self.alloc, self.req_cpu, self.req_mem, self.req_eph, self.nz_cpu, self.nz_mem, self.npods,
                ports, scalars)


class Bucket:
    """Nodes of one class (labels but hostname, taints, cordon) in one resource state. ``fits``: what
    NodePorts, NodeResourcesFit and the resource scores give here for a pod's ``(PodRequests, host
    ports)`` pair (by the pair's id, the pair held), worked out once: they read only the state, which
    is the bucket's key, so an answer holds as long as the bucket does. ``after``: the bucket a node
    of this one went to when a pod with a pair was added (by the pair's id, the pair held, at most 64):
    the state after is the key's plus the pair's, so it is that bucket while it has nodes (a bucket
    is filed while it has nodes, and one dropped gets none again)."""

    __slots__ = ("key", "names", "pos", "rep", "fits", "after")

    def __init__(self, key) -> None:
        self.key = key
        self.names: list[str] = []
        self.pos: dict[str, int] = {}
        self.rep: NodeInfo | None = None
        self.fits: dict = {}
        self.after: dict = {}

    def add(self, info: NodeInfo) -> None:
        self.pos[info.name] = len(self.names)
        self.names.append(info.name)
        self.rep = info

    def remove(self, info: NodeInfo, nodes: dict) -> None:
        i = self.pos.pop(info.name)
        last = self.names.pop()
        if last != info.name:
            self.names[i] = last
            self.pos[last] = i
        if self.rep is info:
            self.rep = nodes[self.names[0]] if self.names else None


class _SelectorCount:
    """Pods matching one spread selector in one namespace, counted per node (bound, not terminating).
    ``items``: the selector as a label map when it is only equalities (a Service's selector, a
    ReplicaSet's matchLabels), which a pod's labels then match by holding every item; else None."""

    __slots__ = ("key", "ns", "reqs", "items", "nodes", "groups", "zones")

    def __init__(self, key, ns, reqs) -> None:
        self.key = key
        self.ns = ns
        self.reqs = reqs
        single = [r for r in reqs if _equality(r) and len(r.values) == 1]
        wanted = {r.key: r.values[0] for r in single}
        # every requirement one equality, none contradicting another (a repeated key asks the same value)
        same = len(single) == len(reqs) and all(wanted[r.key] == r.values[0] for r in single)
        self.items = wanted.items() if same else None
        self.nodes: dict[str, int] = {}
        # bucket (the object: its nodes' groups leave it before it is dropped, so a bucket made anew under
        # the same key starts with none) -> {count: sorted list of nodes}, while in use
        self.groups: dict | None = None
        self.zones: dict = {}      # zone -> count of matching pods on nodes of that zone

    def matches(self, labels: dict) -> bool:
        if self.items is not None:
            return self.items <= labels.items()
        return all(r.matches(labels) for r in self.reqs)


def _equality(r) -> bool:
    """Whether Requirement ``r`` asks for one value of its key (``=``, ``==``, ``in`` with one value)."""
    return r.op in ("=", "==") or (r.op == "in" and len(r.values) == 1)


def _host_ports(spec: dict) -> list[tuple[str, str, int]]:
    out = []
    for c in spec.get("containers") or []:
        for p in c.get("ports") or []:
            if p.get("hostPort"):
                out.append((p.get("hostIP") or "0.0.0.0", p.get("protocol") or "TCP", int(p["hostPort"])))
    return out


def _ports_conflict(used: dict, wanted: list) -> bool:
    for ip, proto, port in wanted:
        ips = used.get((proto, port))
        if ips and (ip == "0.0.0.0" or "0.0.0.0" in ips or ip in ips):
            return True
    return False


def _by_identity(memo: dict, parts: tuple, compute):
    """``compute()``, a function of ``parts`` only, remembered per identity of the parts: pods of
    one template share them (stored objects are read only). The memo holds the parts themselves,
    so their ids stay theirs; it is emptied at 4096 entries. What raises is not remembered."""
    key = tuple(map(id, parts))
    found = memo.get(key)
    if found is None:
        if len(memo) >= 4096:
            memo.clear()
        found = memo[key] = (parts, compute())
    return found[1]


class _LabelGroups:
    """The pods counted on nodes (bound, not terminating, not finished), grouped by namespace and labels (by
    value), which a new selector counts from: ``groups``, (ns, frozenset of label items) -> {node: how many
    such pods count on it} (none empty); ``anchor``, (ns, key, value) -> {group key: None}, the groups with
    that label. The pods of a template make one group: a few entries, not one per pod and label."""

    __slots__ = ("groups", "anchor", "last")

    def __init__(self) -> None:
        self.groups: dict = {}
        self.anchor: dict = {}
        self.last: tuple = (None, None, None)   # the last (labels, ns, group key) of count

    def count(self, ns: str, labels: dict, node: str, delta: int) -> None:
        """Change how many pods of ``ns`` with ``labels`` count on ``node``, filing a group under its labels
        while it has pods. The group key of the last labels object is kept with it (held, so its id stays its
        own; stored objects are read only): the pods of a template share one."""
        last = self.last
        if last[0] is labels and last[1] == ns:
            gkey = last[2]
        else:
            gkey = (ns, frozenset(labels.items()))
            self.last = (labels, ns, gkey)
        nodes = self.groups.get(gkey)
        if nodes is None:
            nodes = self.groups[gkey] = {}
            for k, v in gkey[1]:
                self.anchor.setdefault((ns, k, v), {})[gkey] = None
        n = nodes.get(node, 0) + delta
        if n:
            nodes[node] = n
            return
        del nodes[node]
        if not nodes:
            del self.groups[gkey]
            for k, v in gkey[1]:
                held = self.anchor[(ns, k, v)]
                del held[gkey]
                if not held:
                    del self.anchor[(ns, k, v)]


# What the scheduler keeps per pod, one tuple: (labels, node, accounted, pair). ``labels``: the labels object of
# the last event (None: none seen yet); ``node``: where the pod counts for spreading (None unless bound, not
# terminating, not finished); ``accounted``: the NodeInfo its requests were added to, the name of a node not
# known then (nothing added), or None; ``pair``: the (PodRequests, host ports) added, None unless a NodeInfo.
# Records are filed by the pod's uid (a string the store holds: no key tuple kept per pod); the record of a
# pod counted and accounted on a node is the node's last such one when equal (a template's pods share it).
_UNSEEN = (None, None, None, None)


def _record_key(meta: dict, key: tuple):
    """Where the scheduler files a pod's record: its uid (a pod without one, which no store makes: its key)."""
    return meta.get("uid") or key


class Scheduler(Controller):
    """The default scheduler. ``host``: the machine it runs on (``reportingInstance`` is
    ``default-scheduler-<host>``); ``rng``: the tie-breaking source (default: the store's)."""

    name = SCHEDULER_NAME
    resources = ("nodes", "services", "replicasets", "pods")

    def __init__(self, host: str = "kind-control-plane", rng=None) -> None:
        # 29 attributes with Controller's: past 30, CPython 3.11 stops sharing the instance dict's keys and
        # every self.<attr> read takes the slow path (+0.35% instructions a pod); group new state in an object
        super().__init__()
        self.instance = f"{SCHEDULER_NAME}-{host}" if host else SCHEDULER_NAME
        self._rng = rng
        self.nodes: dict[str, NodeInfo] = {}
        self.buckets: dict = {}
        self._classes: dict = {}
        self.unschedulable: dict = {}            # pod key -> virtual time of the last failed attempt
        # spreading: pods grouped by labels, counted state, selector caches, Service/ReplicaSet indexes
        self._groups = _LabelGroups()            # pods counted on nodes, grouped by labels
        # pod key -> (labels, node it counts on for spreading or None, where its requests are accounted,
        # their (PodRequests, host ports) pair): see _UNSEEN
        self._pods: dict = {}
        self._selectors: dict = {}               # selector key -> _SelectorCount
        # the selectors' _SelectorCount objects themselves, not their keys (deep tuples to hash)
        self._anchors: dict = {}                 # (ns, key, value) -> [selectors]
        self._unanchored: dict = {}              # ns -> [selectors]
        self._services: dict = {}                # (ns, name) -> selector map
        self._svc_anchor: dict = {}              # ns -> {(key, value): set of service keys} (none empty)
        self._rs_selectors: dict = {}            # (ns, name) -> tuple of Requirements
        self._static_cache: dict = {}
        self._pairs: dict = {}                   # what a pod asks (by value) -> one (PodRequests, host ports)
        self._views: dict = {}                   # ids of the spec parts _view reads -> (them, its answer)
        self._last_asks = None
        self._zoned = 0                          # how many nodes carry a zone label
        self._node_selectors: dict = {}          # node -> {selector with pods on it: None}
        self._active: dict = {}                  # selectors whose by-bucket groups are kept, oldest first
        self._last_selector = None               # (ns, requirements, _SelectorCount) of the last pod spread
        self._last_matching: tuple = (None, None, 0, [])   # _matching's last (labels, ns, selectors, answer)

    @property
    def rng(self):
        return self._rng if self._rng is not None else self.store.rng

    # --- watch events: keep the cache -----------------------------------------------------------------
    def on_event(self, event) -> None:
        kind = event.resource.kind
        if kind == "Pod":
            self._pod_event(event)
        elif kind == "Node":
            self._node_event(event)
        elif kind == "Service":
            self._service_event(event)
        elif kind == "ReplicaSet":
            meta = event.object["metadata"]
            key = (meta.get("namespace"), meta["name"])
            if event.type == "DELETED":
                self._rs_selectors.pop(key, None)
            else:
                sel = (event.object.get("spec") or {}).get("selector") or {}
                self._rs_selectors[key] = from_label_selector(sel).requirements if sel else ()

    def _node_event(self, event) -> None:
        node = event.object
        name = node["metadata"]["name"]
        if event.type == "DELETED":
            info = self.nodes.pop(name, None)
            if info is not None and info.zone is not None:
                self._zoned -= 1
                # its pods count in no zone now (as in the counts of a node not known, which _count
                # leaves alone when they go)
                for sc in self._node_selectors.get(name, ()):
                    z = sc.zones.get(info.zone, 0) - sc.nodes[name]
                    if z:
                        sc.zones[info.zone] = z
                    else:
                        sc.zones.pop(info.zone, None)
            if info is not None and info.bucket is not None:
                info.bucket.remove(info, self.nodes)
                if not info.bucket.names:
                    self.buckets.pop(info.bucket.key, None)
                # its pods still count until they go, now in the groups of no bucket (where _count and
                # _activate put a node not known), so that no tie is broken onto it
                for sc in self._node_selectors.get(name, ()):
                    if sc.groups is not None:
                        _group_move(sc, name, info.bucket, sc.nodes[name], None, sc.nodes[name])
            return
        info = self.nodes.get(name)
        new = info is None
        if new:
            info = self.nodes[name] = NodeInfo(name)
        spec, status = node.get("spec") or {}, node.get("status") or {}
        labels = (node["metadata"].get("labels") or {})
        taints = list(spec.get("taints") or [])
        alloc = status.get("allocatable") or {}
        try:
            scalars = tuple(sorted((k, parse_quantity(v)) for k, v in alloc.items()
                                   if k not in ("cpu", "memory", "ephemeral-storage", "pods")))
            alloc_t = (parse_quantity(alloc.get("cpu", 0), milli=True), parse_quantity(alloc.get("memory", 0)),
                       parse_quantity(alloc.get("ephemeral-storage", 0)), parse_quantity(alloc.get("pods", 0)),
                       scalars)
        except QuantityError:
            alloc_t = (0, 0, 0, 0, ())
        changed = new or labels != info.labels or taints != info.taints or \
            bool(spec.get("unschedulable")) != info.unschedulable or alloc_t != info.alloc
        if not changed:
            return
        info.labels, info.taints, info.unschedulable, info.alloc = labels, taints, bool(spec.get("unschedulable")), \
            alloc_t
        if info.zone is not None:
            self._zoned -= 1
        old_zone, info.zone = info.zone, labels.get(ZONE)
        if info.zone is not None:
            self._zoned += 1
        if old_zone != info.zone:
            for sc in self._node_selectors.get(name, ()):
                cnt = sc.nodes[name]
                if old_zone is not None:
                    sc.zones[old_zone] -= cnt
                if info.zone is not None:
                    sc.zones[info.zone] = sc.zones.get(info.zone, 0) + cnt
        class_key = (tuple(sorted((k, v) for k, v in labels.items() if k != HOSTNAME)),
                     tuple(tuple(sorted(t.items())) for t in taints), info.unschedulable)
        cid = self._classes.get(class_key)
        if cid is None:
            cid = self._classes[class_key] = len(self._classes)
        info.class_id = cid
        self._rebucket(info)
        self._retry_unschedulable()

    def _rebucket(self, info: NodeInfo) -> None:
        """File ``info`` in the bucket of its class and state (made if none has nodes)."""
        key = (info.class_id, info.state_key())
        b = self.buckets.get(key)   # a bucket is filed under its key while it has nodes
        if b is None:
            b = Bucket(key)
        self._move(info, b)

    def _move(self, info: NodeInfo, b: Bucket) -> None:
        """Move ``info`` to bucket ``b`` (filed under its key if new), dropping the old one if left empty;
        the selectors' groups follow."""
        old = info.bucket
        if old is not None:
            if old is b:
                return
            old.remove(info, self.nodes)
            if not old.names:
                self.buckets.pop(old.key, None)
        if not b.names:
            self.buckets[b.key] = b
        b.add(info)
        info.bucket = b
        for sc in self._node_selectors.get(info.name, ()):
            if sc.groups is not None:
                cnt = sc.nodes[info.name]
                _group_move(sc, info.name, old, cnt, b, cnt)

    def _count(self, sc: _SelectorCount, node: str, delta: int) -> None:
        """Change how many of ``sc``'s pods ``node`` holds, keeping groups, zones and the reverse index."""
        old = sc.nodes.get(node, 0)
        new = old + delta
        info = self.nodes.get(node)
        if sc.groups is not None:
            bk = info.bucket if info is not None else None
            _group_move(sc, node, bk, old, bk, new)
        if new:
            sc.nodes[node] = new
            if not old:
                self._node_selectors.setdefault(node, {})[sc] = None
        else:
            sc.nodes.pop(node, None)
            held = self._node_selectors.get(node)
            if held is not None:
                held.pop(sc, None)
                if not held:
                    del self._node_selectors[node]
        if info is not None and info.zone is not None:
            z = sc.zones.get(info.zone, 0) + delta
            if z:
                sc.zones[info.zone] = z
            else:
                sc.zones.pop(info.zone, None)

    def _retry_unschedulable(self) -> None:
        for key in list(self.unschedulable):
            self.enqueue(key)

    def _pod_event(self, event) -> None:
        pod = event.object
        meta, spec = pod["metadata"], pod.get("spec") or {}
        key = (meta.get("namespace", ""), meta["name"])
        rkey = _record_key(meta, key)
        phase = (pod.get("status") or {}).get("phase")
        node = spec.get("nodeName")
        if event.type == "DELETED":
            self._unaccount(rkey)
            self.unschedulable.pop(key, None)
            self._spread_update(rkey, key[0], None, None)
            return
        counts = node and phase not in ("Succeeded", "Failed") and not meta.get("deletionTimestamp")
        accounted = self._spread_update(rkey, key[0], pod, node if counts else None)
        if node:
            self.unschedulable.pop(key, None)
            if phase in ("Succeeded", "Failed"):
                self._unaccount(rkey)
            elif (accounted.name if isinstance(accounted, NodeInfo) else accounted) != node:
                self._unaccount(rkey, retry=False)
                self._account(rkey, spec, node)
            return
        if spec.get("schedulerName", SCHEDULER_NAME) != SCHEDULER_NAME or phase in ("Succeeded", "Failed"):
            return
        old = event.old
        if event.type == "MODIFIED" and old is not None and key not in self.queued:
            # status-only changes (our own condition updates among them) do not requeue (isPodUpdated)
            if old.get("spec") == pod.get("spec") and _meta_same(old["metadata"], meta):
                return
        self.enqueue(key)

    def _account(self, key, spec: dict, node_name: str, pair=None) -> None:
        """Count the pod's requests and host ports on its node; ``key``: its record's (:func:`_record_key`),
        ``pair``: its ``_asks`` if known."""
        info = self.nodes.get(node_name)
        labels, counted, _, _ = self._pods.get(key, _UNSEEN)
        if info is None:   # a node not known (yet): nothing to count on it, now or when it comes
            self._pods[key] = (labels, counted, node_name, None)
            return
        if pair is None:
            try:
                pair = self._asks(spec)
            except QuantityError:
                pair = self._shared(pod_requests({}), _host_ports(spec))
        self._pods[key] = (labels, counted, info, pair)
        req, ports = pair
        info.req_cpu += req.cpu
        info.req_mem += req.memory
        info.req_eph += req.ephemeral
        info.nz_cpu += req.nonzero_cpu
        info.nz_mem += req.nonzero_memory
        info.npods += 1
        for k, v in req.scalars.items():
            info.scalars[k] = info.scalars.get(k, 0) + v
        for ip, proto, port in ports:
            ips = info.ports.setdefault((proto, port), {})
            ips[ip] = ips.get(ip, 0) + 1
        old = info.bucket
        if old is None:
            self._rebucket(info)
            return
        step = old.after.get(id(pair))
        if step is not None and step[1].names:   # where a node of this bucket went with this pair, still filed
            self._move(info, step[1])
            return
        self._rebucket(info)
        if len(old.after) >= 64:
            old.after.clear()
        old.after[id(pair)] = (pair, info.bucket)

    def _shared(self, req, ports: list) -> tuple:
        """``(req, ports)`` as one pair for every pod that asks the same (read only: a node's pods
        keep them), so that 150,000 pods of a few shapes hold a few pairs, not 150,000 (~0.3 KiB a
        pod). Keyed by value: never stale."""
        share = (req.cpu, req.memory, req.ephemeral, req.nonzero_cpu, req.nonzero_memory,
                 tuple(sorted(req.scalars.items())), tuple(ports))
        pair = self._pairs.get(share)
        if pair is None:
            pair = (req, share[-1])
            if len(self._pairs) < 4096:
                self._pairs[share] = pair
        return pair

    def _unaccount(self, key, retry: bool = True) -> None:
        labels, counted, info, pair = self._pods.get(key, _UNSEEN)
        if info is None:
            return
        self._pods[key] = (labels, counted, None, None)
        if pair is None or self.nodes.get(info.name) is not info:
            return   # counted nowhere, or on a node since gone (deleted, or deleted and made anew)
        req, ports = pair
        info.req_cpu -= req.cpu
        info.req_mem -= req.memory
        info.req_eph -= req.ephemeral
        info.nz_cpu -= req.nonzero_cpu
        info.nz_mem -= req.nonzero_memory
        info.npods -= 1
        for k, v in req.scalars.items():
            info.scalars[k] -= v
            if not info.scalars[k]:
                del info.scalars[k]
        for ip, proto, port in ports:
            ips = info.ports[(proto, port)]
            ips[ip] -= 1
            if not ips[ip]:
                del ips[ip]
            if not ips:
                del info.ports[(proto, port)]
        self._rebucket(info)
        if retry:
            self._retry_unschedulable()

    # --- Services and the spread selector -----------------------------------------------------------
    def _service_event(self, event) -> None:
        meta = event.object["metadata"]
        key = (meta.get("namespace"), meta["name"])
        old = self._services.pop(key, None)
        if old:   # off its anchor, dropping what is left empty
            by_label = self._svc_anchor[key[0]]
            a = sorted(old.items())[0]
            by_label[a].discard(key)
            if not by_label[a]:
                del by_label[a]
                if not by_label:
                    del self._svc_anchor[key[0]]
        if event.type == "DELETED":
            return
        sel = (event.object.get("spec") or {}).get("selector") or {}
        if sel:
            self._services[key] = dict(sel)
            self._svc_anchor.setdefault(key[0], {}).setdefault(sorted(sel.items())[0], set()).add(key)

    def default_selector(self, pod: dict) -> tuple:
        """``helper.DefaultSelector``: the pod's Services' selectors merged, plus its controlling
        ReplicaSet's selector; an empty tuple when nothing selects the pod."""
        meta = pod["metadata"]
        ns, labels = meta.get("namespace", ""), meta.get("labels") or {}
        merged: dict = {}
        by_label = self._svc_anchor.get(ns)
        if by_label is not None:   # some Service of the namespace selects pods
            seen = set()
            for item in labels.items():
                for skey in by_label.get(item, ()):
                    if skey in seen:
                        continue
                    seen.add(skey)
                    sel = self._services.get(skey) or {}
                    if all(labels.get(a) == b for a, b in sel.items()):
                        merged.update(sel)
        owned: tuple = ()
        for owner in meta.get("ownerReferences") or ():
            if owner.get("controller"):
                if owner.get("kind") == "ReplicaSet" and str(owner.get("apiVersion", "")).startswith("apps/"):
                    owned = self._rs_selectors.get((ns, owner.get("name")), ())
                break
        if not merged:
            return owned   # the ReplicaSet's own tuple (or the empty one)
        return (*[Requirement(k, "=", [v]) for k, v in sorted(merged.items())], *owned)

    def _selector_counts(self, ns: str, reqs: tuple) -> _SelectorCount:
        """The pod counts of the spread selector ``reqs`` in ``ns``, made on first use. The last answer is kept
        with its ``reqs`` (held, so its id stays its own): the pods of a ReplicaSet come in a row and give
        its own tuple (:meth:`default_selector`), so they skip building and hashing the key. Counts are never
        dropped, so the kept one cannot go stale."""
        last = self._last_selector
        if last is not None and last[1] is reqs and last[0] == ns:
            return last[2]
        skey = (ns, tuple((r.key, r.op, r.values) for r in reqs))
        sc = self._selectors.get(skey)
        if sc is None:
            sc = self._new_selector(skey, ns, reqs)
        self._last_selector = (ns, reqs, sc)
        return sc

    def _new_selector(self, skey, ns: str, reqs: tuple) -> _SelectorCount:
        """Start counting ``reqs``: from the pods holding its first equality label (every pod of the
        namespace when it has none); index it by that label for later pod events."""
        sc = self._selectors[skey] = _SelectorCount(skey, ns, reqs)
        eq = [r for r in reqs if _equality(r)]
        if eq:
            pools = [self._groups.anchor.get((ns, r.key, r.values[0]), {}) for r in eq]
            pool = min(pools, key=len)
            anchor = (ns, eq[0].key, eq[0].values[0])
            self._anchors.setdefault(anchor, []).append(sc)
        else:   # no label to start from (rare): every group of the namespace
            pool = [gkey for gkey in self._groups.groups if gkey[0] == ns]
            self._unanchored.setdefault(ns, []).append(sc)
        for gkey in pool:
            if sc.matches(dict(gkey[1])):
                for node, cnt in self._groups.groups[gkey].items():
                    self._count(sc, node, cnt)
        return sc

    def _activate(self, sc: _SelectorCount) -> None:
        """Keep by-bucket groups only for the selectors in use lately (the pods being scheduled now):
        moving a node between buckets then touches a few selectors, not every one it holds pods of."""
        if sc.groups is not None and self._active and next(reversed(self._active)) is sc.key:
            return   # the latest already: nothing would move
        self._active.pop(sc.key, None)
        self._active[sc.key] = None
        if sc.groups is None:
            sc.groups = {}
            for node, cnt in sc.nodes.items():
                info = self.nodes.get(node)
                bk = info.bucket if info is not None else None
                sc.groups.setdefault(bk, {}).setdefault(cnt, []).append(node)
            for by_count in sc.groups.values():
                for nodes in by_count.values():
                    nodes.sort()
        while len(self._active) > ACTIVE_SELECTORS:
            old = next(iter(self._active))
            del self._active[old]
            self._selectors[old].groups = None

    def _spread_update(self, key, ns: str, pod: dict | None, node: str | None):
        """Keep the label index and every cached selector count right after an event of a pod of ``ns``
        (``key``: its record's, :func:`_record_key`): ``pod`` is None when it is gone; ``node`` is where it
        counts for spreading (None unless bound, not terminating and not finished). Returns where the pod
        is accounted (its record's ``accounted``)."""
        old_labels, old_node, accounted, pair = self._pods.get(key, _UNSEEN)
        if pod is None:
            new_labels = node = None
        else:
            new_labels = pod["metadata"].get("labels") or {}
            if new_labels is old_labels and node == old_node:
                return accounted   # the same labels object (the store keeps it through writes), counted as before
        relabeled = old_labels is not new_labels and old_labels != new_labels
        if new_labels is None:
            self._pods.pop(key, None)
        elif node is not None and accounted.__class__ is NodeInfo and accounted.name == node:
            record = accounted.record   # counted where accounted: the node's last such record, if equal
            if record[0] is not new_labels or record[3] is not pair:
                record = accounted.record = (new_labels, node, accounted, pair)
            self._pods[key] = record
        else:
            self._pods[key] = (new_labels, node, accounted, pair)
        if not (old_node or node) or (old_node == node and not relabeled):
            return accounted   # counted nowhere before or after (a pod not bound yet), or as before
        if old_node:
            self._groups.count(ns, old_labels, old_node, -1)
        if node:
            self._groups.count(ns, new_labels, node, 1)
        if not self._selectors:
            return accounted
        if not relabeled:   # moved between nodes with its labels: the selectors matching them
            for sc in self._matching(ns, new_labels):
                if old_node:
                    self._count(sc, old_node, -1)
                if node:
                    self._count(sc, node, 1)
            return accounted
        for sc in self._candidates(ns, (old_labels, new_labels)):
            if old_node and sc.matches(old_labels):
                self._count(sc, old_node, -1)
            if node and sc.matches(new_labels):
                self._count(sc, node, 1)
        return accounted

    def _candidates(self, ns: str, label_maps) -> list:
        """The selectors that may count a pod with one of ``label_maps`` (None for none): those anchored on one
        of its labels, and the namespace's unanchored ones; each once, in a fixed order."""
        anchors = self._anchors
        cands: list = list(self._unanchored.get(ns, ()))
        for labels in label_maps:
            if labels:
                for k, v in labels.items():
                    found = anchors.get((ns, k, v))
                    if found:
                        cands.extend(found)
        return list(dict.fromkeys(cands)) if len(cands) > 1 else cands

    def _matching(self, ns: str, labels: dict) -> list:
        """The selectors of ``ns`` that ``labels`` match. The last answer is kept with the labels object (held,
        read only as all the store holds) and the number of selectors: a selector is only ever added (never
        dropped), so the same object and number give the same answer; the pods of a template share one."""
        last = self._last_matching
        if last[0] is labels and last[1] == ns and last[2] == len(self._selectors):
            return last[3]
        found = [sc for sc in self._candidates(ns, (labels,)) if sc.matches(labels)]
        self._last_matching = (labels, ns, len(self._selectors), found)
        return found

    # --- scheduling -----------------------------------------------------------------------------------
    def resync(self, now: float) -> None:
        for key, when in list(self.unschedulable.items()):
            if now - when >= UNSCHEDULABLE_RETRY:
                self.enqueue(key)

    def reconcile(self, key) -> None:
        ns, name = key
        pod = self.store.try_get("pods", name, ns)
        if pod is None or (pod.get("spec") or {}).get("nodeName"):
            self.unschedulable.pop(key, None)
            return
        if pod["metadata"].get("deletionTimestamp"):
            self._emit(pod, "Warning", "FailedScheduling", "Scheduling", f"skip schedule deleting pod: {ns}/{name}")
            return
        node, message = self.schedule(pod)
        asks = self._last_asks
        if node is None:
            self._fail(key, pod, message)
            return
        try:
            self.store.bind(name, node, ns)
        except APIError as e:  # raced with someone else's binding: as the real binder, report and retry
            self._fail(key, pod, str(e))
            return
        self.unschedulable.pop(key, None)
        self._account(_record_key(pod["metadata"], key), pod.get("spec") or {}, node, asks)
        # "Successfully assigned {ns}/{name} to {node}", kept as the node until the event is read
        self._emit(pod, "Normal", "Scheduled", "Binding", ("Successfully assigned {}/{} to {}", node))

    def _emit(self, pod, type_, reason, action, note) -> None:
        """Write an event about ``pod`` (``note``: a message or a template pair, see :func:`emit`)."""
        emit(self.store, pod, type_, reason, action, note, SCHEDULER_NAME, self.instance, result=False)

    def _fail(self, key, pod: dict, message: str) -> None:
        self.unschedulable[key] = self.store.clock()
        self._emit(pod, "Warning", "FailedScheduling", "Scheduling", _truncate(message))
        status = pod.get("status") or {}
        conds = list(status.get("conditions") or [])
        cond = {"lastProbeTime": None, "lastTransitionTime": rfc3339(self.store.clock()), "message": message,
                "reason": "Unschedulable", "status": "False", "type": "PodScheduled"}
        for i, c in enumerate(conds):
            if c.get("type") == "PodScheduled":
                if c.get("status") == "False":
                    cond["lastTransitionTime"] = c.get("lastTransitionTime") or cond["lastTransitionTime"]
                if all(c.get(k) == cond[k] for k in ("status", "reason", "message")):
                    return
                conds[i] = cond
                break
        else:
            conds.append(cond)
        new = dict(pod)
        new["status"] = dict(status, conditions=conds)
        try:
            self.store.update(new, pod["metadata"]["namespace"], subresource="status", copy=False)
        except APIError:
            pass

    def schedule(self, pod: dict) -> tuple[str | None, str]:
        """Pick a node for ``pod``: ``(node, "")``, or ``(None, FailedScheduling message)``."""
        self._last_asks = None
        if not self.nodes:
            return None, ERR_NO_NODES
        spec = pod.get("spec") or {}
        try:
            asks, shape, per_node = self._view(spec)
        except QuantityError as e:
            return None, str(e)
        self._last_asks = asks
        tolerations = spec.get("tolerations") or []
        reasons: dict[str, int] = {}
        unresolvable = resolvable = 0
        feasible: list[_Entry] = []
        for bucket in self.buckets.values():
            rep = bucket.rep
            fails = None
            if per_node:   # the pod names nodes: the node-object filters run node by node
                for n in bucket.names:
                    info = self.nodes[n]
                    st = self._static(spec, tolerations, info)
                    if st[0] is not None:
                        reasons[st[0]] = reasons.get(st[0], 0) + 1
                        unresolvable += 1
                        continue
                    if fails is None:
                        fails, scores = self._bucket_fit(bucket, asks)
                    if fails:
                        for r in fails:
                            reasons[r] = reasons.get(r, 0) + 1
                        resolvable += 1
                        continue
                    feasible.append(_Entry(bucket, [n], st[1], st[2], *scores))
                continue
            ck = (shape, rep.class_id)
            st = self._static_cache.get(ck)
            if st is None:
                if len(self._static_cache) > 50_000:
                    self._static_cache.clear()
                st = self._static_cache[ck] = self._static(spec, tolerations, rep)
            size = len(bucket.names)
            if st[0] is not None:
                reasons[st[0]] = reasons.get(st[0], 0) + size
                unresolvable += size
                continue
            fails, scores = self._bucket_fit(bucket, asks)
            if fails:
                for r in fails:
                    reasons[r] = reasons.get(r, 0) + size
                resolvable += size
                continue
            feasible.append(_Entry(bucket, None, st[1], st[2], *scores))
        if not feasible:
            post = {}
            if unresolvable:
                post[PREEMPTION_NOT_HELPFUL] = unresolvable
            if resolvable:
                post[NO_VICTIMS] = resolvable
            total = len(self.nodes)
            return None, fit_error(total, reasons, "preemption: " + fit_error(total, post))
        return self._select(pod, feasible), ""

    def _bucket_fit(self, bucket: Bucket, asks: tuple) -> tuple:
        """``(reasons the bucket's nodes cannot take the pod, (LeastAllocated, BalancedAllocation) or
        None)`` for the pod's ``(PodRequests, host ports)`` pair: :meth:`_fit` and
        :meth:`_resource_scores` on its representative, kept in ``bucket.fits`` (at most 64)."""
        found = bucket.fits.get(id(asks))
        if found is None:
            if len(bucket.fits) >= 64:
                bucket.fits.clear()
            req, ports = asks
            fails = self._fit(bucket.rep, req, ports)
            found = bucket.fits[id(asks)] = (asks, fails, None if fails else self._resource_scores(bucket.rep, req))
        return found[1], found[2]

    def _view(self, spec: dict) -> tuple:
        """What scheduling reads of a pod's spec: ``(asks, shape, names nodes)``, the shared ``(PodRequests,
        host ports)`` pair (``_shared``; raises QuantityError) and :func:`_shape`'s two answers. They read only
        containers, initContainers, overhead, tolerations, nodeSelector and affinity: worked out once per set
        of those parts (:func:`_by_identity`), which the pods of one template share."""
        tolerations, node_selector, affinity = spec.get("tolerations"), spec.get("nodeSelector"), spec.get("affinity")
        parts = (spec.get("containers"), spec.get("initContainers"), spec.get("overhead"),
                 tolerations, node_selector, affinity)
        return _by_identity(self._views, parts, lambda: (
            self._shared(pod_requests(spec), _host_ports(spec)), *_shape(tolerations, node_selector, affinity)))

    def _asks(self, spec: dict) -> tuple:
        """The pod's shared ``(PodRequests, host ports)`` pair (:meth:`_view`); raises QuantityError."""
        return self._view(spec)[0]

    def _static(self, spec, tolerations, info: NodeInfo) -> tuple:
        """The node-object filters (NodeUnschedulable, TaintToleration, NodeAffinity) and the
        node-object scores: ``(failure reason or None, PreferNoSchedule count, preferred weight)``."""
        if info.unschedulable and not any(
                tolerates(t, {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"})
                for t in tolerations):
            return (ERR_UNSCHEDULABLE, 0, 0)
        taint = untolerated_taint(info.taints, tolerations)
        if taint is not None:
            return (taint_string(taint), 0, 0)
        labels, name = info.labels, info.name
        if not required_affinity_matches(spec, labels, name):
            return (ERR_AFFINITY, 0, 0)
        prefer = [t for t in tolerations if (t.get("effect") or "PreferNoSchedule") == "PreferNoSchedule"]
        taint_raw = sum(1 for taint in info.taints if taint.get("effect") == "PreferNoSchedule"
                        and not any(tolerates(t, taint) for t in prefer))
        na = (spec.get("affinity") or {}).get("nodeAffinity") or {}
        aff_raw = 0
        for p in na.get("preferredDuringSchedulingIgnoredDuringExecution") or []:
            if p.get("weight") and match_term(p.get("preference") or {}, labels, name):
                aff_raw += int(p["weight"])
        return (None, taint_raw, aff_raw)

    @staticmethod
    def _fit(info: NodeInfo, req, ports) -> list[str]:
        """NodePorts, then NodeResourcesFit (``fitsRequest``): the reasons this node cannot take the pod."""
        if ports and _ports_conflict(info.ports, ports):
            return [ERR_PORTS]
        cpu, mem, eph, pods, scalars = info.alloc
        out = []
        if info.npods + 1 > pods:
            out.append("Too many pods")
        if not (req.cpu or req.memory or req.ephemeral or req.scalars):
            return out
        if req.cpu > 0 and req.cpu > cpu - info.req_cpu:
            out.append("Insufficient cpu")
        if req.memory > 0 and req.memory > mem - info.req_mem:
            out.append("Insufficient memory")
        if req.ephemeral > 0 and req.ephemeral > eph - info.req_eph:
            out.append("Insufficient ephemeral-storage")
        have = dict(scalars)
        for name in sorted(req.scalars):
            if req.scalars[name] > 0 and req.scalars[name] > have.get(name, 0) - info.scalars.get(name, 0):
                out.append(f"Insufficient {name}")
        return out

    @staticmethod
    def _resource_scores(info: NodeInfo, req) -> tuple[int, int]:
        """NodeResourcesFit's LeastAllocated (non-zero requests, cpu and memory weight 1) and
        NodeResourcesBalancedAllocation (actual requests; skipped for a best-effort pod)."""
        cpu, mem = info.alloc[0], info.alloc[1]
        total = weights = 0
        if cpu != 0:
            requested = info.nz_cpu + req.nonzero_cpu
            total += 0 if requested > cpu else (cpu - requested) * MAX_NODE_SCORE // cpu
            weights += 1
        if mem != 0:
            requested = info.nz_mem + req.nonzero_memory
            total += 0 if requested > mem else (mem - requested) * MAX_NODE_SCORE // mem
            weights += 1
        fit = total // weights if weights else 0
        if not (req.cpu or req.memory):
            return fit, 0
        fractions = [min(1.0, r / c) for r, c in ((info.req_cpu + req.cpu, cpu), (info.req_mem + req.memory, mem))
                     if c]
        std = abs(fractions[0] - fractions[1]) / 2 if len(fractions) == 2 else 0.0
        return fit, int((1 - std) * MAX_NODE_SCORE)

    def _select(self, pod: dict, feasible: list) -> str:
        """Score the feasible nodes and pick the best, ties at random (``selectHost``)."""
        first = feasible[0]
        count, max_taint, max_aff = 0, first.taint_raw, first.aff_raw
        for e in feasible:
            count += len(e.pool)
            if e.taint_raw > max_taint:
                max_taint = e.taint_raw
            if e.aff_raw > max_aff:
                max_aff = e.aff_raw
        if count == 1:   # only one node after filtering: no scoring
            return first.pool[0]
        for e in feasible:
            t = MAX_NODE_SCORE - (MAX_NODE_SCORE * e.taint_raw // max_taint if max_taint else 0)
            a = MAX_NODE_SCORE * e.aff_raw // max_aff if max_aff else 0
            e.base = W_TAINT * t + W_AFFINITY * a + W_FIT * e.fit + W_BALANCED * e.balanced
        reqs = self.default_selector(pod)
        if reqs:
            groups = self._spread(pod, reqs, feasible, count)
        else:
            groups = [(e.base, len(e.pool), e.pool, None) for e in feasible]
        best = groups[0][0]
        tied: list = []
        for g in groups:   # the groups of the best score, in order
            if g[0] > best:
                best, tied = g[0], [g]
            elif g[0] == best:
                tied.append(g)
        total = sum(map(_SECOND, tied))
        r = self.rng.randrange(total) if total > 1 else 0
        for _, size, pool, held in tied:
            if r < size:
                return self._pick(pool, held, r)
            r -= size
        raise AssertionError("unreachable")

    def _pick(self, pool, held, r: int) -> str:
        """The ``r``-th node of ``pool`` (a bucket's nodes, or a selector's group of equal nodes, kept
        sorted), skipping the nodes in ``held`` (a selector's per-node counts: nodes with matching
        pods score apart)."""
        if held is None:
            return pool[r]
        counts, n_held = held
        if len(pool) > 2 * n_held:   # mostly eligible: draw until an eligible node comes up
            while True:
                n = pool[self.rng.randrange(len(pool))]
                if n not in counts:
                    return n
        return [n for n in pool if n not in counts][r]

    def _spread(self, pod, reqs, feasible: list, count: int) -> list:
        """PodTopologySpread with the system default constraints (PreScore, Score, NormalizeScore).
        Returns groups of equally scored nodes: ``(score, size, pool, held)``."""
        ns = pod["metadata"].get("namespace", "")
        spec = pod.get("spec") or {}
        sc = self._selector_counts(ns, reqs)
        self._activate(sc)
        if self._zoned and (spec.get("nodeSelector") or (((spec.get("affinity") or {}).get("nodeAffinity") or {})
                                                         .get("requiredDuringSchedulingIgnoredDuringExecution"))):
            zone_counts: dict = {}   # only nodes matching the pod's node affinity count (nodeAffinityPolicy Honor)
            for node_name, cnt in sc.nodes.items():
                info = self.nodes.get(node_name)
                if info is not None and info.zone is not None and \
                        required_affinity_matches(spec, info.labels, info.name):
                    zone_counts[info.zone] = zone_counts.get(info.zone, 0) + cnt
        else:
            zone_counts = sc.zones
        (_, skew_host), (_, skew_zone) = DEFAULT_CONSTRAINTS
        w_host = math.log(count + 2)
        # the zone term's weight, read only for nodes with a zone (none unless some node is zoned)
        w_zone = math.log(len({"" if e.zone is None else e.zone for e in feasible}) + 2) if self._zoned else 0.0
        raws = []   # (raw, entry, size, pool, held)
        for e in feasible:
            zone = e.zone
            # the zone term (adding 0.0 for a node without a zone changes no float)
            zone_raw = 0.0 if zone is None else zone_counts.get(zone, 0) * w_zone + (skew_zone - 1)
            if e.names is not None:
                raw = _go_round(sc.nodes.get(e.names[0], 0) * w_host + (skew_host - 1) + zone_raw)
                raws.append((raw, e, 1, e.names, None))
                continue
            by_count = sc.groups.get(e.bucket) or {}
            held = sum(map(len, by_count.values())) if by_count else 0
            if held < len(e.pool):
                raws.append((_go_round(skew_host - 1 + zone_raw), e, len(e.pool) - held, e.pool,
                             (sc.nodes, held) if held else None))
            for cnt, nodes in by_count.items():
                raws.append((_go_round(cnt * w_host + (skew_host - 1) + zone_raw), e, len(nodes), nodes, None))
        lo = min(map(_FIRST, raws))
        hi = max(map(_FIRST, raws))
        out = []
        for r, e, size, pool, held in raws:
            norm = MAX_NODE_SCORE if hi == 0 else MAX_NODE_SCORE * (hi + lo - r) // hi
            out.append((e.base + W_SPREAD * norm, size, pool, held))
        return out


class _Entry:
    """Feasible nodes that score alike: a whole bucket (``names`` None) or one node of it; ``pool``:
    those nodes, ``zone``: theirs."""

    __slots__ = ("bucket", "names", "pool", "zone", "taint_raw", "aff_raw", "fit", "balanced", "base")

    def __init__(self, bucket, names, taint_raw, aff_raw, fit, balanced) -> None:
        self.bucket, self.names, self.taint_raw, self.aff_raw = bucket, names, taint_raw, aff_raw
        self.pool = names if names is not None else bucket.names
        self.zone = bucket.rep.zone
        self.fit, self.balanced = fit, balanced
        self.base = 0


def _group_move(sc: _SelectorCount, node: str, old_bucket, old_cnt: int, new_bucket, new_cnt: int) -> None:
    """Move ``node`` between ``sc``'s groups (kept sorted, so that a tie is broken by index in O(1))."""
    if old_cnt:
        by_count = sc.groups.get(old_bucket)
        if by_count is not None:
            nodes = by_count.get(old_cnt)
            if nodes is not None:
                i = bisect_left(nodes, node)
                if i < len(nodes) and nodes[i] == node:
                    del nodes[i]
                if not nodes:
                    del by_count[old_cnt]
                    if not by_count:
                        del sc.groups[old_bucket]
    if new_cnt:
        nodes = sc.groups.setdefault(new_bucket, {}).setdefault(new_cnt, [])
        i = bisect_left(nodes, node)
        if i == len(nodes) or nodes[i] != node:
            nodes.insert(i, node)


def _go_round(x: float) -> int:
    """Go's math.Round: half away from zero."""
    return int(math.floor(x + 0.5)) if x >= 0 else -int(math.floor(-x + 0.5))


def _truncate(message: str, limit: int = 1024) -> str:
    """``truncateMessage``: an event note is at most 1024 bytes (NoteLengthLimit)."""
    return message if len(message) <= limit else message[:limit - 4] + " ..."


def _meta_same(a: dict, b: dict) -> bool:
    skip = ("resourceVersion", "generation", "managedFields", "finalizers")
    return {k: v for k, v in a.items() if k not in skip} == {k: v for k, v in b.items() if k not in skip}
