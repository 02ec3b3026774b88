"""The EndpointSlice and Endpoints controllers get pod events through the store's ServicePodIndex
(ServicePodIndex.follow) instead of a pod watch each, and only those of a namespace where a
Service selects pods: through random Service and pod writes in three namespaces (one never has a
Service), with controllers joining and one leaving while events are queued, each enqueues what
the same controller watching pods itself enqueues."""

from __future__ import annotations

import random

from k8slab.api.store import Store
from k8slab.components.controller import Controllers
from k8slab.components.endpoints import EndpointsController
from k8slab.components.endpointslice import EndpointSliceController, ServicePodIndex


class Slices(EndpointSliceController):
    def reconcile(self, key):   # pragma: no cover - the test drains queues itself
        pass


class Endpoints(EndpointsController):
    def reconcile(self, key):   # pragma: no cover - the test drains queues itself
        pass


def watching(cls):
    """The same controller with a pod watch of its own (the way before the index forwarded)."""
    return type(f"Watching{cls.__name__}", (cls,), {"shared": ()})


def _write(store, rng, step, pods, svcs):
    ns = rng.choice(["default", "other", "quiet"])
    r = rng.random()
    if r < 0.1 and ns != "quiet":
        store.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": f"s{step}", "namespace": ns},
                      "spec": {"selector": rng.choice([{"app": "a"}, {"tier": "b"}, {}]), "ports": [{"port": 80}]}},
                     validate=False)
        svcs.append((ns, f"s{step}"))
    elif r < 0.16 and svcs:
        sns, sname = svcs.pop(rng.randrange(len(svcs)))
        store.delete("services", sname, sns)
    elif r < 0.5 or not pods:
        store.create({"apiVersion": "v1", "kind": "Pod",
                      "metadata": {"name": f"p{step}", "namespace": ns,
                                   "labels": rng.choice([{}, {"app": "a"}, {"app": "a", "tier": "b"}])},
                      "spec": {"containers": [{"name": "c", "image": "nginx"}]}}, validate=False)
        pods.append((ns, f"p{step}"))
    elif r < 0.9:   # a relabel or a status write
        pns, pname = rng.choice(pods)
        relabel = r < 0.7
        body = {"metadata": {"labels": rng.choice([{"app": None}, {"tier": "b"}])}} if relabel else \
            {"status": {"podIP": f"10.0.0.{step % 250}"}}
        store.patch("pods", pname, body, pns, patch_type="merge", subresource=None if relabel else "status")
    else:
        pns, pname = pods.pop(rng.randrange(len(pods)))
        store.delete("pods", pname, pns)


def _drain(controller) -> list:
    """The controller's queued keys, in order; its queue is left empty."""
    keys = list(controller.queue)
    controller.queue.clear()
    controller.queued.clear()
    return keys


def test_followers_enqueue_as_pod_watchers():
    rng = random.Random(7)
    store = Store(clock=lambda: 0, dispatch="manual")
    for ns in ("other", "quiet"):
        store.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}, validate=False)
    loop = Controllers(store)
    pairs = [(loop.add(cls()), loop.add(watching(cls)())) for cls in (Slices, Endpoints)]
    index = ServicePodIndex.of(store)
    assert len(index.followers) == 2
    pods: list = []
    svcs: list = []
    compared = 0
    for step in range(800):
        _write(store, rng, step, pods, svcs)
        if step == 300:   # joining: it gets the pod events from now on (the
            # initial list of Services enqueues every Service, so the pods' initial list, which a
            # watching controller also gets, adds none once the index has seen the queued events)
            store.dispatch()
            pairs.append((loop.add(Slices()), loop.add(watching(Slices)())))
        if step == 500:   # leaving: no more pod events for it
            gone = pairs.pop(0)
            for c in gone:
                loop.remove(c)
            assert all(f[1].__self__ is not gone[0] for f in index.followers)
        if rng.random() < 0.3:
            store.dispatch()
            drained = [(_drain(follower), _drain(watcher)) for follower, watcher in pairs]
            assert all(a == b for a, b in drained), step
            compared += sum(len(a) for a, _ in drained)
    assert compared > 150
    assert not any(c.queue for c in gone)


def test_a_follower_gets_the_pod_events_from_when_it_began():
    store = Store(clock=lambda: 0, dispatch="manual")
    index = ServicePodIndex.of(store)
    store.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
                  "spec": {"selector": {"app": "a"}, "ports": [{"port": 80}]}}, validate=False)
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p1", "labels": {"app": "a"}},
           "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
    store.create(pod, validate=False)
    seen: list = []
    index.follow(seen.append)          # the queued ADDED of p1 came before it
    pod["metadata"]["name"] = "p2"
    store.create(pod, validate=False)
    store.dispatch()
    assert [e.object["metadata"]["name"] for e in seen] == ["p2"]
    index.unfollow(seen.append)
    store.delete("pods", "p2")
    store.dispatch()
    assert len(seen) == 1
