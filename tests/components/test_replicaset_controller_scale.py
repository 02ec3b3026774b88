"""The ReplicaSet controller's per-ReplicaSet tally (kept from watch events instead of recounting
every pod on each reconcile) gives the status a full recount gives, through the changes that move
a pod in or out of it: readiness, relabeling (release), orphans (adoption), deletion, scale down,
and a template relabel (the tally is rebuilt)."""

from __future__ import annotations

import copy

from components_kube import kind_store, loop_with, pod, run_pod

from k8slab.components.replicaset import ReplicaSetController, is_active, is_ready

LABELS = {"app": "web", "pod-template-hash": "7d4b9c6f8"}


def rs(replicas=4, template_labels=None):
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "web", "labels": LABELS},
            "spec": {"replicas": replicas, "selector": {"matchLabels": LABELS},
                     "template": {"metadata": {"labels": template_labels or LABELS},
                                  "spec": {"containers": [{"name": "nginx", "image": "nginx"}]}}}}


def recount(store) -> dict:
    """calculateStatus from scratch over the pods in the store."""
    r = store.get("replicasets", "web")
    tl = r["spec"]["template"]["metadata"]["labels"]
    mine = [p for p in store.list("pods", "default") if is_active(p)
            and any(o["uid"] == r["metadata"]["uid"] for o in p["metadata"].get("ownerReferences") or [])
            and all(p["metadata"]["labels"].get(k) == v for k, v in LABELS.items())]
    ready = sum(1 for p in mine if is_ready(p))
    full = sum(1 for p in mine if all(p["metadata"]["labels"].get(k) == v for k, v in tl.items()))
    out = {"availableReplicas": ready, "fullyLabeledReplicas": full,
           "observedGeneration": r["metadata"]["generation"], "readyReplicas": ready, "replicas": len(mine)}
    return {k: v for k, v in out.items() if v or k == "replicas"}


def status(store) -> dict:
    return store.get("replicasets", "web")["status"]


def test_tally_matches_a_recount_through_every_kind_of_change():
    store, _ = kind_store()
    loop = loop_with(store, ReplicaSetController())
    store.create(rs())
    loop.settle()
    names = [p["metadata"]["name"] for p in store.list("pods", "default")]
    assert status(store) == recount(store) == {"fullyLabeledReplicas": 4, "observedGeneration": 1, "replicas": 4}

    for i, n in enumerate(names[:3]):                     # three become ready
        run_pod(store, n, ip=f"10.244.1.{i + 2}")
    loop.settle()
    assert status(store) == recount(store)
    assert status(store)["readyReplicas"] == 3

    p = copy.deepcopy(store.get("pods", names[0]))  # relabeled out: released, and replaced
    p["metadata"]["labels"] = {"app": "other"}
    store.update(p)
    loop.settle()
    assert "ownerReferences" not in store.get("pods", names[0])["metadata"]
    assert status(store) == recount(store)
    assert (status(store)["replicas"], status(store)["readyReplicas"]) == (4, 2)

    store.create(pod("stray", labels=dict(LABELS)))        # a matching orphan: adopted, one pod too many
    loop.settle()
    assert store.get("pods", "stray")["metadata"]["ownerReferences"][0]["name"] == "web"
    assert status(store) == recount(store)
    assert status(store)["replicas"] == 4

    store.delete("pods", names[1])                         # a ready pod deleted: replaced
    loop.settle()
    assert status(store) == recount(store)
    assert status(store)["replicas"] == 4

    r = copy.deepcopy(store.get("replicasets", "web"))    # scale down
    r["spec"]["replicas"] = 2
    store.update(r)
    loop.settle()
    assert status(store) == recount(store)
    assert status(store)["replicas"] == 2

    r = copy.deepcopy(store.get("replicasets", "web"))    # template gains a label: no pod fully labeled
    r["spec"]["template"]["metadata"]["labels"] = dict(LABELS, tier="front")
    store.update(r)
    loop.settle()
    assert status(store) == recount(store)
    assert "fullyLabeledReplicas" not in status(store)
