"""The event recorders against a plain model of their correlators: which calls make a new Event
and which bump an existing one (count, or series), over objects that differ in one identity field
at a time (apiVersion, kind, namespace, name, uid, resourceVersion, fieldPath), cluster-scoped
ones, missing fields; and MicroTime formatting (cached per instant) against the formula."""

import random

from k8slab.api.meta import rfc3339
from k8slab.api.store import Store
from k8slab.components.events import (
    CACHE_SIZE,
    COMBINED,
    SERIES_WINDOW,
    emit,
    micro_time,
    object_reference,
    record,
    record_all,
)


def _objects():
    base = {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "web", "namespace": "default", "uid": "u1", "resourceVersion": "7"}}
    out = [base]
    for path, value in (("apiVersion", "apps/v1"), ("kind", "ReplicaSet"), ("namespace", "kube-system"),
                        ("name", "web2"), ("uid", "u2"), ("resourceVersion", "8")):
        o = {"apiVersion": base["apiVersion"], "kind": base["kind"], "metadata": dict(base["metadata"])}
        if path in ("apiVersion", "kind"):
            o[path] = value
        else:
            o["metadata"][path] = value
        out.append(o)
    out.append({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "kind-worker", "uid": "n1"}})
    out.append({"kind": "Pod", "metadata": {"name": "bare"}})                      # no apiVersion, uid, rv
    out.append({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bare"}})  # the same reference
    return out


def _record_key(obj, component, host, field_path, type_, reason, message):
    ref = object_reference(obj, field_path)
    return (component, host, ref.get("apiVersion"), ref.get("kind"), ref.get("namespace"), ref["name"],
            ref.get("uid"), field_path, type_, reason, message)


def _emit_key(obj, controller, instance, action, type_, reason, note):
    ref = object_reference(obj)
    return (controller, instance, action, ref.get("kind"), ref.get("namespace"), ref["name"], ref.get("uid"),
            type_, reason, note)


def test_record_and_emit_correlate_as_a_plain_model_of_their_keys():
    rng = random.Random(5)
    clock = [0.0]
    store = Store(clock=lambda: clock[0])
    for ns in ("kube-system",):
        if store.try_get("namespaces", ns) is None:
            store.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
    objs = _objects()
    seen: dict = {}      # model: correlation key -> event name
    series: dict = {}    # model: isomorphic key -> (event name, last time)
    for step in range(3000):
        obj = rng.choice(objs)
        clock[0] += rng.choice((0, 0, 0.25, 1, 200))
        if rng.random() < 0.6:
            args = ("Normal", rng.choice(("Pulled", "Created")), rng.choice(("m1", "m2", f"u{step}")),
                    rng.choice(("kubelet", "replicaset-controller")))
            host, field_path = rng.choice(("", "kind-worker")), rng.choice(("", "spec.containers{c}"))
            ev = record(store, obj, *args, host=host, field_path=field_path)
            key = _record_key(obj, args[3], host, field_path, *args[:3])
            if key in seen:
                assert ev["metadata"]["name"] == seen[key] and ev["count"] > 1
            else:
                assert ev["count"] == 1 and ev["involvedObject"] == object_reference(obj, field_path)
                seen[key] = ev["metadata"]["name"]
            assert ev["lastTimestamp"] == rfc3339(clock[0])
            assert ev["metadata"]["namespace"] == (obj["metadata"].get("namespace") or "default")
        else:
            args = ("Normal", "Scheduled", rng.choice(("Binding", "Scheduling")), rng.choice(("n1", f"n{step}")),
                    "default-scheduler", rng.choice(("i1", "i2")))
            ev = emit(store, obj, *args)
            key = _emit_key(obj, args[4], args[5], args[2], *args[:2], args[3])
            prev = series.get(key)
            if prev is not None and clock[0] - prev[1] <= SERIES_WINDOW:
                assert ev["metadata"]["name"] == prev[0] and ev["series"]["lastObservedTime"] == micro_time(clock[0])
                series[key] = (prev[0], clock[0])
            else:
                assert "series" not in ev and ev["eventTime"] == micro_time(clock[0])
                series[key] = (ev["metadata"]["name"], clock[0])
    assert len(seen) + len(series) < CACHE_SIZE   # the model has no eviction: stay below it


def test_micro_time_matches_the_formula_for_any_instant_asked_twice():
    def formula(seconds):
        whole = int(seconds // 1)
        micros = int(round((seconds - whole) * 1_000_000))
        if micros >= 1_000_000:
            whole, micros = whole + 1, micros - 1_000_000
        return f"{rfc3339(whole)[:-1]}.{micros:06d}Z"

    rng = random.Random(3)
    values = [0, 0.0, 5, 5.0, 0.9999996, 59.9999999, 1e-7, 86399.5, 3600.123456] + \
        [rng.uniform(0, 10 ** rng.randint(0, 7)) for _ in range(500)]
    for v in values + values:
        assert micro_time(v) == formula(v)
    assert micro_time(0.9999996) == "2025-01-12T10:00:01.000000Z"


def _rs_store():
    clock = [0.0]
    store = Store(clock=lambda: clock[0])
    rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
          "metadata": {"name": "web-5d4f", "namespace": "default", "uid": "rs1", "resourceVersion": "3"}}
    return store, clock, rs


def _events(store):
    return sorted(store.list("events", "default"), key=lambda e: e["metadata"]["name"])


def test_ten_distinct_messages_about_one_object_combine_into_one_event():
    store, clock, rs = _rs_store()
    written = [record(store, rs, "Normal", "SuccessfulCreate", f"Created pod: web-5d4f-{i:05d}",
                      "replicaset-controller") for i in range(20)]
    events = _events(store)
    assert [e["message"] for e in events[:9]] == [f"Created pod: web-5d4f-{i:05d}" for i in range(9)]
    assert all(e["count"] == 1 for e in events[:9]) and len(events) == 10
    combined = events[9]
    # the 10th made it, the 11th..20th bumped it; it carries the latest message
    assert combined["message"] == "(combined from similar events): Created pod: web-5d4f-00019"
    assert combined["count"] == 11 and combined["reason"] == "SuccessfulCreate"
    assert all(w["metadata"]["name"] == combined["metadata"]["name"] for w in written[9:])
    # another reason about the same object is a group of its own
    ev = record(store, rs, "Normal", "SuccessfulDelete", "Deleted pod: web-5d4f-00001", "replicaset-controller")
    assert ev["count"] == 1 and ev["message"] == "Deleted pod: web-5d4f-00001"


def test_similar_events_more_than_ten_minutes_apart_start_a_new_group():
    store, clock, rs = _rs_store()
    for i in range(9):
        record(store, rs, "Normal", "SuccessfulCreate", f"Created pod: p{i}", "replicaset-controller")
        clock[0] += 600         # each within 10 minutes of the last: still one group
    ev = record(store, rs, "Normal", "SuccessfulCreate", "Created pod: p9", "replicaset-controller")
    assert ev["message"].startswith("(combined from similar events): ")
    clock[0] += 601             # a gap longer than 10 minutes: the group starts again
    ev = record(store, rs, "Normal", "SuccessfulCreate", "Created pod: p10", "replicaset-controller")
    assert ev["message"] == "Created pod: p10" and ev["count"] == 1


def test_a_source_writes_25_events_about_an_object_then_one_per_five_minutes():
    store, clock, rs = _rs_store()
    written = [record(store, rs, "Warning", "FailedCreate", "Error creating: quota", "replicaset-controller")
               for _ in range(30)]
    assert [w["count"] for w in written[:25]] == list(range(1, 26)) and written[25:] == [None] * 5
    assert _events(store)[0]["count"] == 25
    clock[0] += 299
    assert record(store, rs, "Warning", "FailedCreate", "Error creating: quota", "replicaset-controller") is None
    clock[0] += 301             # 600 s since the 25th: two tokens back
    ev = record(store, rs, "Warning", "FailedCreate", "Error creating: quota", "replicaset-controller")
    assert ev["count"] == 32    # the dropped ones were counted all the same
    assert record(store, rs, "Warning", "FailedCreate", "Error creating: quota", "replicaset-controller")["count"] == 33
    assert record(store, rs, "Warning", "FailedCreate", "Error creating: quota", "replicaset-controller") is None
    # the bucket is per source and object: the kubelet about the same object is not throttled
    assert record(store, rs, "Warning", "FailedCreate", "Error creating: quota", "kubelet", host="n1")["count"] == 1


def test_a_deployment_of_thirty_pods_shows_nine_events_and_one_combined():
    import k8slab

    c = k8slab.kind(workers=2)
    c.kubectl("create deployment web --image=nginx --replicas=30")
    rs = c.store.list("replicasets", "default")[0]
    created = [e for e in c.store.list("events", "default")
               if e["involvedObject"].get("uid") == rs["metadata"]["uid"] and e["reason"] == "SuccessfulCreate"]
    assert len(created) == 10
    combined = [e for e in created if e["message"].startswith("(combined from similar events): Created pod: web-")]
    assert len(combined) == 1 and combined[0]["count"] == 16     # 25 written in all, 5 more dropped
    assert sum(e["count"] for e in created) == 25
    assert len(c.store.list("pods", "default")) == 30
    # every pod still has its own Scheduled, Pulled, Created and Started events
    pods = {p["metadata"]["uid"] for p in c.store.list("pods", "default")}
    per_pod = [e for e in c.store.list("events", "default") if e["involvedObject"].get("uid") in pods]
    assert len(per_pod) >= 4 * 30


def test_record_all_writes_what_record_writes_one_by_one():
    """record_all (the kubelet's Pulled, Created, Started at once) against record called for each event
    in turn, on two stores with one clock and seed: the same Events (names, counts, messages, the
    combined event past 10 distinct messages, nothing past the spam filter's 25) and the same returns."""
    def run(batched: bool):
        rng = random.Random(11)
        clock = [0.0]
        store = Store(clock=lambda: clock[0])
        objs = _objects()[:2]
        returns = []
        for step in range(400):
            obj = rng.choice(objs)
            clock[0] += rng.choice((0, 0, 1, 5, 100))
            batch = [(rng.choice(("Normal", "Warning")), rng.choice(("Pulled", "Created", "Started")),
                      rng.choice(("same", f"m{step % 13}", f"u{step}-{i}"))) for i in range(rng.randint(0, 4))]
            host, field_path = rng.choice((("kind-worker", ""),) * 9 + (("", "spec.containers{c}"),))
            if batched:
                got = record_all(store, obj, batch, "kubelet", host=host, field_path=field_path)
            else:
                got = [record(store, obj, *e, "kubelet", host=host, field_path=field_path) for e in batch]
            returns.append([None if ev is None else (ev["metadata"]["name"], ev["count"]) for ev in got])
        return returns, store.list("events", None)

    one_by_one, batched = run(False), run(True)
    assert batched == one_by_one
    events = one_by_one[1]
    assert any(e["message"].startswith(COMBINED) for e in events)   # the aggregator was reached
    assert any(e["count"] > 1 for e in events)
    assert any(r is None for step in one_by_one[0] for r in step)   # and the spam filter
