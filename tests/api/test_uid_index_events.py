"""Events are kept out of the uid index while nothing needs them by uid (store._NOT_BY_UID): through
random creates, ownerReference changes, deletions of every propagation policy and a field-selected
watch of Events, a store doing so keeps the objects, finds every uid (by_uid), collects the garbage
and delivers the events that a store indexing every object does. Owners include Events, so an Event
owner missing from the index must not count as gone (the collector would delete its dependents)."""

from __future__ import annotations

import json
import random

from k8slab.api import store as store_module
from k8slab.api.errors import APIError
from k8slab.api.store import Store


def ref(obj):
    meta = obj["metadata"]
    return {"apiVersion": obj["apiVersion"], "kind": obj["kind"], "name": meta["name"], "uid": meta["uid"]}


def age(name):
    return int(name[1:])


def run(seed, index_all, monkeypatch):
    with monkeypatch.context() as m:
        if index_all:
            m.setattr(store_module, "_NOT_BY_UID", frozenset())
        store = Store(clock=lambda: 0, seed=seed)
    rng = random.Random(seed)
    uids, trace = [], []
    seen = store.watch(resource="events")
    selected = None
    for step in range(160):
        objs = store.list("events") + store.list("pods")
        owners = rng.sample(objs, min(len(objs), rng.choice([0, 1, 1, 2])))
        refs = [ref(o) for o in owners]
        op = rng.random()
        try:
            if op < 0.35:
                meta = {"name": f"e{step}"}
                if refs:
                    meta["ownerReferences"] = refs
                made = store.create({"apiVersion": "v1", "kind": "Event", "metadata": meta, "reason": rng.choice("ab"),
                                     "involvedObject": {"kind": "Pod", "name": "x"}})
            elif op < 0.6:
                meta = {"name": f"p{step}"}
                if refs:
                    meta["ownerReferences"] = refs
                made = store.create({"apiVersion": "v1", "kind": "Pod", "metadata": meta,
                                     "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
            elif op < 0.8 and objs:
                target = dict(rng.choice(objs))
                target["metadata"] = dict(target["metadata"])
                refs = [r for r in refs if age(r["name"]) < age(target["metadata"]["name"])]   # no cycles
                if refs:
                    target["metadata"]["ownerReferences"] = refs
                else:
                    target["metadata"].pop("ownerReferences", None)
                made = store.update(target)
            elif objs:
                target = rng.choice(objs)
                made = store.delete("events" if target["kind"] == "Event" else "pods", target["metadata"]["name"],
                                    propagation_policy=rng.choice(["Background", "Background", "Foreground", "Orphan"]))
            else:
                continue
        except APIError as e:
            trace.append(("error", str(e)))
            continue
        uids.append(made["metadata"]["uid"])
        if step == 80:
            selected = store.watch(resource="events", send_initial=True, field=("reason", "a"))
        trace.append(json.dumps([store.list("events"), store.list("pods")]))
        trace.append([json.dumps(store.by_uid(u)) for u in uids])
    return trace, [(e.type, json.dumps(e.object)) for e in seen.events], \
        [(e.type, json.dumps(e.object)) for e in selected.events]


def test_events_out_of_the_uid_index_change_nothing_seen(monkeypatch):
    for seed in range(6):
        assert run(seed, False, monkeypatch) == run(seed, True, monkeypatch)


def test_event_owners_keep_their_dependents(monkeypatch):
    store = Store(clock=lambda: 0, seed=1)
    event = store.create({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "e"}})
    assert event["metadata"]["uid"] not in store._by_uid and store.by_uid(event["metadata"]["uid"]) is event
    pod = store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                        "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    child = store.create({"apiVersion": "v1", "kind": "Event",
                          "metadata": {"name": "child", "ownerReferences": [ref(event), ref(pod)]}})
    assert child["metadata"]["uid"] in store._by_uid   # it names owners: the collector finds it by uid
    store.delete("pods", "p")
    kept = store.get("events", "child")
    assert kept["metadata"]["ownerReferences"] == [ref(event)]   # the Event owner is alive
    store.delete("events", "e")
    assert store.try_get("events", "child") is None
