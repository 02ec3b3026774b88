"""Events the store keeps compactly until read (Store.create_deferred): every read path gives what
plain dict storage gives. The same random scenario (pods, restarts, crash loops, scaling, reads of
every kind, watches started midway, edits and deletions of events, a namespace deleted) runs with
the recorders' new events deferred and with them created as plain dicts; the transcripts of what
each read returned (and whether repeated reads give the same object) must be equal."""

import json
import random

import pytest

import k8slab
from k8slab.api import Store
from k8slab.api.errors import APIError
from k8slab.components import events
from k8slab.components.events import _EVENTS, _Emitted, _Recorded, _reference_parts, emit, record


def _always_deferred(store, event, result):
    store.create_deferred(event, _EVENTS)


def _never_deferred(store, event, result):
    stored = store.create(event.build({"name": event.name, "namespace": event.namespace}), validate=False, copy=False)
    return stored if result else None


def _names(store, ns):
    """The names of the stored events of a namespace (the keys only: reading them builds nothing)."""
    return sorted(store._data.get("events", {}).get(ns, {}))


def _dump(value):
    return json.dumps(value, sort_keys=False)


def _scenario(seed):
    rng = random.Random(seed)
    c = k8slab.kind(workers=2)
    store = c.store
    c.kubectl("create namespace team")
    c.kubectl("create deployment web --image=nginx --replicas=10")
    c.kubectl("create deployment api --image=nginx --replicas=3 -n team")
    out, watches, deferred_seen = [], [], 0
    team = True
    for _ in range(60):
        deferred_seen = max(deferred_seen, sum(store._deferred.values()))
        ns = rng.choice(("default", "team") if team else ("default",))
        pods = [p["metadata"]["name"] for p in store.list("pods", "default")] if rng.random() < 0.3 else None
        names = _names(store, ns)
        r = rng.randrange(17)
        if r == 0:
            c.advance(rng.choice((1, 30, 400)))
        elif r == 1 and pods:
            try:
                c.restart_container(rng.choice(pods))
            except LookupError:
                pass
        elif r == 2 and pods:
            pod = store.get("pods", rng.choice(pods))
            kubelet = c.kubelets.get(pod["spec"].get("nodeName", ""))
            if kubelet is not None and pod["metadata"]["uid"] in kubelet.sandboxes:
                kubelet.crash_container(pod, "nginx", rng.choice(("boom", "bang")))
                c.settle()
        elif r == 3:
            c.kubectl(f"scale deployment web --replicas={rng.randint(6, 14)}")
        elif r == 4 and names:
            name = rng.choice(names)
            first = store.get("events", name, ns)
            out.append(("get", _dump(first), first is store.try_get("events", name, ns)))
        elif r == 5:
            out.append(("missing", store.try_get("events", "nope.1", ns), store.by_uid("no-such-uid")))
        elif r == 6 and names:
            # a lookup by uid (the uid read from the event itself: that read builds it; the others
            # stay as they are until the uid index is asked for one it does not know)
            ev = store.get("events", rng.choice(names), ns)
            out.append(("by_uid", store.by_uid(ev["metadata"]["uid"]) is ev))
        elif r == 7:
            out.append(("count", store.count("events"), store.count("events", ns)))
        elif r == 8:
            objs = store.list("events", ns)
            again = store.list("events", ns)
            out.append(("list", _dump(objs), all(a is b for a, b in zip(objs, again))))
        elif r == 9:
            sel = "involvedObject.kind=Pod,reason=" + rng.choice(("Scheduled", "Started", "BackOff"))
            out.append(("select", _dump(store.list("events", None, field_selector=sel))))
        elif r == 10:
            out.append(("kubectl", c.kubectl(rng.choice(("get events -A -o yaml", "get events -A -o json",
                                                       "get events -n default", f"get events -n {ns} -o wide")))))
        elif r == 11 and pods:
            out.append(("describe", c.kubectl(f"describe pod {rng.choice(pods)}")))
        elif r == 12:
            kind = rng.randrange(4)
            if kind == 0:
                watches.append(store.watch(resource="events"))
            elif kind == 1:
                watches.append(store.watch(resource="events", namespace=ns, send_initial=True))
            elif kind == 2 and pods:
                watches.append(store.watch(resource="events", send_initial=True,
                                           field=("involvedObject.name", rng.choice(pods))))
            else:
                watches.append(store.watch(send_initial=rng.random() < 0.5))
            if rng.random() < 0.3:
                rng.choice(watches).stop()
        elif r == 13 and names:
            out.append(("delete", _dump(store.delete("events", rng.choice(names), ns))))
        elif r == 14 and names:
            out.append(("patch", _dump(store.patch("events", rng.choice(names), {"message": "edited"}, ns,
                                                   patch_type="merge"))))
        elif r == 15 and team and rng.random() < 0.3:
            c.kubectl("delete namespace team")
            c.settle()
            team = False
        elif r == 16:
            try:
                store.create({"apiVersion": "v1", "kind": "Event", "metadata": {"name": rng.choice(names or ["x"])},
                              "involvedObject": {"kind": "Pod", "name": "x"}, "reason": "Manual"}, ns)
                out.append(("created",))
            except APIError as e:
                out.append(("create error", str(e)))
    out.append(("end", _dump(store.list("events")), store.resource_version))
    out.append(("watched", [[(e.type, _dump(e.object), _dump(e.old)) for e in w.events] for w in watches]))
    return out, deferred_seen


@pytest.mark.parametrize("seed", range(3))
def test_deferred_events_read_as_plain_ones(seed, monkeypatch):
    with monkeypatch.context() as m:
        m.setattr(events, "_write", _never_deferred)
        m.setattr(events, "_write_all", lambda store, evs: [_never_deferred(store, e, False) for e in evs])
        plain, none_deferred = _scenario(seed)
    assert none_deferred == 0
    with monkeypatch.context() as m:
        m.setattr(events, "_write", _always_deferred)
        deferred, some_deferred = _scenario(seed)
    assert some_deferred > 20
    assert len(plain) == len(deferred)
    for a, b in zip(plain, deferred):
        assert a == b


def _store_pair():
    clock = [0.0]
    a, b = Store(clock=lambda: clock[0], seed=3), Store(clock=lambda: clock[0], seed=3)
    return clock, a, b


def test_create_deferred_draws_and_checks_as_create():
    """Same uid, resourceVersion and creationTimestamp (the same draws), the same errors, and a
    watch present at write time gets the dict at once."""
    clock, plain, lazy = _store_pair()
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
           "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
    for s in (plain, lazy):
        s.create(pod)
    ref = _reference_parts(pod)
    made = [_Recorded("web.1", "default", ("Normal", "Pulled", "m"), (1, "t0", "t1", {"component": "kubelet"}) + ref),
            _Emitted("web.2", "n", ("default", "Binding", "t2", "Scheduled", "default-scheduler", "i", "Normal", None), ref),
            _Recorded("web.3", "default", ("Warning", "Created", "m"),
                      (2, "t0", "t1", {"component": "k", "host": "h"}) + ref)]
    seen = []
    for i, ev in enumerate(made):
        clock[0] += 1.5
        if i == 2:
            seen = [plain.watch(resource="events"), lazy.watch(resource="events")]
        plain.create(ev.build({"name": ev.name, "namespace": ev.namespace}), validate=False, copy=False)
        lazy.create_deferred(ev, "events")
    assert sum(lazy._deferred.values()) == 2          # the third was watched: made at once
    assert [_dump(e.object) for e in seen[0].events] == [_dump(e.object) for e in seen[1].events]
    assert plain.rng.random() == lazy.rng.random() and plain.resource_version == lazy.resource_version
    assert lazy.by_uid(plain.get("events", "web.1")["metadata"]["uid"]) is lazy.get("events", "web.1")
    assert _dump(plain.list("events")) == _dump(lazy.list("events"))

    def errors(store, ev):
        try:
            store.create_deferred(ev, "events")
        except APIError as e:
            return str(e)

    clash = _Recorded("web.1", "default", ("Normal", "r", "m"), (1, "t", "t", {"component": "k"}) + ref)
    assert errors(lazy, clash) == 'events "web.1" already exists'
    nowhere = _Recorded("web.9", "nowhere", ("Normal", "r", "m"), (1, "t", "t", {"component": "k"}) + ref)
    assert errors(lazy, nowhere) == 'namespaces "nowhere" not found'
    with pytest.raises(ValueError):
        lazy.create_deferred(nowhere, "pods")


def test_results_off_return_nothing_and_write_the_same():
    """record and emit with result=False write what result=True writes; repeats bump it."""
    clock, plain, lazy = _store_pair()
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
           "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
    for s in (plain, lazy):
        p = s.create(pod)
    for step in range(6):
        clock[0] += 2
        for s, result in ((plain, True), (lazy, False)):
            a = record(s, p, "Normal", "Pulled", f"m{step % 2}", "kubelet", host="kind-worker", result=result)
            b = emit(s, p, "Normal", "Scheduled", "Binding", "assigned", "default-scheduler", "i", result=result)
            assert (a is None and b is None) == (not result)
    assert _dump(plain.list("events")) == _dump(lazy.list("events"))
    listed = lazy.list("events")
    assert sorted(e.get("count", 0) for e in listed) == [0, 3, 3]
    assert [e["series"]["count"] for e in listed if "series" in e] == [6]


def test_by_uid_builds_only_the_event_asked_for():
    """A lookup by uid finds a compact event and makes only it; a miss (any spelling that is not a
    stored uid, the same digits in another form included) makes none."""
    clock, plain, lazy = _store_pair()
    batch = (1, "t0", "t1", {"component": "kubelet"}) + _reference_parts({"kind": "Pod", "metadata": {"name": "web"}})
    for i in range(5):
        clock[0] += 1
        ev = _Recorded(f"web.{i}", "default", ("Normal", "Pulled", "m"), batch)
        plain.create(ev.build({"name": ev.name, "namespace": ev.namespace}), validate=False, copy=False)
        lazy.create_deferred(ev, "events")
    uid = plain.get("events", "web.3")["metadata"]["uid"]
    for miss in ("no-such-uid", uid.replace("-", ""), uid.upper(), f"{{{uid}}}", "", None, 7, "-" + "f" * 40):
        assert lazy.by_uid(miss) is None
    assert sum(lazy._deferred.values()) == 5
    found = lazy.by_uid(uid)
    assert _dump(found) == _dump(plain.get("events", "web.3"))
    assert sum(lazy._deferred.values()) == 4 and lazy.get("events", "web.3") is found
    assert lazy.by_uid(uid) is found
