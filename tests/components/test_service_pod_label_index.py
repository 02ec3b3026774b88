"""The ServicePodIndex keeps its pods-by-label index only for the namespaces a Service sync has read
(label_index, made then from the pods it holds, kept from events after): through random pod creates,
relabels (to none too), status patches and deletes in three namespaces, with namespaces indexed at
random moments, the index of every labelled namespace equals the one built from a scan of the pods,
the others have no entry, and selected_pods answers as a filter of the store's pods."""

from __future__ import annotations

import random

from k8slab.api.store import Store
from k8slab.components.endpointslice import ServicePodIndex, ServicePodsController

NAMESPACES = ["default", "a", "b"]
LABEL_SETS = [{}, {"app": "x"}, {"tier": "y"}, {"app": "x", "tier": "y"}, {"app": "z", "tier": "y"}]
SELECTORS = [{"app": "x"}, {"tier": "y"}, {"app": "x", "tier": "y"}, {"app": "z"}]


class Reader(ServicePodsController):
    def reconcile(self, key):   # pragma: no cover - only selected_pods is used
        pass


def _scan(index: ServicePodIndex) -> dict:
    out: dict = {}
    for ns in index.labelled:
        for name, pod in index.pods.get(ns, {}).items():
            for k, v in (pod["metadata"].get("labels") or {}).items():
                out.setdefault((ns, k, v), set()).add(name)
    return out


def test_label_index_only_for_read_namespaces_and_as_a_scan():
    for seed in range(4):
        rng = random.Random(seed)
        store = Store(clock=lambda: 0)
        for ns in NAMESPACES[1:]:
            store.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}, validate=False)
        reader = Reader()
        reader.store = store
        reader._open_index()
        index = reader.index
        pods: list = []
        for step in range(500):
            ns, r = rng.choice(NAMESPACES), rng.random()
            if r < 0.4 or not pods:   # a pod created
                pods.append((ns, f"p{step}"))
                store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {
                    "name": f"p{step}", "namespace": ns, "labels": dict(rng.choice(LABEL_SETS))},
                    "spec": {"containers": [{"name": "c", "image": "nginx"}]}}, validate=False)
            elif r < 0.8:             # relabelled (to none too) or its status patched
                pns, pname = rng.choice(pods)
                relabel = r < 0.6
                store.patch("pods", pname, {"metadata": {"labels": dict(rng.choice(LABEL_SETS)) or None}}
                            if relabel else {"status": {"podIP": f"10.0.0.{step % 250}"}}, pns,
                            **({"patch_type": "merge"} if relabel else {"subresource": "status"}))
            else:                     # deleted
                pns, pname = pods.pop(rng.randrange(len(pods)))
                store.delete("pods", pname, pns)
            store.dispatch()
            if rng.random() < 0.05:
                sel = rng.choice(SELECTORS)
                assert reader.selected_pods(ns, sel) == [
                    p for p in store.list("pods", ns)
                    if all((p["metadata"].get("labels") or {}).get(k) == v for k, v in sel.items())]
                assert ns in index.labelled
            assert index.pods_by_label == _scan(index), step
            assert all(key[0] in index.labelled for key in index.pods_by_label)
        assert index.labelled   # some namespaces were read
