"""A field-selected watch's initial list comes from the field index, and it agrees with a scan."""

import random

from k8slab.api.store import Store


def _pod(name, ns="default"):
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": ns},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]}}


def test_initial_events_match_a_scan_after_random_binds_and_deletes():
    store = Store(clock=lambda: 0, dispatch="manual")
    rng = random.Random(3)
    store.watch(lambda e: None, "pods", field=("spec.nodeName", "n0"))   # the index exists from here on
    live = set()
    for i in range(300):
        ns = rng.choice(["default", "kube-system"])
        name = f"p{i}"
        store.create(_pod(name, ns))
        live.add((ns, name))
        if rng.random() < 0.7:
            store.bind(name, f"n{rng.randrange(4)}", ns)
        if rng.random() < 0.2:
            victim = rng.choice(sorted(live))
            store.delete("pods", victim[1], victim[0])
            live.discard(victim)
    for node in ("n0", "n1", "n2", "n3"):
        for namespace in (None, "default"):
            w = store.watch(None, "pods", namespace, send_initial=True, field=("spec.nodeName", node))
            got = [(e.object["metadata"]["namespace"], e.object["metadata"]["name"]) for e in w.events]
            want = [(p["metadata"]["namespace"], p["metadata"]["name"]) for p in store.list("pods", namespace)
                    if p["spec"].get("nodeName") == node]
            assert got == want and all(e.type == "ADDED" for e in w.events)


def test_a_path_first_watched_late_is_indexed_from_what_exists():
    store = Store(clock=lambda: 0, dispatch="manual")
    for n in ("a", "b", "c"):
        store.create({"apiVersion": "v1", "kind": "Node", "metadata": {"name": n}}, validate=False)
    w = store.watch(None, "nodes", send_initial=True, field=("metadata.name", "b"))
    assert [e.object["metadata"]["name"] for e in w.events] == ["b"]
