"""A write that keeps the stored metadata object (a status write, a binding) skips the metadata
fix-ups, which could only copy the stored values onto themselves: the store ends up with the same
objects, keys in the same order, and the same events as when every write takes the general way,
through random creates (named and generated, namespaced and not), status patches and updates,
bindings, deletions held by finalizers (deletionTimestamp appended last) and finalizer removals."""

from __future__ import annotations

import json
import random

from k8slab.api.errors import APIError
from k8slab.api.store import Store


class General(Store):
    def _commit_update(self, res, ns, old, new, **kw):
        if new.get("metadata") is old["metadata"]:
            new["metadata"] = dict(old["metadata"])
        return super()._commit_update(res, ns, old, new, **kw)


def run(cls, seed):
    rng = random.Random(seed)
    store = cls(clock=lambda: 7, seed=1, graceful_pod_deletion=True)
    seen = []
    store.watch(lambda e: seen.append((e.type, json.dumps(e.object), e.seq)))
    for i in range(400):
        r = rng.random()
        pods = store.list("pods", "default")
        try:
            if r < 0.25 or not pods:
                meta = {"generateName": "p-"} if rng.random() < 0.5 else {"name": f"p{rng.randrange(30)}"}
                if rng.random() < 0.4:
                    meta["finalizers"] = ["x/y"]
                if rng.random() < 0.3:
                    meta["labels"] = {"a": "b"}
                store.create({"apiVersion": "v1", "kind": "Pod", "metadata": meta,
                              "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
            elif r < 0.3:
                store.create({"apiVersion": "v1", "kind": "Node", "metadata": {"name": f"n{rng.randrange(5)}"}})
            elif r < 0.4 and store.list("nodes"):
                n = rng.choice(store.list("nodes"))
                store.patch("nodes", n["metadata"]["name"], {"status": {"phase": str(i)}}, subresource="status")
            else:
                p = rng.choice(pods)
                name = p["metadata"]["name"]
                if r < 0.55:
                    store.patch("pods", name, {"status": {"podIP": f"10.0.0.{i % 250}"}}, subresource="status")
                elif r < 0.65:
                    store.update(dict(p, status={"phase": "Running", "n": i}), subresource="status")
                elif r < 0.75:
                    store.bind(name, f"n{i % 3}")
                elif r < 0.88:
                    store.delete("pods", name)
                else:
                    store.patch("pods", name, {"metadata": {"finalizers": None}})
        except APIError:
            pass
    every = {q: {ns: [(n, json.dumps(o)) for n, o in objs.items()] for ns, objs in by_ns.items()}
             for q, by_ns in store._data.items()}
    return every, seen, store.resource_version


def test_shared_metadata_way_equals_the_general_one():
    for seed in range(4):
        fast, general = run(Store, seed), run(General, seed)
        assert fast == general
        assert any('"deletionTimestamp"' in o for _, o, _ in fast[1])
