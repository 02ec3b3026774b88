"""Watch dispatch: the watches an event reaches (the per-resource lists kept between events, the
field-selected buckets) agree with a plain filter over every watch, while watches start and stop,
some from inside handlers."""

import random

from k8slab.api.store import Store


def _pod(name, ns="default"):
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": ns},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]}}


def _concerns(w, event) -> bool:
    """What a watch should get, said plainly: its resource, its namespace, its field value in the
    object or the old object, an event after it started, while it is active."""
    if not w.active or event.seq <= w.start:
        return False
    if w.resource is not None and w.resource.qualified != event.resource.qualified:
        return False
    if w.namespace is not None and event.object["metadata"].get("namespace") != w.namespace:
        return False
    if w.field is not None:
        path, value = w.field
        def at(obj):
            for part in path.split("."):
                obj = obj.get(part) if isinstance(obj, dict) else None
            return obj
        return at(event.object) == value or (event.old is not None and at(event.old) == value)
    return True


def test_deliveries_match_a_filter_over_all_watches():
    store = Store(clock=lambda: 0, dispatch="manual")
    rng = random.Random(7)
    got: list = []
    want: list = []
    watches = []

    def handler_for(tag):
        def handler(event):
            got.append((tag, event.seq))
            if rng.random() < 0.03:   # a handler stops some watch (maybe one still to be offered this event)
                rng.choice(watches).stop()
        return handler

    def add_watch():
        kind = rng.choice(["pods", "nodes", "services", None, "field"])
        ns = rng.choice([None, None, "default", "kube-system"])
        if kind == "field":
            w = store.watch(None, "pods", ns, field=("spec.nodeName", rng.choice(["n0", "n1", "n2"])))
        else:
            w = store.watch(None, kind, ns)
        w.handler = handler_for(len(watches))
        watches.append(w)

    for _ in range(6):
        add_watch()
    live: list = []
    for i in range(600):
        r = rng.random()
        ns = rng.choice(["default", "kube-system"])
        if r < 0.35 or not live:
            store.create(_pod(f"p{i}", ns))
            live.append((ns, f"p{i}"))
        elif r < 0.6:
            pns, name = rng.choice(live)
            if not store.get("pods", name, pns)["spec"].get("nodeName"):
                store.bind(name, rng.choice(["n0", "n1", "n2", "n3"]), pns)
        elif r < 0.75:
            pns, name = rng.choice(live)
            store.patch("pods", name, {"status": {"phase": rng.choice(["Running", "Pending"])}}, pns,
                        subresource="status")
        elif r < 0.82:
            pns, name = live.pop(rng.randrange(len(live)))
            store.delete("pods", name, pns)
        elif r < 0.9:
            store.create({"apiVersion": "v1", "kind": "Node", "metadata": {"name": f"node{i}"}}, validate=False)
        elif r < 0.95:
            add_watch()
        else:
            rng.choice(watches).stop()
        # Work out what each queued event should reach, watch by watch, as dispatch comes to it
        # (a handler may stop a later watch: the filter is applied at the moment of delivery).
        pending = list(store._queue)
        got_before = len(got)
        store.dispatch()
        delivered = got[got_before:]
        pos = 0
        for event in pending:
            if type(event) is tuple:
                continue
            # every delivered (watch, seq) for this event, in subscription order
            mine = []
            while pos < len(delivered) and delivered[pos][1] == event.seq:
                mine.append(delivered[pos][0])
                pos += 1
            assert mine == sorted(mine)
            for tag in mine:
                assert _concerns(watches[tag], event) or not watches[tag].active
            want.extend(mine)
        # and nothing still active and concerned was skipped
        for event in pending:
            if type(event) is tuple:
                continue
            for tag, w in enumerate(watches):
                if w.active and _concerns(w, event):
                    assert (tag, event.seq) in got[got_before:]
    assert got and len(want) == len(got)


def test_a_watch_started_or_stopped_is_seen_by_the_next_event():
    store = Store(clock=lambda: 0)
    a = store.watch(None, "pods")
    store.create(_pod("x"))
    b = store.watch(None, "pods")
    store.create(_pod("y"))
    a.stop()
    store.create(_pod("z"))
    everything = store.watch(None)
    store.create(_pod("w"))
    assert [e.object["metadata"]["name"] for e in a.events] == ["x", "y"]
    assert [e.object["metadata"]["name"] for e in b.events] == ["y", "z", "w"]
    assert [e.object["metadata"]["name"] for e in everything.events] == ["w"]
