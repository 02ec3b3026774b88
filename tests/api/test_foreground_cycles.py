"""A foreground deletion of an object in an ownership cycle (an object owning itself, two or three
owning each other, as ``kubectl apply`` can make them) deletes the cycle and what hangs off it,
once each, instead of recursing for ever (a RecursionError before); an object with another owner
still alive stays."""

from __future__ import annotations

from k8slab.api.store import Store


def ref(obj):
    meta = obj["metadata"]
    return {"apiVersion": obj["apiVersion"], "kind": obj["kind"], "name": meta["name"], "uid": meta["uid"]}


def pod(store, name, owners=()):
    meta = {"name": name}
    if owners:
        meta["ownerReferences"] = [ref(o) for o in owners]
    return store.create({"apiVersion": "v1", "kind": "Pod", "metadata": meta,
                         "spec": {"containers": [{"name": "c", "image": "nginx"}]}})


def owned_by(store, name, owners):
    obj = store.get("pods", name)
    new = dict(obj)
    new["metadata"] = dict(obj["metadata"], ownerReferences=[ref(o) for o in owners])
    return store.update(new)


def test_foreground_deletion_of_a_cycle_deletes_it_once():
    for size in (1, 2, 3):
        store = Store(clock=lambda: 0, seed=size)
        seen = store.watch(resource="pods")
        members = [pod(store, f"m{i}") for i in range(size)]
        for i in range(size):   # m0 <- m1 <- ... <- m(size-1) <- m0
            members[i] = owned_by(store, f"m{i}", [members[(i - 1) % size]])
        hanging = pod(store, "hanging", [members[-1]])
        other = pod(store, "other")
        shared = pod(store, "shared", [members[0], other])
        store.delete("pods", "m0", propagation_policy="Foreground")
        assert [p["metadata"]["name"] for p in store.list("pods")] == ["other", "shared"], size
        deleted = [e.object["metadata"]["name"] for e in seen.events if e.type == "DELETED"]
        assert sorted(deleted) == sorted([f"m{i}" for i in range(size)] + ["hanging"]), size
        assert store.get("pods", "shared")["metadata"]["ownerReferences"] == shared["metadata"]["ownerReferences"]
        assert hanging["metadata"]["uid"] not in store._dependents.get(members[-1]["metadata"]["uid"], ())
        assert not store._foreground


def test_background_and_orphan_deletion_of_a_cycle_as_before():
    for policy, left in (("Background", []), ("Orphan", ["m1"])):
        store = Store(clock=lambda: 0, seed=1)
        a, b = pod(store, "m0"), pod(store, "m1")
        a = owned_by(store, "m0", [b])
        owned_by(store, "m1", [a])
        store.delete("pods", "m0", propagation_policy=policy)
        assert [p["metadata"]["name"] for p in store.list("pods")] == left
