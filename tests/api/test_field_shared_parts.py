"""A write that shares the first part of a watched field's path with the stored version (a status
patch keeps the spec, a label patch keeps spec and status) leaves the field index and the
field-selected deliveries as a full comparison of the values would: checked against a scan and a
plain filter through random creates, bindings, status patches, label patches and deletes, with
watches on spec.nodeName and on status.phase."""

from __future__ import annotations

import random

from k8slab.api.store import Store

PATHS = {"spec.nodeName": ("spec", "nodeName"), "status.phase": ("status", "phase")}


def _value(obj, path):
    for part in PATHS[path]:
        obj = obj.get(part) if isinstance(obj, dict) else None
    return obj


def test_index_and_deliveries_match_a_scan_and_a_filter():
    store = Store(clock=lambda: 0, dispatch="manual")
    rng = random.Random(13)
    watches = []
    for path, values in (("spec.nodeName", ("n0", "n1")), ("status.phase", ("Pending", "Running"))):
        for v in values:   # send_initial: the field index exists from here on
            watches.append((path, v, store.watch(None, "pods", send_initial=True, field=(path, v))))
    names = []
    for step in range(600):
        r = rng.random()
        if r < 0.25 or not names:
            name = f"p{step}"
            store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
                          "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
            names.append(name)
        else:
            name = rng.choice(names)
            pod = store.get("pods", name)
            if r < 0.4 and not pod["spec"].get("nodeName"):
                store.bind(name, rng.choice(["n0", "n1", "n2"]))
            elif r < 0.7:
                store.patch("pods", name, {"status": {"phase": rng.choice(["Pending", "Running", "Failed"])}},
                            subresource="status")
            elif r < 0.9:
                store.patch("pods", name, {"metadata": {"labels": {"x": str(rng.randrange(3))}}})
            else:
                store.delete("pods", name)
                names.remove(name)
        store.dispatch()
        for path, v, w in watches:
            for e in w.events:   # only events whose object or old object has the value
                assert _value(e.object, path) == v or (e.old is not None and _value(e.old, path) == v)
            w.events.clear()
    for path, v, _ in watches:
        got = store.watch(None, "pods", send_initial=True, field=(path, v)).events
        want = [p for p in store.list("pods") if _value(p, path) == v]
        assert [e.object for e in got] == want


def test_every_event_that_concerns_a_value_reaches_its_watch():
    store = Store(clock=lambda: 0, dispatch="manual")
    seen = store.watch(None, "pods", field=("status.phase", "Running"))
    allw = store.watch(None, "pods")
    store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                  "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    for phase in ("Running", "Running", "Pending", "Running"):
        store.patch("pods", "p", {"status": {"phase": phase}}, subresource="status")
        store.patch("pods", "p", {"metadata": {"labels": {"v": phase}}})
    store.dispatch()
    want = [e for e in allw.events
            if (e.object.get("status") or {}).get("phase") == "Running"
            or (e.old is not None and (e.old.get("status") or {}).get("phase") == "Running")]
    assert seen.events == want and len(want) > 4
