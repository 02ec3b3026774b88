"""The EndpointSlice/Endpoints controllers' pod index (kept as is when an event leaves a pod's labels
as they were) agrees with a scan of the store, and a label change requeues the Services it concerns,
after random creates, label changes (new dicts, equal or not), status updates and deletes."""

import random

from k8slab.api.store import Store
from k8slab.components.controller import Controllers
from k8slab.components.endpointslice import ServicePodsController


class _Index(ServicePodsController):
    resources = ("services", "pods")

    def reconcile(self, key):
        self.synced.append(key)


def _selects(sel, labels):
    return all(labels.get(k) == v for k, v in sel.items())


def test_index_matches_a_scan():
    rng = random.Random(11)
    store = Store(clock=lambda: 0, dispatch="manual")
    loop = Controllers(store)
    ctl = _Index()
    ctl.synced = []
    loop.add(ctl)
    selectors = {"a": {"app": "a"}, "ab": {"app": "a", "tier": "b"}, "b": {"tier": "b"}}
    for name, sel in selectors.items():
        for ns in ("default", "other"):
            if ns == "other":
                store.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}, validate=False) \
                    if store.try_get("namespaces", ns) is None else None
            store.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns},
                          "spec": {"selector": sel, "ports": [{"port": 80}]}}, validate=False)
    loop.settle()
    label_sets = [{}, {"app": "a"}, {"tier": "b"}, {"app": "a", "tier": "b"}, {"app": "c", "tier": "b"}]
    live = []
    for i in range(500):
        r = rng.random()
        ns = rng.choice(["default", "other"])
        ctl.synced = []
        touched = None
        if r < 0.3 or not live:
            labels = dict(rng.choice(label_sets))
            store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"p{i}", "namespace": ns,
                                                                          "labels": labels},
                          "spec": {"containers": [{"name": "c", "image": "nginx"}]}}, validate=False)
            live.append((ns, f"p{i}"))
            touched = (ns, labels, labels)
        elif r < 0.55:
            pns, name = rng.choice(live)
            old = store.get("pods", name, pns)
            labels = dict(rng.choice(label_sets))     # a new dict: equal to the old labels or not
            new = dict(old, metadata=dict(old["metadata"], labels=labels, annotations={"n": str(i)}))
            store.update(new, pns, validate=False)
            touched = (pns, old["metadata"].get("labels") or {}, labels)
        elif r < 0.8:
            pns, name = rng.choice(live)
            store.patch("pods", name, {"status": {"podIP": f"10.0.0.{i % 250}"}}, pns, subresource="status")
        else:
            pns, name = live.pop(rng.randrange(len(live)))
            old = store.get("pods", name, pns)
            store.delete("pods", name, pns)
            touched = (pns, old["metadata"].get("labels") or {}, {})
        loop.settle()
        if touched is not None:
            tns, before, after = touched
            want = {(tns, s) for s, sel in selectors.items() if _selects(sel, before) or _selects(sel, after)}
            assert want <= set(ctl.synced)
        for tns in ("default", "other"):
            for sel in selectors.values():
                want = [p for p in store.list("pods", tns) if _selects(sel, p["metadata"].get("labels") or {})]
                got = ctl.selected_pods(tns, sel)
                assert [p["metadata"]["name"] for p in got] == [p["metadata"]["name"] for p in want]
                assert all(g is w for g, w in zip(got, want))   # the latest version of each
