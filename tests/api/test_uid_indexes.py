"""The store's field index and owner index name objects by uid: through random creates, bindings,
relabels, owner changes, deletes and re-creates under the same name, a field-selected watch's
initial list is a plain filter of the store in (namespace, name) order, and the dependents of an
owner are those a scan finds, collected in (resource, namespace, name) order."""

import random

from k8slab.api import Store


def _pod(name, ns, node=None, owners=()):
    meta = {"name": name, "namespace": ns}
    if owners:
        meta["ownerReferences"] = [{"apiVersion": "v1", "kind": "ConfigMap", "name": n, "uid": u} for n, u in owners]
    spec = {"containers": [{"name": "c", "image": "nginx"}]}
    if node:
        spec["nodeName"] = node
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


def _key(obj):
    return obj["metadata"].get("namespace", ""), obj["metadata"]["name"]


def _scan_dependents(store, uid):
    out = []
    for res in ("pods", "configmaps", "namespaces"):
        for obj in store.list(res, None):
            if any(r.get("uid") == uid for r in obj["metadata"].get("ownerReferences") or []):
                q = store.resource(res).qualified
                out.append((q, *_key(obj)))
    return sorted(out)


def test_uid_indexes_against_scans():
    rng = random.Random(5)
    store = Store(clock=lambda: 0)
    for ns in ("a", "b"):
        store.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
    nodes = ["n1", "n2", None]
    store.watch(resource="pods", field=("spec.nodeName", "n1"))   # the index exists from here on
    owners = []
    for i in range(6):
        cm = store.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"o{i}",
                                                                                 "namespace": rng.choice("ab")}})
        owners.append((cm["metadata"]["name"], cm["metadata"]["uid"]))
    names = [f"p{i}" for i in range(25)]
    for step in range(600):
        ns, name = rng.choice("ab"), rng.choice(names)
        pod = store.try_get("pods", name, ns)
        r = rng.random()
        if pod is None:
            store.create(_pod(name, ns, rng.choice(nodes), rng.sample(owners, rng.randrange(3))))
        elif r < 0.3 and not pod["spec"].get("nodeName"):
            store.bind(name, rng.choice(["n1", "n2"]), ns)
        elif r < 0.5:
            refs = [{"apiVersion": "v1", "kind": "ConfigMap", "name": n, "uid": u}
                    for n, u in rng.sample(owners, rng.randrange(3))]
            store.patch("pods", name, {"metadata": {"ownerReferences": refs or None}}, ns, patch_type="merge")
        elif r < 0.7:
            store.patch("pods", name, {"metadata": {"labels": {"s": str(step)}}}, ns)
        else:
            store.delete("pods", name, ns)
        if step % 50 == 0:
            for node in ("n1", "n2", "n3"):
                for watch_ns in (None, "a", "b"):
                    w = store.watch(resource="pods", namespace=watch_ns, field=("spec.nodeName", node),
                                    send_initial=True)
                    want = sorted((p for p in store.list("pods", watch_ns) if p["spec"].get("nodeName") == node),
                                  key=_key)
                    assert [e.object for e in w.events] == want
                    assert all(g is p for g, p in zip((e.object for e in w.events), want))
                    w.stop()
            for _, uid in owners:
                assert store._dependent_keys(uid) == _scan_dependents(store, uid)
    # an owner goes: its dependents are collected in (resource, namespace, name) order; those with
    # another live owner keep that one
    seen = store.watch(resource="pods")
    name, uid = owners[0]
    deps = _scan_dependents(store, uid)
    assert deps
    cm = store.by_uid(uid)
    store.delete("configmaps", name, cm["metadata"]["namespace"])
    touched = [(e.type, _key(e.object)) for e in seen.events]
    assert [k for _, k in touched] == [(ns, n) for _, ns, n in deps]
    for (type_, (ns, n)) in touched:
        left = store.try_get("pods", n, ns)
        assert (type_ == "DELETED") == (left is None)
        if left is not None:
            assert all(r["uid"] != uid for r in left["metadata"]["ownerReferences"])
    assert store._dependent_keys(uid) == []
