"""The EndpointSlice/Endpoints controllers find the Services selecting a pod's labels through an
anchor index (namespace, then a selector's first label key and value) that agrees with a scan of
the Services, through random creates, selector changes (to none too) and deletes of Services in
two namespaces, and keeps no empty entry: a namespace without selecting Services has none."""

import random

from k8slab.api.store import Store
from k8slab.components.controller import Controllers
from k8slab.components.endpointslice import ServicePodsController


class _Index(ServicePodsController):
    resources = ("services",)

    def reconcile(self, key):
        pass


def _no_empty(d):
    return all(v and (not isinstance(v, dict) or _no_empty(v)) for v in d.values())


def test_anchor_index_matches_a_scan():
    rng = random.Random(5)
    store = Store(clock=lambda: 0, dispatch="manual")
    store.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "other"}}, validate=False)
    loop = Controllers(store)
    ctl = loop.add(_Index())
    selectors = [None, {}, {"app": "a"}, {"tier": "b"}, {"app": "a", "tier": "b"}, {"app": "c", "tier": "b"},
                 {"z": "1", "app": "a"}]
    label_sets = [{}, {"app": "a"}, {"tier": "b"}, {"app": "a", "tier": "b"}, {"app": "c", "tier": "b", "z": "1"},
                  {"z": "1", "app": "a", "tier": "b"}, {"x": "y"}]
    for step in range(600):
        ns, name = rng.choice(["default", "other"]), f"s{rng.randrange(6)}"
        old = store.try_get("services", name, ns)
        sel = rng.choice(selectors)
        spec = {"ports": [{"port": 80}]}
        if sel is not None:
            spec["selector"] = sel
        if old is None:
            store.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns},
                          "spec": spec}, validate=False)
        elif rng.random() < 0.3:
            store.delete("services", name, ns)
        else:
            store.update(dict(old, spec=dict(old["spec"], **spec) if sel is not None else
                              {k: v for k, v in old["spec"].items() if k != "selector"}), ns, validate=False)
        loop.settle()
        assert _no_empty(ctl.svc_anchor), step
        for tns in ("default", "other", "none"):
            selecting = [s for s in store.list("services", tns) if (s["spec"].get("selector") or {})]
            assert (tns in ctl.svc_anchor) == bool(selecting)
            for labels in label_sets:
                want = {s["metadata"]["name"] for s in selecting
                        if all(labels.get(k) == v for k, v in s["spec"]["selector"].items())}
                assert ctl.services_selecting(tns, labels) == want, (step, tns, labels)
