"""Events, as the components' event recorders write them.

Kubernetes has two recorders, and ``kubectl get events -o yaml`` shows the difference:

* :func:`record` is client-go's ``tools/record`` recorder (the kubelet, the Deployment and ReplicaSet
  controllers, the node lifecycle controller): a core ``v1`` Event with ``source.component``,
  ``firstTimestamp``/``lastTimestamp`` and ``count``, passed through the EventCorrelator:

  - a repeat of the same event (same source, object, type, reason and message) bumps ``count`` and
    ``lastTimestamp`` on the existing object;
  - the tenth distinct message for the same source, object, type and reason within 10 minutes
    becomes one event, ``(combined from similar events): <message>``, that later ones bump (a
    ReplicaSet creating 1,000 pods writes 9 ``Created pod`` events and one combined one);
  - a source may write 25 events about an object, then one per 5 minutes; the rest are dropped
    (their counts still go into the next one that is written).
* :func:`emit` is the ``events.k8s.io`` recorder (``tools/events``) the scheduler uses:
  ``eventTime`` (a MicroTime), ``action``, ``reportingComponent``/``reportingInstance``, an empty
  ``source`` and null first/last timestamps; a repeat within 6 minutes becomes a ``series``
  (``count``, ``lastObservedTime``).

Both name the event ``<object>.<UnixNano in hex>`` (``web-7d4b9c6f8-x2x9z.181a3c5e0f6b2d40``), from
the virtual clock; events made in the same instant get successive nanoseconds so names stay unique.

>>> from k8slab.api.store import Store
>>> store = Store(clock=lambda: 0)
>>> pod = store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
...                     "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
>>> ev = record(store, pod, "Normal", "Pulled", "pulled", "kubelet", host="kind-worker")
>>> ev["metadata"]["name"], ev["source"], ev["count"]
('web.1819e99ee5f24000', {'component': 'kubelet', 'host': 'kind-worker'}, 1)
>>> record(store, pod, "Normal", "Pulled", "pulled", "kubelet", host="kind-worker")["count"]
2
"""

from __future__ import annotations

from collections import OrderedDict

from k8slab.api.errors import APIError
from k8slab.api.meta import EPOCH, rfc3339
from k8slab.api.resources import lookup
from k8slab.api.store import Deferred

_EPOCH_NS = int(EPOCH.timestamp()) * 1_000_000_000
SERIES_WINDOW = 6 * 60  # tools/events: isomorphic events within 6 minutes form a series
CACHE_SIZE = 4096  # the EventCorrelator's caches hold 4096 entries each (the oldest go first)
AGGREGATE_MAX = 10  # distinct messages, within AGGREGATE_WINDOW of each other, before they combine
AGGREGATE_WINDOW = 600
COMBINED = "(combined from similar events): "
SPAM_BURST = 25  # events a source may write about an object at once ...
SPAM_REFILL = 300.0  # ... then one more every 5 minutes


class _ObjectLog:
    """What the EventCorrelator keeps about the events one source wrote about one object. client-go
    keeps three caches of 4096 entries (aggregation groups, event counts, spam buckets); here one
    cache of 4096 (source, object) entries holds all three parts for each."""

    __slots__ = ("tokens", "when", "_entries", "first")

    def __init__(self, now: float) -> None:
        self.tokens, self.when = float(SPAM_BURST), now   # the spam filter's token bucket
        # The aggregator's groups and the logger's counts, told apart by their keys' length:
        # (type, reason) -> [last time, the distinct messages ...]
        # (fieldPath, type, reason, message), or ("", type, reason) for a combined event ->
        # (namespace, name, count, firstTimestamp) of the event it was last written as
        self._entries: dict[tuple, list | tuple] | None = {}
        # A first batch of events of distinct (type, reason), each written as a new event, is kept
        # as (time, firstTimestamp, fieldPath, namespace, [(type, reason, message, name) ...]) and
        # made into entries only when a later batch reads them (most objects' logs are never read
        # again before they leave the cache: a pod's Pulled, Created, Started).
        self.first: tuple | None = None

    @property
    def entries(self) -> dict[tuple, list | tuple]:
        """The aggregator's groups and the logger's counts (made now from :attr:`first` if due)."""
        entries = self._entries
        if entries is None:
            now, ts, field_path, ns, written = self.first
            entries = self._entries = {}
            for type_, reason, message, name in written:
                entries[(type_, reason)] = [now, message]
                entries[(field_path, type_, reason, message)] = (ns, name, 1, ts)
                if len(entries) > CACHE_SIZE:   # as record_all's loop keeps them
                    del entries[next(iter(entries))]
            self.first = None
        return entries


class _RecorderState:
    """Per-store state of the recorders: the last nanosecond handed out, the correlator caches and
    the tables of shared event parts."""

    def __init__(self) -> None:
        self.last_ns = 0
        self.enabled = True
        # (source, object) -> what the EventCorrelator knows of the events from that source about it
        self.logs: OrderedDict[tuple, _ObjectLog] = OrderedDict()
        self.series: OrderedDict[tuple, tuple[str, str, float]] = OrderedDict()
        # Events repeat their parts: one source per component and host, the same messages (and one
        # involvedObject for the events of one call: a pod's Pulled, Created, Started). Stored objects are read-only,
        # so equal parts can be one object. Each is keyed by all it is made of, so never stale.
        self.shared: OrderedDict = OrderedDict()

    def share(self, key, part):
        """The part stored under ``key``: the first one given (``part`` itself the first time)."""
        first = self.shared.get(key)
        if first is None:
            first = self.shared[key] = part
            if len(self.shared) > CACHE_SIZE:
                self.shared.popitem(last=False)
        return first


def _state(store) -> _RecorderState:
    st = store.client_state.get("events")
    if st is None:
        st = store.client_state["events"] = _RecorderState()
    return st


def set_enabled(store, enabled: bool) -> None:
    """Turn event recording on or off for a store (a benchmark building 150,000 pods may not want
    300,000 events); off, :func:`record` and :func:`emit` return None and write nothing."""
    _state(store).enabled = enabled


def _unix_nano(now: float, st: _RecorderState) -> int:
    ns = _EPOCH_NS + round(now * 1_000_000_000)
    if ns <= st.last_ns:
        ns = st.last_ns + 1
    st.last_ns = ns
    return ns


_MICRO_CACHE: dict[float, str] = {}


def micro_time(seconds: float) -> str:
    """A MicroTime as the apiserver writes it: ``2025-01-12T10:00:05.000000Z`` (the virtual clock
    stands still while a whole batch of events is made: each instant is formatted once)."""
    text = _MICRO_CACHE.get(seconds)
    if text is None:
        whole = int(seconds // 1)
        micros = int(round((seconds - whole) * 1_000_000))
        if micros >= 1_000_000:
            whole, micros = whole + 1, micros - 1_000_000
        text = f"{rfc3339(whole)[:-1]}.{micros:06d}Z"
        if len(_MICRO_CACHE) < 100_000:
            _MICRO_CACHE[seconds] = text
    return text


def object_reference(obj: dict, field_path: str = "") -> dict:
    """``reference.GetReference``: apiVersion, kind, name, namespace, resourceVersion, uid (and the
    ``fieldPath`` within the object, if given)."""
    return _reference(_reference_parts(obj, field_path))


def _reference_parts(obj: dict, field_path: str = "") -> tuple:
    """What :func:`object_reference` is made of, as a tuple (a compact event keeps its reference so):
    ``(apiVersion, kind, name, namespace, resourceVersion, uid, fieldPath)``, the last four as found
    (the reference has those that are set)."""
    meta = obj.get("metadata") or {}
    return (obj.get("apiVersion", "v1"), obj.get("kind", ""), meta.get("name", ""), meta.get("namespace"),
            meta.get("resourceVersion"), meta.get("uid"), field_path)


_last_reference: list = [None, None]   # the parts tuple last made into a reference (held) and that reference


def _reference(parts: tuple, at: int = 0) -> dict:
    """The :func:`object_reference` dict of the parts at ``parts[at:at + 7]`` (see
    :func:`_reference_parts`). Made again for the same ``parts`` tuple, it is the same dict: the
    events one call wrote, read one after the other, share their involvedObject as they did when
    written (the tuple is immutable and held here, and stored objects are read-only)."""
    if parts is _last_reference[0]:
        return _last_reference[1]
    api_version, kind, name, namespace, rv, uid, field_path = parts[at:at + 7]
    ref = {"apiVersion": api_version, "kind": kind, "name": name}
    if namespace:
        ref["namespace"] = namespace
    if rv:
        ref["resourceVersion"] = rv
    if uid:
        ref["uid"] = uid
    if field_path:
        ref["fieldPath"] = field_path
    _last_reference[:] = parts, ref
    return ref


def _identity(obj: dict) -> tuple:
    """The object's identity in its :func:`object_reference`, which the correlators key on:
    ``(apiVersion, kind, namespace, name, uid)``, absent ones None."""
    meta = obj.get("metadata") or {}
    return (obj.get("apiVersion", "v1"), obj.get("kind", ""), meta.get("namespace") or None, meta.get("name", ""),
            meta.get("uid") or None)


_NO_SOURCE: dict = {}  # the empty source of every events.k8s.io event (stored objects are read-only)
_EVENTS = lookup("events")


class _Recorded(Deferred):
    """A core v1 Event of :func:`record_all`, as the store keeps it until something reads it
    (:meth:`~k8slab.api.store.Store.create_deferred`): its name and namespace, ``what`` (type,
    reason, message: one tuple for the events alike) and ``batch``, what the events one call
    writes new share: ``(count, firstTimestamp, lastTimestamp, source, *reference parts)`` (see
    :func:`_reference_parts`)."""

    __slots__ = ("name", "namespace", "what", "batch")

    def __init__(self, name: str, namespace: str, what: tuple, batch: tuple):
        self.name, self.namespace, self.what, self.batch = name, namespace, what, batch

    def build(self, metadata: dict) -> dict:
        type_, reason, message = self.what
        batch = self.batch
        source = batch[3]
        return {
            "apiVersion": "v1", "kind": "Event", "metadata": metadata, "count": batch[0], "eventTime": None,
            "firstTimestamp": batch[1], "involvedObject": _reference(batch, 4), "lastTimestamp": batch[2],
            "message": message, "reason": reason, "reportingComponent": source["component"],
            "reportingInstance": source.get("host", ""), "source": source, "type": type_,
        }


class _Emitted(Deferred):
    """An ``events.k8s.io`` event of :func:`emit`, as the store keeps it until something reads it:
    its name, ``note``, ``ref`` (:func:`_reference_parts`) and ``what``, the parts the events of one
    reporter, action and instant share: ``(namespace, action, eventTime, reason, reportingController,
    reportingInstance, type, template)``. With a template (a note given as a pair, see :func:`emit`),
    ``note`` is the pair's value and the message is made when the event is read."""

    __slots__ = ("name", "note", "what", "ref")

    def __init__(self, name: str, note: str, what: tuple, ref: tuple):
        self.name, self.note, self.what, self.ref = name, note, what, ref

    @property
    def namespace(self) -> str:
        return self.what[0]

    def build(self, metadata: dict) -> dict:
        _, action, time, reason, controller, instance, type_, template = self.what
        ref = self.ref
        return {
            "action": action, "apiVersion": "v1", "eventTime": time, "firstTimestamp": None,
            "involvedObject": _reference(ref), "kind": "Event", "lastTimestamp": None, "metadata": metadata,
            "message": self.note if template is None else template.format(ref[3], ref[2], self.note),
            "reason": reason, "reportingComponent": controller, "reportingInstance": instance,
            "source": _NO_SOURCE, "type": type_,
        }


def _write(store, event: Deferred, result: bool) -> dict | None:
    """Create the event: the stored dict when ``result``, else kept compactly (None)."""
    if result:
        return store.create(event.build({"name": event.name, "namespace": event.namespace}), validate=False,
                            copy=False)
    store.create_deferred(event, _EVENTS)
    return None


def _write_all(store, events: list) -> None:
    """Create the events, kept compactly (:func:`_write` with ``result=False`` of each, in one store call)."""
    store.create_deferred_all(events, _EVENTS)


def _events_namespace(namespace: str | None) -> str:
    """Where events about an object in ``namespace`` live: there, or in default for a cluster-scoped
    object (a Node)."""
    return namespace or "default"


def record(store, obj: dict, type_: str, reason: str, message: str, component: str, host: str = "",
           field_path: str = "", *, result: bool = True) -> dict | None:
    """A core v1 Event from ``tools/record`` (see the module docstring): returns the Event written
    (made or bumped), or None when the spam filter dropped it. ``result=False`` returns None
    always, and a new Event is kept compactly by the store until something reads it (client-go's
    recorder returns nothing: for callers that do not look at what they wrote)."""
    return record_all(store, obj, ((type_, reason, message),), component, host, field_path, result=result)[0]


def record_all(store, obj: dict, events, component: str, host: str = "", field_path: str = "", *,
               result: bool = True) -> list:
    """:func:`record` for several events about one object from one source, in order: ``events`` are
    ``(type, reason, message)``; returns what :func:`record` returns for each (Nones with
    ``result=False``). The kubelet starting a container writes three (Pulled, Created, Started): the
    object's reference, the clock and the source's log in the correlator are looked up once for them."""
    st = store.client_state.get("events") or _state(store)
    if not st.enabled:
        return [None] * len(events)
    ident = _identity(obj)
    now = store.clock()
    ts = rfc3339(now)
    logs = st.logs
    log_key = (component, host, ident)
    log = logs.get(log_key)
    fresh = log is None
    if fresh:
        log = logs[log_key] = _ObjectLog(now)
        if len(logs) > CACHE_SIZE:
            logs.popitem(last=False)
    else:
        logs.move_to_end(log_key)
    shared = st.shared
    source = shared.get((component, host))
    if source is None:
        source = st.share((component, host),
                          {"component": component, "host": host} if host else {"component": component})
    events_ns = _events_namespace(ident[2])
    if fresh and _distinct_few(events):
        return _record_first(store, st, log, obj, ident[3], events, source, events_ns, now, ts, field_path, result)
    entries = log.entries
    ref = None   # the involvedObject's parts for the events written new, made for the first
    out = []
    for type_, reason, message in events:
        # The aggregator: the AGGREGATE_MAX-th distinct message of a (type, reason) group, each within
        # AGGREGATE_WINDOW of the last, goes into the combined event. It keeps AGGREGATE_MAX - 1
        # messages: client-go drops an arbitrary one (a Go map), this the oldest.
        group_key = (type_, reason)
        group = entries.get(group_key)
        if group is None or now - group[0] > AGGREGATE_WINDOW:
            group = entries[group_key] = [now, message]
        else:
            group[0] = now
            if message not in group:
                group.append(message)
        if len(group) > AGGREGATE_MAX:
            del group[1]
            key, message = ("", type_, reason), COMBINED + message
        else:
            key = (field_path, type_, reason, message)
        # The logger: a repeat bumps the count of the event last written for the same key.
        seen = entries.get(key)
        if seen is None:
            ns, name, count, first = events_ns, f"{ident[3]}.{_unix_nano(now, st):x}", 1, ts
        else:
            ns, name, count, first = seen
            count += 1
        entries[key] = (ns, name, count, first)
        if len(entries) > CACHE_SIZE:
            del entries[next(iter(entries))]
        # The spam filter: a token bucket per source and object (what it drops was counted above).
        tokens = min(SPAM_BURST, log.tokens + (now - log.when) / SPAM_REFILL)
        log.when = now
        if tokens < 1:
            log.tokens = tokens
            out.append(None)
            continue
        log.tokens = tokens - 1
        if count > 1:
            existing = store.try_get("events", name, ns)
            if existing is not None:
                # The stored metadata as it is: the store copies it before it writes the new
                # resourceVersion (Store._commit_update), so it is copied once, not twice.
                new = dict(existing)
                new["count"], new["lastTimestamp"], new["message"] = count, ts, message
                written = store.update(new, ns, validate=False, copy=False)
                out.append(written if result else None)
                continue
        what = (type_, reason, message)
        what = shared.get(what) or st.share(what, what)
        if ref is None:
            ref = _reference_parts(obj, field_path)
        out.append(_write(store, _Recorded(name, ns, what, (count, first, ts, source) + ref), result))
    return out


def _distinct_few(events) -> bool:
    """Whether ``events`` are at most SPAM_BURST, of distinct (type, reason): what a new log
    writes as new events (:func:`_record_first`)."""
    return len(events) <= SPAM_BURST and len({(t, r) for t, r, _ in events}) == len(events)


def _record_first(store, st: _RecorderState, log: _ObjectLog, obj: dict, obj_name: str, events, source: dict,
                  ns: str, now: float, ts: str, field_path: str, result: bool) -> list:
    """:func:`record_all`'s loop for a new log and events of distinct (type, reason), at most
    SPAM_BURST of them: each one's group and key are new (the log is empty), so it is written as a
    new event with count 1 and spends a token of the full bucket. What the loop would have put in
    the log's entries is kept in :attr:`_ObjectLog.first`, filled as it goes (as the loop's entries
    are, should a write fail)."""
    written: list[tuple] = []
    log._entries, log.first = None, (now, ts, field_path, ns, written)
    shared = st.shared
    batch = (1, ts, ts, source) + _reference_parts(obj, field_path)   # one for all of them
    out = []
    for what in events:
        type_, reason, message = what
        name = f"{obj_name}.{_unix_nano(now, st):x}"
        written.append((type_, reason, message, name))
        log.tokens -= 1
        if what.__class__ is not tuple:
            what = (type_, reason, message)
        what = shared.get(what) or st.share(what, what)
        event = _Recorded(name, ns, what, batch)
        # written at once when returned (a watcher may write events before the next is named)
        out.append(_write(store, event, True) if result else event)
    if result:
        return out
    try:
        _write_all(store, out)
    except APIError:
        # as the loop writing one at a time stops: the log and the clock as they were at the failing one
        failed = sum(1 for event in out if hasattr(event, "ids"))
        unsent = len(out) - failed - 1
        del written[failed + 1:]
        log.tokens += unsent
        st.last_ns -= unsent
        raise
    return [None] * len(out)


def emit(store, obj: dict, type_: str, reason: str, action: str, note: str, controller: str,
         instance: str = "", *, result: bool = True) -> dict | None:
    """An ``events.k8s.io`` event (the scheduler's recorder), stored as the core v1 Event the
    apiserver shows for it; a repeat within :data:`SERIES_WINDOW` updates its ``series``. Returns
    the Event written, or None with ``result=False`` (as :func:`record`).

    ``note`` is the message, or a pair ``(template, value)`` standing for
    ``template.format(namespace, name, value)`` of the object's namespace and name: the event keeps
    only the value (a node's name the store holds anyway) until it is read, where a per-object
    message (the scheduler's ``Successfully assigned default/web-... to kind-worker``) would be
    kept whole for each object."""
    st = store.client_state.get("events") or _state(store)
    if not st.enabled:
        return None
    ident = _identity(obj)
    now = store.clock()
    ref = _reference_parts(obj)
    template = None
    if note.__class__ is tuple:
        template, note = note
        text = template.format(ref[3], ref[2], note)
    else:
        text = note
    # isomorphic events: reporter, action, object (kind, namespace, name, uid), type, reason and note
    key = (controller, instance, action, ident[1:], type_, reason, text)
    prev = st.series.get(key)
    if prev is not None and now - prev[2] <= SERIES_WINDOW:
        ns, name, _ = prev
        existing = store.try_get("events", name, ns)
        if existing is not None:
            new = dict(existing)   # its metadata the stored one, as in record_all
            count = int((existing.get("series") or {}).get("count") or 1) + 1
            new["series"] = {"count": count, "lastObservedTime": micro_time(now)}
            st.series[key] = (ns, name, now)
            written = store.update(new, ns, validate=False, copy=False)
            return written if result else None
    ns = _events_namespace(ident[2])
    name = f"{ident[3]}.{_unix_nano(now, st):x}"
    shared = st.shared
    if template is None:
        note = shared.get(note) or st.share(note, note)
    what = (ns, action, micro_time(now), reason, controller, instance, type_, template)
    what = shared.get(what) or st.share(what, what)
    stored = _write(store, _Emitted(name, note, what, ref), result)
    series = st.series
    series[key] = (ns, name, now)
    if len(series) > CACHE_SIZE:
        series.popitem(last=False)
    return stored


def events_for(store, obj: dict) -> list[dict]:
    """The events about an object (by uid), oldest first: what ``kubectl describe`` lists."""
    uid = (obj.get("metadata") or {}).get("uid")
    ns = _events_namespace(object_reference(obj).get("namespace"))
    out = [e for e in store.list("events", ns) if (e.get("involvedObject") or {}).get("uid") == uid]
    return sorted(out, key=lambda e: (e.get("firstTimestamp") or e.get("eventTime") or "", e["metadata"]["name"]))
