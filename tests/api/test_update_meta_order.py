"""A write keeps metadata in the apiserver's order whether or not the object had a generateName, and
whether the new version keeps it, drops it or moves it."""

from k8slab.api import Store
from k8slab.api.store import _META_ORDER


def _ordered(meta):
    rank = {k: i for i, k in enumerate(_META_ORDER)}
    keys = list(meta)
    return keys == sorted(keys, key=lambda k: rank.get(k, len(rank)))


def test_meta_order_after_updates_patches_and_bindings():
    store = Store(clock=lambda: 0, seed=2)
    named = store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a", "labels": {"x": "1"}},
                          "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    gen = store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"generateName": "g-", "labels": {"x": "1"},
                                                                        "annotations": {"k": "v"}},
                        "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    for pod in (named, gen):
        name = pod["metadata"]["name"]
        assert _ordered(pod["metadata"])
        bound = store.bind(name, "n1")
        assert _ordered(bound["metadata"]) and bound["metadata"].get("generateName") == \
            pod["metadata"].get("generateName")
        st = store.patch("pods", name, {"status": {"phase": "Running"}}, subresource="status")
        assert _ordered(st["metadata"])
        meta = {k: v for k, v in st["metadata"].items() if k != "generateName"}
        meta["labels"] = {"x": "2"}
        up = store.update(dict(st, metadata=meta))
        assert _ordered(up["metadata"]) and up["metadata"].get("generateName") == pod["metadata"].get("generateName")
        moved = dict(reversed(list(up["metadata"].items())))
        moved["labels"] = {"x": "3"}
        up2 = store.update(dict(up, metadata=moved))
        assert _ordered(up2["metadata"]) and list(up2["metadata"]) == list(up["metadata"])
