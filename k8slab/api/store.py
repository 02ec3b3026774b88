"""The store: the course's apiserver and etcd in one object.

It keeps API objects (plain dicts in the apiserver's JSON shape), gives them uid,
resourceVersion, creationTimestamp and generation, defaults and validates them, allocates
Service ClusterIPs and NodePorts, collects garbage (dependents go when their owner goes) and
tells watchers what changed::

    >>> from k8slab.api import Store
    >>> store = Store(clock=lambda: 0, seed=1)
    >>> seen = store.watch(resource="pods")            # no handler: events are collected in seen.events
    >>> pod = store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"},
    ...                     "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    >>> pod["metadata"]["namespace"], pod["spec"]["restartPolicy"], [e.type for e in seen.events]
    ('default', 'Always', ['ADDED'])

Watch events are delivered in order from one queue, processed until it is empty, never from
threads. With ``dispatch="auto"`` (the default) the queue runs at the end of every call that
changed something; with ``dispatch="manual"`` it runs when :meth:`Store.dispatch` is called,
which lets a cluster decide when its controllers react.

Objects the store returns are its own: treat them as read-only and pass a changed copy
(:func:`k8slab.api.meta.clone`) to :meth:`Store.update`. The store never changes an object it has
handed out; every change makes a new dict, so an event's ``old`` stays what it was. A new version
shares with the old one the parts it did not change (copy-on-write: a status patch copies the
top level, the metadata and the status, not the spec), so no part of a stored object may be
written into, however deep.
"""

from __future__ import annotations

import random
from collections import deque
from operator import attrgetter

from . import allocators, defaults
from .errors import (
    APIError,
    ClientError,
    StatusError,
    already_exists,
    bad_request,
    conflict,
    forbidden_error,
    invalid,
    invalid_error,
    not_found,
    required,
)
from .fields import FieldSelector, parse_field_selector
from .labels import Selector, parse_selector
from .meta import as_clock, clone, generate_name, new_uid, new_uid_int, rfc3339, uuid_text
from .patch import merge_patch, strategic_merge_patch
from .resources import Resource, by_qualified, for_kind, lookup, no_match_error

DEFAULT_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")
UNDELETABLE_NAMESPACES = ("default", "kube-public", "kube-system")
# Kinds whose spec changes bump metadata.generation (the others never show a generation).
GENERATION_KINDS = frozenset({"Pod", "Deployment", "ReplicaSet", "DaemonSet", "Ingress", "IngressClass",
                              "NetworkPolicy"})
# Kinds with a status subresource: an update of the object keeps the stored status.
STATUS_KINDS = frozenset({"Pod", "Service", "Deployment", "ReplicaSet", "DaemonSet", "Node", "Namespace", "Ingress"})
# Metadata the apiserver sets itself: whatever a create request says about them is dropped.
_SERVER_SET = frozenset({"uid", "resourceVersion", "creationTimestamp", "deletionTimestamp",
                         "deletionGracePeriodSeconds", "generation", "selfLink", "managedFields"})
_META_ORDER = ("name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
               "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations",
               "ownerReferences", "finalizers", "managedFields")


class WatchEvent:
    """One watch event: ``type`` (ADDED, MODIFIED, DELETED), the ``object`` and, for MODIFIED and
    DELETED, the ``old`` object; ``resource`` is the object's :class:`Resource`."""

    __slots__ = ("type", "object", "old", "resource", "seq")

    def __init__(self, type, object, old, resource, seq):
        self.type, self.object, self.old, self.resource, self.seq = type, object, old, resource, seq

    def to_dict(self) -> dict:
        """As the apiserver streams it: ``{"type": "ADDED", "object": {...}}``."""
        return {"type": self.type, "object": self.object}

    def __repr__(self):
        meta = self.object.get("metadata", {})
        name = f'{meta.get("namespace")}/{meta.get("name")}' if meta.get("namespace") else meta.get("name")
        return f"<WatchEvent {self.type} {self.resource.type_name}/{name} rv={meta.get('resourceVersion')}>"


class Watch:
    """A subscription made by :meth:`Store.watch`; ``events`` collects events when no handler is given."""

    def __init__(self, store, handler, resource, namespace, start, field=None, order=0):
        self.store = store
        self.handler = handler
        self.resource = resource
        self.namespace = namespace
        self.start = start
        self.field = field          # (dotted path, value): a field selector such as spec.nodeName=kind-worker
        self.order = order          # subscription order: events reach watchers in it
        self.events: list[WatchEvent] = []
        self.active = True

    def deliver(self, event: WatchEvent) -> None:
        if self.handler is None:
            self.events.append(event)
        else:
            self.handler(event)

    def stop(self) -> None:
        """Stop receiving events."""
        self.active = False
        if self in self.store._watches:
            self.store._watches.remove(self)
        bucket = self.store._watch_bucket(self)
        if self in bucket:
            bucket.remove(self)
        self.store._watch_lists.clear()


class Deferred:
    """An object the store keeps compactly until something reads it: a write-mostly object such as
    an Event, which nothing reads while a cluster builds (large clusters keep Events in an etcd of
    their own for the same reason). A subclass keeps its parts in ``__slots__`` (``name`` and
    ``namespace`` among them) and makes in :meth:`build` the dict :meth:`Store.create` would have
    stored; its metadata is only its name and namespace, plus what the store sets at write time:
    the uid and the resourceVersion, kept as one int ``ids`` (the UUID's int in its low 128 bits,
    the resourceVersion's above them: one int object, not two), and ``created``
    (creationTimestamp). See :meth:`Store.create_deferred`."""

    __slots__ = ("ids", "created")
    name: str
    namespace: str

    def build(self, metadata: dict) -> dict:
        """The object, with ``metadata`` (made by the store) as its metadata."""
        raise NotImplementedError


_UID_BITS = (1 << 128) - 1


def _metadata(deferred: Deferred) -> dict:
    """A Deferred object's metadata, as :meth:`Store.create` would have made it."""
    ids = deferred.ids
    return {"name": deferred.name, "namespace": deferred.namespace, "uid": uuid_text(ids & _UID_BITS),
            "resourceVersion": str(ids >> 128), "creationTimestamp": deferred.created}


# Kinds whose objects the store changes as it creates them: they cannot be Deferred.
_NOT_DEFERRABLE = defaults.DEFAULTED_KINDS | GENERATION_KINDS | {"Service"}

_META_ORDERS: dict[tuple, tuple | None] = {}  # metadata keys as given -> as the apiserver orders them (None: same)


def _in_meta_order(meta: dict) -> dict:
    """``meta`` with its keys in the apiserver's order (:data:`_META_ORDER`, then the others as
    they come); ``meta`` itself when they already are. The order depends only on the keys, so it
    is worked out once per key sequence."""
    keys = tuple(meta)
    order = _META_ORDERS.get(keys, False)
    if order is False:
        rank = {k: i for i, k in enumerate(_META_ORDER)}
        ordered = tuple(sorted(keys, key=lambda k: rank.get(k, len(rank))))
        order = None if ordered == keys else ordered
        if len(_META_ORDERS) < 4096:
            _META_ORDERS[keys] = order
    return meta if order is None else {k: meta[k] for k in order}


def _own_spec_and_ports(obj: dict) -> None:
    """Give ``obj`` its own spec and ports (new dicts), so that allocating a ClusterIP or NodePort
    writes nothing into a spec shared with the stored object."""
    spec = obj.get("spec")
    if isinstance(spec, dict):
        spec = obj["spec"] = dict(spec)
        if isinstance(spec.get("ports"), list):
            spec["ports"] = [dict(p) if isinstance(p, dict) else p for p in spec["ports"]]


_BY_ORDER = attrgetter("order")


def _namespace_and_name(obj: dict) -> tuple[str, str]:
    meta = obj["metadata"]
    return meta.get("namespace", ""), meta["name"]


def _field(obj: dict, parts: tuple[str, ...]):
    """The value at a dotted path given as its parts (None where the path ends early)."""
    for part in parts:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj


def _status_defaulted(res: Resource, status) -> bool:
    """Whether defaulting a status write (the stored spec and metadata, ``status`` as written) would
    change nothing, so :meth:`Store._commit_update` may skip it: for a Pod, whose defaults walk no
    spec shared with the stored version (:func:`~k8slab.api.defaults.apply_defaults`) and fill in
    only a status's ``phase`` and ``qosClass``, a status that has both (the kubelet's). Other kinds
    and statuses are defaulted as always."""
    return res.kind == "Pod" and status.__class__ is dict and "phase" in status and "qosClass" in status


class Store:
    """The apiserver + etcd.

    ``clock``: a callable (or object with ``now()``) giving seconds since 2025-01-12T10:00:00Z.
    ``seed`` or ``rng``: the source of uids, generated names and allocated ClusterIPs/NodePorts.
    ``service_cidr`` and ``node_port_range``: as the kube-apiserver flags.
    ``dispatch``: ``"auto"`` or ``"manual"`` (see the module docstring).
    ``graceful_pod_deletion``: deleting a scheduled Pod only marks it (deletionTimestamp) and a
    kubelet finishes the job, as in Kubernetes; off by default since a bare store has no kubelet.
    """

    def __init__(self, clock=None, seed: int = 0, *, rng: random.Random | None = None,
                 service_cidr: str = "10.96.0.0/16", node_port_range=(30000, 32767),
                 dispatch: str = "auto", namespaces=DEFAULT_NAMESPACES, graceful_pod_deletion: bool = False):
        self.clock = as_clock(clock)
        self.rng = rng if rng is not None else random.Random(seed)
        self.dispatch_mode = dispatch
        self.graceful_pod_deletion = graceful_pod_deletion
        self.cluster_ips = allocators.ClusterIPAllocator(service_cidr, self.rng)
        self.node_ports = allocators.NodePortAllocator(node_port_range[0], node_port_range[1], self.rng)
        self._rv = 0
        # qualified plural -> namespace ('' if cluster-scoped) -> name -> object
        self._data: dict[str, dict[str, dict[str, dict]]] = {}
        self._sorted: dict[tuple[str, str], list[str]] = {}
        # resource -> field path -> field value -> {uid}: for every path a watch selects on, so a new
        # field-selected watch (a kubelet starting) finds its objects without a scan. Objects are
        # named by their uid here and in _dependents: a string they already hold, no tuple each.
        self._field_index: dict[str, dict[tuple[str, ...], dict]] = {}
        self._by_uid: dict[str, dict] = {}          # uid -> the stored object (not a Deferred one)
        self._deferred: dict[tuple[str, str], int] = {}  # (resource, namespace) -> how many Deferred objects
        self._dependents: dict[str, set[str]] = {}  # owner uid -> {uid of an object naming it}
        self._queue: deque = deque()
        self._watches: list[Watch] = []
        self._watch_order = 0
        self._watch_all: list[Watch] = []
        self._watch_by_resource: dict[str, list[Watch]] = {}
        self._watch_by_field: dict[tuple, list[Watch]] = {}
        # resource -> the watches of all resources and of it, in subscription order: what every event
        # of it is offered before the field-selected ones; and (resource, path, value) -> those plus
        # the watches selecting on that value. Made on demand, dropped when a watch starts or stops
        # (tuples, never changed: a handler stopping a watch leaves them as they were).
        self._watch_lists: dict[str | tuple, tuple[Watch, ...]] = {}
        self._indexed_paths: dict[str, dict[str, tuple[str, ...]]] = {}  # resource -> watched path -> its parts
        self._dispatching = False
        self._foreground: set[str] = set()   # uids whose dependents a foreground deletion is deleting
        # What clients keep per store (the event recorders' correlator): it lives and dies with it.
        self.client_state: dict = {}
        for ns in namespaces:
            self.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}, validate=False)
        self._queue.clear()  # nobody watched yet; later watchers start from here

    # --- reading -----------------------------------------------------------------------------------

    @property
    def resource_version(self) -> str:
        """The store's current resourceVersion (the last one given out)."""
        return str(self._rv)

    def resource(self, what) -> Resource:
        """A Resource from a Resource, a name kubectl accepts (``po``, ``deployments.apps``) or a kind."""
        if isinstance(what, Resource):
            return what
        return lookup(what)

    def _ns(self, res: Resource, namespace) -> str:
        return (namespace or "default") if res.namespaced else ""

    def get(self, resource, name: str, namespace: str | None = None) -> dict:
        """The object, or NotFound (``pods "x" not found``). ``namespace`` defaults to ``default``."""
        res = self.resource(resource)
        obj = self.try_get(res, name, namespace)
        if obj is None:
            raise not_found(res.qualified, name)
        return obj

    def try_get(self, resource, name: str, namespace: str | None = None) -> dict | None:
        """The object or None."""
        res = self.resource(resource)
        if not isinstance(name, str) or not (namespace is None or isinstance(namespace, str)):
            return None
        return self._stored(res.qualified, self._ns(res, namespace), name)

    def _stored(self, qualified: str, ns: str, name: str) -> dict | None:
        """The stored object (``ns`` is '' for a cluster-scoped one) or None."""
        by_ns = self._data.get(qualified)
        objs = by_ns.get(ns) if by_ns is not None else None
        obj = objs.get(name) if objs is not None else None
        if obj.__class__ is not dict and isinstance(obj, Deferred):
            obj = self._build(qualified, ns, obj)
        return obj

    def _build(self, qualified: str, ns: str, deferred: Deferred) -> dict:
        """The dict of a :class:`Deferred` object, made now and stored in its place (a later read
        gets the same dict)."""
        obj = deferred.build(_metadata(deferred))
        self._data[qualified][ns][deferred.name] = obj
        self._by_uid[obj["metadata"]["uid"]] = obj
        key = (qualified, ns)
        left = self._deferred[key] - 1
        if left:
            self._deferred[key] = left
        else:
            del self._deferred[key]
        return obj

    def by_uid(self, uid: str) -> dict | None:
        """The object with this uid, or None."""
        obj = self._by_uid.get(uid)
        if obj is None and self._deferred:
            obj = self._deferred_by_uid(uid)
        return obj

    def _deferred_by_uid(self, uid) -> dict | None:
        """The :class:`Deferred` object with this uid, made now, or None. Their uids are not indexed
        (that would cost what deferring saves), so this scans them: a lookup by uid of a write-mostly
        object is rare, and a miss (a pod just deleted) reads no other object and keeps none."""
        try:
            value = int(uid.replace("-", ""), 16)
        except (AttributeError, TypeError, ValueError):
            return None
        for qualified, ns in list(self._deferred):
            for obj in self._data[qualified][ns].values():
                if obj.__class__ is not dict and obj.ids & _UID_BITS == value and uuid_text(value) == uid:
                    return self._build(qualified, ns, obj)
        return None

    def list(self, resource, namespace: str | None = None, label_selector=None, field_selector=None) -> list[dict]:
        """Objects sorted by namespace then name, as the apiserver returns them.

        ``namespace=None`` lists all namespaces (``-A``). Selectors are strings in kubectl syntax or
        :class:`~k8slab.api.labels.Selector` / :class:`~k8slab.api.fields.FieldSelector` objects.
        """
        res = self.resource(resource)
        if isinstance(label_selector, str):
            label_selector = parse_selector(label_selector) if label_selector.strip() else None
        if isinstance(field_selector, str):
            field_selector = parse_field_selector(field_selector, res.qualified) if field_selector.strip() else None
        by_ns = self._data.get(res.qualified, {})
        if not res.namespaced:
            namespaces = [""]
        elif namespace is None:
            namespaces = sorted(by_ns)
        else:
            namespaces = [namespace]
        out = []
        for ns in namespaces:
            objs = by_ns.get(ns)
            if not objs:
                continue
            for name in self._sorted_names(res.qualified, ns, objs):
                obj = objs[name]
                if obj.__class__ is not dict and isinstance(obj, Deferred):
                    obj = self._build(res.qualified, ns, obj)
                if label_selector is not None and not label_selector.matches(obj["metadata"].get("labels")):
                    continue
                if field_selector is not None and not field_selector.matches(obj):
                    continue
                out.append(obj)
        return out

    def _sorted_names(self, qualified, ns, objs) -> list[str]:
        key = (qualified, ns)
        names = self._sorted.get(key)
        if names is None:
            names = self._sorted[key] = sorted(objs)
        return names

    def count(self, resource, namespace: str | None = None) -> int:
        """How many objects of a resource there are (in a namespace, or in all)."""
        res = self.resource(resource)
        by_ns = self._data.get(res.qualified, {})
        if namespace is None or not res.namespaced:
            return sum(len(v) for v in by_ns.values())
        return len(by_ns.get(namespace, {}))

    def list_object(self, resource, namespace=None, label_selector=None, field_selector=None) -> dict:
        """A ``List`` as ``kubectl get -o json`` prints it: ``{"apiVersion": "v1", "items": [...], "kind": "List"}``."""
        items = self.list(resource, namespace, label_selector, field_selector)
        return {"apiVersion": "v1", "items": items, "kind": "List",
                "metadata": {"resourceVersion": ""}}

    # --- writing -----------------------------------------------------------------------------------

    def _next_rv(self) -> str:
        self._rv += 1
        return str(self._rv)

    def _resource_of(self, obj) -> Resource:
        if type(obj) is dict:
            api_version, kind = obj.get("apiVersion"), obj.get("kind")
            if type(api_version) is str and type(kind) is str:
                res = for_kind(api_version, kind)
                if res is not None:
                    return res
        if not isinstance(obj, dict):
            raise bad_request("Object 'Kind' is missing in the request body")
        api_version, kind = obj.get("apiVersion"), obj.get("kind")
        if not kind or not isinstance(kind, str):
            raise bad_request("Object 'Kind' is missing in the request body")
        if not api_version or not isinstance(api_version, str):
            raise bad_request(f"Object 'apiVersion' is missing in the request body (kind {kind!r})")
        res = for_kind(api_version, kind)
        if res is None:
            meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
            raise no_match_error(api_version, kind, meta.get("name", ""), meta.get("namespace", ""))
        return res

    def create(self, obj: dict, namespace: str | None = None, *, validate: bool = True, copy: bool = True) -> dict:
        """Create ``obj`` and return the stored object.

        ``namespace`` is the request's namespace (the object's own, else ``default``).
        ``validate=False`` skips schema and semantic checks (for controllers, whose objects are
        valid by construction); defaults and allocation still happen. ``copy=False`` hands the
        dict over to the store (the caller must not touch it afterwards).
        """
        res = self._resource_of(obj)
        if validate:
            from . import schema

            schema.check(obj, res)
        obj = clone(obj) if copy else obj
        meta = obj.get("metadata")
        if meta is None:
            meta = obj["metadata"] = {}
        if not isinstance(meta, dict):
            raise bad_request(f'{res.kind} in version "{res.version}" cannot be handled as a {res.kind}: '
                              "metadata must be an object")
        if res.namespaced:
            body_ns = meta.get("namespace")
            if namespace and body_ns and body_ns != namespace:
                raise bad_request("the namespace of the provided object does not match the namespace sent on the "
                                  "request")
            ns = namespace or body_ns or "default"
            meta["namespace"] = ns
            self._check_namespace(res, ns, meta.get("name", ""))
        else:
            meta.pop("namespace", None)
            ns = ""
        if not _SERVER_SET.isdisjoint(meta):
            for k in _SERVER_SET:
                meta.pop(k, None)
        if not meta.get("name"):
            if meta.get("generateName") and isinstance(meta["generateName"], str):
                meta["name"] = self._generate_name(res, ns, meta["generateName"])
            else:
                raise invalid_error(res.kind, res.group, "",
                                    [required("metadata.name", "name or generateName is required")])
        name = meta["name"]
        if res.kind in defaults.DEFAULTED_KINDS:
            defaults.apply_defaults(obj)
        if validate:
            from . import validation

            errs = validation.validate(obj, res)
            if errs:
                raise invalid_error(res.kind, res.group, name if isinstance(name, str) else str(name), errs)
        if self._stored(res.qualified, ns, name) is not None:
            raise already_exists(res.qualified, name)
        if res.kind == "Service":
            self._allocate_service(obj, None)
        meta["uid"] = new_uid(self.rng)
        meta["resourceVersion"] = self._next_rv()
        if res.kind in GENERATION_KINDS:
            meta["generation"] = 1
        meta["creationTimestamp"] = rfc3339(self.clock())
        obj["metadata"] = _in_meta_order(meta)
        self._put(res, ns, name, obj, None)
        self._enqueue("ADDED", obj, None, res, self._rv)
        self._maybe_dispatch()
        return obj

    def _check_namespace(self, res: Resource, ns: str, name) -> None:
        """NotFound when namespace ``ns`` does not exist, Forbidden when it is being deleted."""
        namespace_obj = self._stored("namespaces", "", ns)
        if namespace_obj is None:
            raise not_found("namespaces", ns)
        if namespace_obj["metadata"].get("deletionTimestamp"):
            raise forbidden_error(res.qualified, name, f"unable to create new content in namespace {ns} because it "
                                                       "is being terminated")

    def create_deferred(self, deferred: Deferred, resource) -> None:
        """:meth:`create` (``validate=False, copy=False``) of the object ``deferred`` stands for: the
        same checks and errors, the same uid, resourceVersion and creationTimestamp given now, but the
        dict is made only when something first reads the object, through any store path (a write-mostly
        kind such as Events: see :class:`Deferred`). When a watch or a field index covers the resource,
        it is made and stored at once (the watchers get it). Only for namespaced kinds the store
        neither defaults nor allocates for, nor gives a generation."""
        self.create_deferred_all((deferred,), resource)

    def create_deferred_all(self, deferreds, resource) -> None:
        """:meth:`create_deferred` of each of ``deferreds`` in turn (the kubelet's Pulled, Created and
        Started), the resource looked up once: a failing write leaves those before it written. A
        namespace is looked at once for the writes to it in a row, and the watches once, until a write
        dispatches queued events (the watchers may then change anything: both are looked at again)."""
        res = self.resource(resource)
        if not res.namespaced or res.kind in _NOT_DEFERRABLE:
            raise ValueError(f"{res.kind} objects cannot be deferred")
        q, data, rng, clock, counts = res.qualified, self._data, self.rng, self.clock, self._deferred
        checked = objs = watched = None
        for deferred in deferreds:
            ns, name = deferred.namespace, deferred.name
            if checked is None or ns != checked:
                self._check_namespace(res, ns, name)
                by_ns = data.get(q)
                objs = by_ns.get(ns) if by_ns is not None else None
                checked = ns
            if not name:
                raise invalid_error(res.kind, res.group, "",
                                    [required("metadata.name", "name or generateName is required")])
            if objs is not None and name in objs:
                self._stored(q, ns, name)   # made, as create's check makes it
                raise already_exists(q, name)
            uid = new_uid_int(rng)
            self._rv = rv = self._rv + 1
            deferred.ids = uid | rv << 128
            deferred.created = rfc3339(clock())
            if watched is None:
                watched = bool(self._watch_all or self._watch_by_resource.get(q) or q in self._indexed_paths
                               or q in self._field_index)
            if watched:
                obj = deferred.build(_metadata(deferred))
                self._put(res, ns, name, obj, None)
                self._enqueue("ADDED", obj, None, res, self._rv)
                checked = None   # _put may have made the namespace's dict: look it up again
            else:
                if objs is None:
                    objs = self._objects(q, ns)
                objs[name] = deferred
                key = (q, ns)
                self._sorted.pop(key, None)
                counts[key] = counts.get(key, 0) + 1
            if self._queue and self.dispatch_mode == "auto" and not self._dispatching:
                self.dispatch()
                checked = watched = None

    def _generate_name(self, res, ns, base) -> str:
        existing = self._data.get(res.qualified, {}).get(ns, {})
        for _ in range(8):  # the apiserver retries a generated name that is taken (RetryGenerateName)
            name = generate_name(self.rng, base)
            if name not in existing:
                return name
        return name

    def _objects(self, q: str, ns: str) -> dict:
        """name -> object of resource ``q`` in namespace ``ns`` ('' if cluster-scoped), made if missing."""
        by_ns = self._data.get(q)
        if by_ns is None:
            by_ns = self._data[q] = {}
        objs = by_ns.get(ns)
        if objs is None:
            objs = by_ns[ns] = {}
        return objs

    def _put(self, res: Resource, ns: str, name: str, obj: dict, old: dict | None) -> None:
        q = res.qualified
        objs = self._objects(q, ns)
        if old is None:
            self._sorted.pop((q, ns), None)
        objs[name] = obj
        meta = obj["metadata"]
        uid = meta["uid"]
        self._by_uid[uid] = obj
        indexes = self._field_index.get(q)
        if indexes is not None:
            for parts, index in indexes.items():
                if old is None:
                    index.setdefault(_field(obj, parts), set()).add(uid)
                    continue
                if obj.get(parts[0]) is old.get(parts[0]):   # the part shared (copy-on-write): the value too
                    continue
                after, before = _field(obj, parts), _field(old, parts)
                if before != after:
                    index.get(before, set()).discard(uid)
                    index.setdefault(after, set()).add(uid)
        old_refs = old["metadata"].get("ownerReferences") if old is not None else None
        new_refs = meta.get("ownerReferences")
        if old_refs is not new_refs and (old_refs or []) != (new_refs or []):
            old_refs, new_refs = old_refs or [], new_refs or []
            for ref in old_refs:
                deps = self._dependents.get(ref.get("uid"))
                if deps is not None:
                    deps.discard(uid)
                    if not deps:
                        del self._dependents[ref.get("uid")]
            for ref in new_refs:
                if isinstance(ref, dict) and ref.get("uid"):
                    self._dependents.setdefault(ref["uid"], set()).add(uid)

    def _remove(self, res: Resource, ns: str, name: str) -> dict:
        obj = self._data[res.qualified][ns].pop(name)
        self._sorted.pop((res.qualified, ns), None)
        uid = obj["metadata"]["uid"]
        for parts, index in self._field_index.get(res.qualified, {}).items():
            index.get(_field(obj, parts), set()).discard(uid)
        self._by_uid.pop(uid, None)
        for ref in obj["metadata"].get("ownerReferences") or []:
            deps = self._dependents.get(ref.get("uid"))
            if deps is not None:
                deps.discard(uid)
                if not deps:
                    del self._dependents[ref.get("uid")]
        if res.kind == "Service":
            self._release_service(obj)
        return obj

    def update(self, obj: dict, namespace: str | None = None, *, subresource: str | None = None,
               validate: bool = True, copy: bool = True) -> dict:
        """Replace an object (PUT). With ``metadata.resourceVersion`` set, it must be the stored one
        (else Conflict). ``subresource="status"`` changes only the status (what controllers and the
        kubelet write); an update of the object itself keeps the stored status for kinds that have
        a status subresource. An update that changes nothing returns the stored object unchanged
        (no new resourceVersion, no event)."""
        res = self._resource_of(obj)
        if validate and subresource is None:
            from . import schema

            schema.check(obj, res)
        meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
        name = meta.get("name")
        if not name:
            raise invalid_error(res.kind, res.group, "",
                                [required("metadata.name", "name or generateName is required")])
        ns = self._ns(res, namespace or meta.get("namespace"))
        old = self._stored(res.qualified, ns, name)
        if old is None:
            raise not_found(res.qualified, name)
        rv = meta.get("resourceVersion")
        if rv and rv != old["metadata"]["resourceVersion"]:
            raise conflict(res.qualified, name, "the object has been modified; please apply your changes to the "
                                                "latest version and try again")
        if subresource == "status":
            new = dict(old)
            new["status"] = clone(obj.get("status")) if copy else obj.get("status")
            return self._commit_update(res, ns, old, new, validate=False,
                                       defaulted=_status_defaulted(res, new["status"]))
        new = clone(obj) if copy else obj
        if res.kind in STATUS_KINDS:
            if "status" in old:
                new["status"] = old["status"]
            else:
                new.pop("status", None)
        return self._commit_update(res, ns, old, new, validate=validate)

    def patch(self, resource, name: str, patch: dict, namespace: str | None = None, *,
              patch_type: str = "strategic", subresource: str | None = None, validate: bool = True,
              keep_unlisted: bool = True, copy: bool = True) -> dict:
        """Patch an object and return the result. ``patch_type``: ``"strategic"`` (kubectl's default:
        keyed lists such as containers merge by name) or ``"merge"`` (RFC 7386: lists are replaced).
        ``keep_unlisted=False`` makes a strategic patch drop keyed-list items it does not name.
        ``copy=False`` hands the patch's values over to the store (the caller must not touch them
        afterwards), as for :meth:`create`."""
        res = self.resource(resource)
        ns = self._ns(res, namespace)
        old = self._stored(res.qualified, ns, name)
        if old is None:
            raise not_found(res.qualified, name)
        if not isinstance(patch, dict):
            raise bad_request("json: cannot unmarshal into Go value of type map[string]interface {}")
        if patch_type not in ("merge", "strategic"):
            raise bad_request(f'unknown patch type "{patch_type}"')
        if subresource == "status":
            # Only the status is written: the patch's status onto the stored one (and its
            # resourceVersion, a precondition), the rest of the object as stored.
            self._precondition(res, name, patch, old)
            only = dict(old)
            if "status" in patch:
                only["status"] = self._merge_status(res, old.get("status"), patch["status"], patch_type,
                                                    keep_unlisted, copy)
            else:
                only["status"] = old.get("status")
            return self._commit_update(res, ns, old, only, validate=False,
                                       defaulted=_status_defaulted(res, only["status"]))
        # Copy-on-write: the patched object shares what the patch does not touch with the stored one.
        new = self._merge(res, old, patch, patch_type, keep_unlisted, copy)
        if not isinstance(new, dict):
            raise bad_request("json: cannot unmarshal into Go value of type map[string]interface {}")
        meta = new.get("metadata")
        new["metadata"] = meta = dict(meta) if isinstance(meta, dict) else {}
        self._precondition(res, name, patch, old)
        new["apiVersion"], new["kind"] = res.api_version, res.kind
        meta["name"] = name
        if res.namespaced:
            meta["namespace"] = ns
        if validate and subresource is None:
            from . import schema

            schema.check(new, res)
        if res.kind in STATUS_KINDS:
            if "status" in old:
                new["status"] = old["status"]
            else:
                new.pop("status", None)
        return self._commit_update(res, ns, old, new, validate=validate)

    @staticmethod
    def _precondition(res: Resource, name: str, patch: dict, old: dict) -> None:
        """Conflict when the patch names a resourceVersion that is not the stored one."""
        rv = patch.get("metadata", {}).get("resourceVersion") if isinstance(patch.get("metadata"), dict) else None
        if rv and rv != old["metadata"]["resourceVersion"]:
            raise conflict(res.qualified, name, "the object has been modified; please apply your changes to the "
                                                "latest version and try again")

    @staticmethod
    def _merge(res: Resource, target: dict, patch: dict, patch_type: str, keep_unlisted: bool, copy: bool) -> dict:
        if patch_type == "merge":
            return merge_patch(target, patch, copy=copy)
        return strategic_merge_patch(target, patch, kind=res.kind, keep_unlisted=keep_unlisted, copy=copy)

    @classmethod
    def _merge_status(cls, res: Resource, status, patched, patch_type: str, keep_unlisted: bool, copy: bool):
        """The status ``{"status": patched}`` patched onto ``{"status": status}`` gives, without the two
        one-key dicts: a map merges into the stored status, anything else (None too) replaces it."""
        if isinstance(patched, dict):
            return cls._merge(res, status, patched, patch_type, keep_unlisted, copy)
        return clone(patched) if copy else patched

    def _commit_update(self, res: Resource, ns: str, old: dict, new: dict, *, validate: bool,
                       bump_generation: bool = True, defaulted: bool = False) -> dict:
        """Store ``new`` as the next version of ``old``. ``new`` may share sub-objects with ``old``
        (copy-on-write): only its top level and metadata are written here, defaulting writes nothing
        into what ``old`` already had defaulted, and a Service's spec is copied before allocation.
        ``defaulted``: ``new`` is ``old`` but for a field no default concerns (a binding's
        nodeName, a Pod status with its phase and qosClass: :func:`_status_defaulted`): defaulting
        it again would change nothing, and is skipped."""
        old_meta = old["metadata"]
        if new["metadata"] is old_meta:   # a status write, a binding: the stored metadata, nothing to set
            meta = new["metadata"] = dict(old_meta)
        else:
            meta = new["metadata"] = dict(new["metadata"])
            for k in ("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"):
                if k in old_meta:
                    meta[k] = old_meta[k]
                else:
                    meta.pop(k, None)
            meta["name"] = old_meta["name"]
            if res.namespaced:
                meta["namespace"] = ns
            else:
                meta.pop("namespace", None)
            if "generateName" in old_meta:   # in its place when kept: no reordering below
                meta["generateName"] = old_meta["generateName"]
            else:
                meta.pop("generateName", None)
            meta.pop("managedFields", None)
            meta["resourceVersion"] = old_meta["resourceVersion"]
        if res.kind == "Service":
            _own_spec_and_ports(new)
        if not defaulted and res.kind in defaults.DEFAULTED_KINDS:
            defaults.apply_defaults(new, old)
        if res.kind == "Service":
            self._carry_service_allocations(new, old)
        if validate:
            from . import validation

            errs = validation.validate(new, res, old)
            if errs:
                raise invalid_error(res.kind, res.group, meta["name"], errs)
        if new == old:
            return old
        if res.kind == "Service":
            self._allocate_service(new, old)
        if bump_generation and res.kind in GENERATION_KINDS and new.get("spec") != old.get("spec"):
            meta["generation"] = old_meta.get("generation", 0) + 1
        meta["resourceVersion"] = self._next_rv()
        new["metadata"] = _in_meta_order(meta)
        if old_meta.get("deletionTimestamp") and not new["metadata"].get("finalizers"):
            # the last finalizer went: the object goes now
            self._put(res, ns, meta["name"], new, old)
            self._delete_now(res, ns, meta["name"], "Background", modified=(old, new))
            self._maybe_dispatch()
            return new
        self._put(res, ns, meta["name"], new, old)
        self._enqueue("MODIFIED", new, old, res, self._rv)
        self._maybe_dispatch()
        return new

    def bind(self, name: str, node_name: str, namespace: str | None = None) -> dict:
        """The ``pods/binding`` subresource the scheduler posts: set ``spec.nodeName`` of an unbound Pod."""
        res = self.resource("pods")
        ns = self._ns(res, namespace)
        pod = self.get(res, name, ns)
        bound = (pod.get("spec") or {}).get("nodeName")
        if bound:
            raise conflict("pods/binding", name, f'pod {name} is already assigned to node "{bound}"')
        new = dict(pod)
        new["spec"] = dict(pod.get("spec") or {}, nodeName=node_name)
        return self._commit_update(res, ns, pod, new, validate=False, bump_generation=False, defaulted=True)

    def delete(self, resource, name: str, namespace: str | None = None, *, propagation_policy: str = "Background",
               grace_period_seconds: int | None = None) -> dict:
        """Delete an object and return it as it was last stored.

        ``propagation_policy``: ``Background`` (the default; dependents are collected after the owner
        is gone), ``Foreground`` (dependents first, then the owner) or ``Orphan`` (dependents lose
        their ownerReference and stay). An object with finalizers is only marked with a
        deletionTimestamp; it goes when an update removes its last finalizer.
        """
        res = self.resource(resource)
        ns = self._ns(res, namespace)
        obj = self._stored(res.qualified, ns, name)
        if obj is None:
            raise not_found(res.qualified, name)
        if propagation_policy not in ("Background", "Foreground", "Orphan"):
            raise bad_request(f'propagationPolicy: Unsupported value: "{propagation_policy}": supported values: '
                              '"Foreground", "Background", "Orphan"')
        if res.kind == "Namespace" and name in UNDELETABLE_NAMESPACES:
            raise forbidden_error("namespaces", name, "this namespace may not be deleted")
        meta = obj["metadata"]
        graceful = (res.kind == "Pod" and self.graceful_pod_deletion and (obj.get("spec") or {}).get("nodeName")
                    and grace_period_seconds != 0)
        if meta.get("finalizers") or graceful:
            grace = 0
            if graceful:
                grace = grace_period_seconds if grace_period_seconds is not None else \
                    (obj.get("spec") or {}).get("terminationGracePeriodSeconds", 30)
            new = self._mark_deleting(res, ns, name, grace)
            self._maybe_dispatch()
            return new
        self._delete_now(res, ns, name, propagation_policy)
        self._maybe_dispatch()
        return obj

    def _mark_deleting(self, res: Resource, ns: str, name: str, grace: int) -> dict:
        """Set deletionTimestamp (now + grace) on an object that cannot go at once (finalizers, a running Pod)."""
        obj = self._stored(res.qualified, ns, name)
        if obj["metadata"].get("deletionTimestamp"):
            return obj
        new = dict(obj)
        new["metadata"] = dict(obj["metadata"])
        new["metadata"]["deletionTimestamp"] = rfc3339(self.clock() + grace)
        new["metadata"]["deletionGracePeriodSeconds"] = grace
        new["metadata"]["resourceVersion"] = self._next_rv()
        self._put(res, ns, name, new, obj)
        self._enqueue("MODIFIED", new, obj, res, self._rv)
        return new

    def _delete_now(self, res: Resource, ns: str, name: str, policy: str, modified=None) -> None:
        obj = self._stored(res.qualified, ns, name)
        uid = obj["metadata"]["uid"]
        if policy == "Orphan":
            self._orphan(uid)
        elif policy == "Foreground":
            self._foreground.add(uid)
            try:
                self._collect(uid, "Foreground")
            finally:
                self._foreground.discard(uid)
        if res.kind == "Namespace":
            for qualified in sorted(self._data):
                other = by_qualified(qualified)
                if other.namespaced:
                    for n in list(self._sorted_names(qualified, name, self._data[qualified].get(name, {}))):
                        if n in self._data[qualified].get(name, {}):
                            self._delete_now(other, name, n, "Background")
        self._remove(res, ns, name)
        if modified is not None:
            old, new = modified
            self._enqueue("MODIFIED", new, old, res, int(new["metadata"]["resourceVersion"]))
        self._next_rv()
        deleted = dict(obj)
        deleted["metadata"] = dict(obj["metadata"], resourceVersion=str(self._rv))
        self._enqueue("DELETED", deleted, obj, res, self._rv)
        if policy == "Background":
            self._queue.append(("gc", uid))

    def _key(self, obj: dict) -> tuple[str, str, str]:
        """(qualified resource, namespace or '', name) of a stored object."""
        meta = obj["metadata"]
        return self._resource_of(obj).qualified, meta.get("namespace", ""), meta["name"]

    def _dependent_keys(self, owner_uid: str) -> list[tuple[str, str, str]]:
        """The keys (:meth:`_key`) of the objects with an ownerReference to ``owner_uid``, sorted."""
        by_uid = self._by_uid
        return sorted(self._key(by_uid[uid]) for uid in self._dependents.get(owner_uid, ()))

    def _orphan(self, owner_uid: str) -> None:
        for qualified, ns, name in self._dependent_keys(owner_uid):
            dep = self._stored(qualified, ns, name)
            new = dict(dep)
            new["metadata"] = dict(dep["metadata"])
            refs = [r for r in dep["metadata"].get("ownerReferences") or [] if r.get("uid") != owner_uid]
            if refs:
                new["metadata"]["ownerReferences"] = refs
            else:
                new["metadata"].pop("ownerReferences", None)
            new["metadata"]["resourceVersion"] = self._next_rv()
            res = by_qualified(qualified)
            self._put(res, ns, name, new, dep)
            self._enqueue("MODIFIED", new, dep, res, self._rv)

    def _collect(self, owner_uid: str, policy: str = "Background") -> None:
        """The garbage collector: delete the dependents of a deleted owner that have no other owner
        left, and drop the dangling reference from those that do."""
        for qualified, ns, name in self._dependent_keys(owner_uid):
            dep = self._stored(qualified, ns, name)
            if dep is None or dep["metadata"]["uid"] in self._foreground:   # gone, or going (an ownership cycle)
                continue
            res = by_qualified(qualified)
            refs = dep["metadata"].get("ownerReferences") or []
            alive = [r for r in refs if r.get("uid") != owner_uid and self.by_uid(r.get("uid")) is not None]
            if alive:
                if policy == "Background":
                    new = dict(dep)
                    kept = [r for r in refs if r.get("uid") != owner_uid]
                    new["metadata"] = dict(dep["metadata"], ownerReferences=kept)
                    new["metadata"]["resourceVersion"] = self._next_rv()
                    self._put(res, ns, name, new, dep)
                    self._enqueue("MODIFIED", new, dep, res, self._rv)
                continue
            if dep["metadata"].get("finalizers"):
                self._mark_deleting(res, ns, name, 0)
                continue
            self._delete_now(res, ns, name, policy)

    # --- Services: ClusterIP and NodePort allocation ------------------------------------------------

    def _allocate_service(self, obj: dict, old: dict | None) -> None:
        spec = obj.get("spec") or {}
        name = obj["metadata"]["name"]
        stype = spec.get("type", "ClusterIP")
        errs = []
        taken_ip = None
        old_spec = (old or {}).get("spec") or {}
        if stype != "ExternalName":
            ip = spec.get("clusterIP")
            if old is not None and old_spec.get("clusterIP") and ip == old_spec.get("clusterIP"):
                pass
            elif ip in (None, ""):
                ip = self.cluster_ips.allocate_next()
                if ip is None:
                    errs.append(invalid("spec.clusterIPs", [], "failed to allocate IP: range is full"))
                else:
                    taken_ip = ip
                    spec["clusterIP"] = ip
                    spec["clusterIPs"] = [ip]
            elif ip != "None":
                reason = self.cluster_ips.allocate(ip)
                if reason:
                    errs.append(invalid("spec.clusterIPs", [ip], reason))
                else:
                    taken_ip = ip
                    spec.setdefault("clusterIPs", [ip])
            else:
                spec.setdefault("clusterIPs", ["None"])
        taken_ports = []
        old_node_ports = {p.get("nodePort") for p in old_spec.get("ports") or [] if isinstance(p, dict)}
        if stype in ("NodePort", "LoadBalancer"):
            for i, p in enumerate(spec.get("ports") or []):
                if not isinstance(p, dict):
                    continue
                np = p.get("nodePort")
                if np and np in old_node_ports:
                    continue
                if not np:
                    np = self.node_ports.allocate_next()
                    if np is None:
                        errs.append(invalid(f"spec.ports[{i}].nodePort", 0, "range is full"))
                        continue
                    p["nodePort"] = np
                    taken_ports.append(np)
                else:
                    reason = self.node_ports.allocate(np)
                    if reason:
                        errs.append(invalid(f"spec.ports[{i}].nodePort", np, reason))
                    else:
                        taken_ports.append(np)
        if errs:
            if taken_ip:
                self.cluster_ips.release(taken_ip)
            for np in taken_ports:
                self.node_ports.release(np)
            raise invalid_error("Service", "", name, errs)
        if old is not None:
            new_ports = {p.get("nodePort") for p in spec.get("ports") or [] if isinstance(p, dict)}
            for np in old_node_ports - new_ports:
                self.node_ports.release(np)
            old_ip = old_spec.get("clusterIP")
            if old_ip not in (None, "", "None") and old_ip != spec.get("clusterIP"):
                self.cluster_ips.release(old_ip)

    def _carry_service_allocations(self, new: dict, old: dict) -> None:
        """An update that leaves clusterIP or a nodePort out keeps the allocated one (patchAllocatedValues)."""
        spec, old_spec = new.get("spec"), old.get("spec") or {}
        if not isinstance(spec, dict):
            return
        if spec.get("type") != "ExternalName" and old_spec.get("type") != "ExternalName":
            if not spec.get("clusterIP") and old_spec.get("clusterIP"):
                spec["clusterIP"] = old_spec["clusterIP"]
            if not spec.get("clusterIPs") and old_spec.get("clusterIPs"):
                spec["clusterIPs"] = list(old_spec["clusterIPs"])
        if spec.get("type") in ("NodePort", "LoadBalancer"):
            old_by_port = {(p.get("port"), p.get("protocol", "TCP")): p.get("nodePort")
                           for p in old_spec.get("ports") or [] if isinstance(p, dict)}
            for p in spec.get("ports") or []:
                if isinstance(p, dict) and not p.get("nodePort"):
                    np = old_by_port.get((p.get("port"), p.get("protocol", "TCP")))
                    if np:
                        p["nodePort"] = np

    def _release_service(self, obj: dict) -> None:
        spec = obj.get("spec") or {}
        if spec.get("clusterIP") not in (None, "", "None"):
            self.cluster_ips.release(spec["clusterIP"])
        for p in spec.get("ports") or []:
            if isinstance(p, dict) and p.get("nodePort"):
                self.node_ports.release(p["nodePort"])

    # --- watches -----------------------------------------------------------------------------------

    def watch(self, handler=None, resource=None, namespace: str | None = None, *, send_initial: bool = False,
              field: tuple[str, str] | None = None) -> Watch:
        """Subscribe to events of one resource (or all with ``resource=None``), in one namespace or all.

        ``handler(event)`` is called for each :class:`WatchEvent`, in order; without a handler the
        events are collected in the returned Watch's ``events``. ``send_initial`` first delivers an
        ADDED event for every existing object (an informer's initial list), sorted. ``field``
        (``("spec.nodeName", "kind-worker")``) is a field selector, as a kubelet watches only its
        own pods; a MODIFIED event reaches it when the old or the new object matches (a binding).
        Such watches are indexed, so an event costs only the watchers it can concern.
        """
        res = None if resource is None else self.resource(resource)
        if field is not None and res is None:
            raise ValueError("a field-selected watch needs a resource")
        self._watch_order += 1
        w = Watch(self, handler, res, namespace, self._rv, field, self._watch_order)
        self._watches.append(w)
        self._watch_bucket(w).append(w)
        self._watch_lists.clear()
        if field is not None:
            self._indexed_paths.setdefault(res.qualified, {})[field[0]] = tuple(field[0].split("."))
        if send_initial:
            if field is not None:
                by_uid = self._by_uid
                objs = [by_uid[uid] for uid in self._field_keys(res, field)]
                if namespace is not None:
                    objs = [o for o in objs if o["metadata"].get("namespace", "") == namespace]
                objs.sort(key=_namespace_and_name)
                for obj in objs:
                    w.deliver(WatchEvent("ADDED", obj, None, res, self._rv))
                return w
            resources = [res] if res is not None else [by_qualified(q) for q in sorted(self._data)]
            for r in resources:
                for obj in self.list(r, namespace):
                    w.deliver(WatchEvent("ADDED", obj, None, r, self._rv))
        return w

    def _field_keys(self, res: Resource, field: tuple[str, str]) -> set:
        """The uids of the objects whose field ``field[0]`` is ``field[1]``, from the field index
        (built by one scan the first time a watch selects on that path)."""
        parts = tuple(field[0].split("."))
        indexes = self._field_index.setdefault(res.qualified, {})
        index = indexes.get(parts)
        if index is None:
            index = indexes[parts] = {}
            for ns, objs in self._data.get(res.qualified, {}).items():
                for obj in list(objs.values()):
                    if obj.__class__ is not dict and isinstance(obj, Deferred):
                        obj = self._build(res.qualified, ns, obj)
                    index.setdefault(_field(obj, parts), set()).add(obj["metadata"]["uid"])
        return index.get(field[1], set())

    def _watch_bucket(self, w: Watch) -> list:
        if w.resource is None:
            return self._watch_all
        if w.field is None:
            return self._watch_by_resource.setdefault(w.resource.qualified, [])
        return self._watch_by_field.setdefault((w.resource.qualified, w.field[0], w.field[1]), [])

    def _watchers(self, event: WatchEvent) -> tuple[Watch, ...] | list[Watch]:
        """The watches an event may concern, in subscription order: those of its resource (and of
        all), plus the field-selected ones whose value the object or the old object has."""
        q = event.resource.qualified
        base = self._watch_lists.get(q)
        if base is None:
            base = self._watch_lists[q] = tuple(sorted(self._watch_all + self._watch_by_resource.get(q, []),
                                                       key=_BY_ORDER))
        paths = self._indexed_paths.get(q)
        if not paths:
            return base
        found = []   # the field-selected watch buckets the event concerns
        by_field = self._watch_by_field
        obj, old = event.object, event.old
        for path, parts in paths.items():
            value = _field(obj, parts)
            if (q, path, value) in by_field:
                found.append((q, path, value))
            if old is not None and old.get(parts[0]) is not obj.get(parts[0]):   # else the same value
                old_value = _field(old, parts)
                if old_value != value and (q, path, old_value) in by_field:
                    found.append((q, path, old_value))
        if not found:
            return base
        if len(found) == 1:   # the common case (a kubelet's pod): the merged tuple, kept like base
            merged = self._watch_lists.get(found[0])
            if merged is None:
                merged = self._watch_lists[found[0]] = tuple(sorted(base + tuple(by_field[found[0]]), key=_BY_ORDER))
            return merged
        extra: list[Watch] = list(base)
        for key in found:
            extra += by_field[key]
        extra.sort(key=_BY_ORDER)
        return extra

    def _enqueue(self, type_: str, obj: dict, old: dict | None, res: Resource, seq: int) -> None:
        """Queue a watch event. Nobody could ever receive one of a resource no watch covers now (a
        later watch starts after it), so none is made (events, at scale: five per pod)."""
        q = res.qualified
        if self._watch_all or self._watch_by_resource.get(q) or q in self._indexed_paths:
            self._queue.append(WatchEvent(type_, obj, old, res, seq))

    def _maybe_dispatch(self) -> None:
        if self._queue and self.dispatch_mode == "auto":   # dispatch() of an empty queue does nothing
            self.dispatch()

    def pending(self) -> int:
        """How many events and garbage-collection steps wait in the queue."""
        return len(self._queue)

    def dispatch(self) -> int:
        """Deliver queued events (and run garbage collection) until the queue is empty; returns how
        many items were processed. Handlers may change the store: their events join the queue."""
        if self._dispatching:
            return 0
        self._dispatching = True
        n = 0
        try:
            while self._queue:
                item = self._queue.popleft()
                n += 1
                if type(item) is tuple:
                    self._collect(item[1])
                    continue
                seq, namespace = item.seq, None
                for w in self._watchers(item):
                    # The store offers a watch only the events of its resource whose object (or old
                    # object) has its field value (:meth:`_watchers`); what is left to check is the
                    # start and the namespace. Then Watch.deliver, written out: ~17 deliveries a pod.
                    if not w.active or seq <= w.start:
                        continue
                    if w.namespace is not None:
                        if namespace is None:
                            namespace = item.object["metadata"].get("namespace")
                        if namespace != w.namespace:
                            continue
                    if w.handler is None:
                        w.events.append(item)
                    else:
                        w.handler(item)
        finally:
            self._dispatching = False
        return n


__all__ = ["Store", "Watch", "WatchEvent", "merge_patch", "APIError", "StatusError", "ClientError",
           "Selector", "FieldSelector"]
