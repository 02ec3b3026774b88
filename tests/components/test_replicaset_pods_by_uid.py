"""The ReplicaSet controller names pods by their uid: orphans are still adopted in name order
(whatever order they came in, whatever their uids), a pod deleted and created again under the
same name is a new pod to it, and no (namespace, name) tuple is kept per pod."""

from __future__ import annotations

from components_kube import kind_store, loop_with, pod

from k8slab.components.replicaset import ReplicaSetController

LABELS = {"app": "web", "pod-template-hash": "7d4b9c6f8"}


def rs(replicas):
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "web", "labels": LABELS},
            "spec": {"replicas": replicas, "selector": {"matchLabels": LABELS},
                     "template": {"metadata": {"labels": LABELS},
                                  "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}}}}


def test_orphans_adopted_in_name_order_and_a_recreated_name_is_a_new_pod():
    store, _ = kind_store()
    ctl = ReplicaSetController()
    loop = loop_with(store, ctl)
    names = ["s-e", "s-a", "s-d", "s-b", "s-c"]   # created out of name order
    for n in names:
        store.create(pod(n, labels=LABELS))
    loop.settle()
    seen = []
    orig = ctl._set_owners

    def spy(p, refs):
        seen.append(p["metadata"]["name"])
        return orig(p, refs)

    ctl._set_owners = spy
    store.create(rs(5))
    loop.settle()
    assert seen == sorted(names)
    assert all(type(k) is str for k in ctl.pod_owner)
    assert all(type(k) is str for owned in ctl.owned.values() for k in owned)
    old_uid = store.get("pods", "s-c")["metadata"]["uid"]
    store.delete("pods", "s-c")
    store.create(pod("s-c", labels=LABELS))
    loop.settle()
    new_uid = store.get("pods", "s-c")["metadata"]["uid"]
    assert old_uid not in ctl.pod_owner and new_uid in ctl.pod_owner
    rs_uid = store.get("replicasets", "web")["metadata"]["uid"]
    assert ctl.tallies[rs_uid].active == 5
    assert sorted(p["metadata"]["name"] for p in ctl.owned[rs_uid].values()) == \
        sorted(p["metadata"]["name"] for p in store.list("pods", "default"))
