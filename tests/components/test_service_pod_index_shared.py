"""The EndpointSlice and Endpoints controllers read one ServicePodIndex per store (kept by its own
watches) and requeue from the event's old and new labels: each enqueues the same keys as a
controller keeping a private index fed by its own events and scanning its Services,
through random Service and pod creates, selector and label changes, status patches and deletes,
with one pair added at the start and one added later while events were still queued. The shared
index's pods agree with a scan of the store."""

from __future__ import annotations

import random

from k8slab.api.store import Store
from k8slab.components.controller import Controllers
from k8slab.components.endpointslice import ServicePodIndex, ServicePodsController


class Shared(ServicePodsController):
    def reconcile(self, key):   # pragma: no cover - the test drains queues itself
        pass


class Private(Shared):
    """Its own index, fed by its own events; the Services to requeue found by a scan, from the pod
    it held before the event and the event's pod."""

    def start(self):
        self._index = ServicePodIndex(Store())   # watches an empty store: fed by hand below

    def on_event(self, event):
        kind = event.resource.kind
        if kind == "Node":
            return
        meta = event.object["metadata"]
        ns, name = meta.get("namespace", ""), meta["name"]
        index = self._index
        if kind == "Service":
            index.on_event(event)
            self.enqueue((ns, name))
            return
        old_pod = index.pods.get(ns, {}).get(name)
        index.on_event(event)
        seen = [] if event.type == "DELETED" else [meta.get("labels") or {}]
        if old_pod is not None:
            seen.append(old_pod["metadata"].get("labels") or {})
        for (sns, sname), sel in sorted(index.services.items()):   # a scan: those selecting it before or after
            if sns == ns and any(all(labels.get(k) == v for k, v in sel.items()) for labels in seen):
                self.enqueue((ns, sname))


def test_shared_index_requeues_as_a_private_one():
    rng = random.Random(21)
    store = Store(clock=lambda: 0, dispatch="manual")
    store.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "other"}}, validate=False)
    loop = Controllers(store)
    pairs = [(loop.add(Shared()), loop.add(Private()))]
    label_sets = [{}, {"app": "a"}, {"tier": "b"}, {"app": "a", "tier": "b"}, {"app": "c", "tier": "b"}]
    selectors = [{"app": "a"}, {"tier": "b"}, {"app": "a", "tier": "b"}, {}, {"app": "c"}]
    pods, svcs = [], []
    compared = 0
    for step in range(700):
        ns = rng.choice(["default", "other"])
        r = rng.random()
        if r < 0.1:
            name = f"s{step}"
            store.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns},
                          "spec": {"selector": rng.choice(selectors), "ports": [{"port": 80}]}}, validate=False)
            svcs.append((ns, name))
        elif r < 0.15 and svcs:
            sns, sname = rng.choice(svcs)
            store.patch("services", sname, {"spec": {"selector": rng.choice(selectors) or None}}, sns,
                        patch_type="merge")
        elif r < 0.18 and svcs:
            sns, sname = svcs.pop(rng.randrange(len(svcs)))
            store.delete("services", sname, sns)
        elif r < 0.45 or not pods:
            name = f"p{step}"
            store.create({"apiVersion": "v1", "kind": "Pod",
                          "metadata": {"name": name, "namespace": ns, "labels": dict(rng.choice(label_sets))},
                          "spec": {"containers": [{"name": "c", "image": "nginx"}]}}, validate=False)
            pods.append((ns, name))
        elif r < 0.65:
            pns, pname = rng.choice(pods)
            store.patch("pods", pname, {"metadata": {"labels": dict(rng.choice(label_sets)) or None}}, pns,
                        patch_type="merge")
        elif r < 0.85:
            pns, pname = rng.choice(pods)
            store.patch("pods", pname, {"status": {"podIP": f"10.0.0.{step % 250}"}}, pns, subresource="status")
        else:
            pns, pname = pods.pop(rng.randrange(len(pods)))
            store.delete("pods", pname, pns)
        if step == 300:   # a second pair joins while events are queued
            pairs.append((loop.add(Shared()), loop.add(Private())))
        if rng.random() < 0.3:
            store.dispatch()
            for shared, private in pairs:
                # the same keys (the Services one pod event requeues come in set order, which
                # differs between sets of different histories as it does between hash seeds)
                assert sorted(shared.queue) == sorted(private.queue), step
                compared += len(shared.queue)
                for c in (shared, private):
                    c.queue.clear()
                    c.queued.clear()
    assert compared > 150
    store.dispatch()
    index = ServicePodIndex.of(store)
    assert all(shared.index is index for shared, _ in pairs)
    assert {(ns, n): p for ns, by_name in index.pods.items() for n, p in by_name.items()} == \
        {(p["metadata"]["namespace"], p["metadata"]["name"]): p for p in store.list("pods")}
    for ns in ("default", "other"):
        for sel in selectors[:3]:
            assert pairs[0][0].selected_pods(ns, sel) == [
                p for p in store.list("pods", ns)
                if all((p["metadata"].get("labels") or {}).get(k) == v for k, v in sel.items())]
