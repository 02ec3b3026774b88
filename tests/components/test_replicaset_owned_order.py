"""The order the ReplicaSet controller holds an owner's pods in decides nothing, so a pod event
replaces the pod in place instead of moving it to the end: a scale-down ranks the pods whole
(``ActivePodsWithRanks``, the uid last), so any order of them gives the same victims, and pods
relabelled out of the selector are released in name order whatever order they changed in."""

from __future__ import annotations

import random

from components_kube import kind_store, loop_with, pod

from k8slab.components.replicaset import ReplicaSetController
from tests.components.test_replicaset_pods_by_uid import LABELS, rs


def _odd_pod(rng, i):
    """A pod with ranks that often tie: node, phase, readiness, deletion cost, creation time."""
    p = pod(f"p-{i:02d}", labels=LABELS)
    meta, status = p["metadata"], p.setdefault("status", {})
    meta["uid"] = f"u-{rng.randrange(10**6):06d}-{i}"
    meta["creationTimestamp"] = rng.choice(["2024-01-01T00:00:00Z", "2024-01-01T00:00:05Z"])
    if rng.random() < 0.5:
        meta["annotations"] = {"controller.kubernetes.io/pod-deletion-cost": rng.choice(["-1", "0", "5", "x"])}
    if rng.random() < 0.7:
        p["spec"]["nodeName"] = rng.choice(["n1", "n2"])
    status["phase"] = rng.choice(["Pending", "Running", "Unknown"])
    if rng.random() < 0.5:
        status["conditions"] = [{"type": "Ready", "status": "True",
                                 "lastTransitionTime": rng.choice(["2024-01-01T00:01:00Z", "2024-01-01T00:02:00Z"])}]
    status["containerStatuses"] = [{"restartCount": rng.choice([0, 0, 1])}]
    return p


def test_scale_down_victims_do_not_depend_on_the_order_held():
    rng = random.Random(3)
    store, _ = kind_store()
    ctl = ReplicaSetController()
    ctl.store = store
    owner = store.create(rs(1))
    for trial in range(40):
        active = [_odd_pod(rng, i) for i in range(rng.randrange(2, 12))]
        n = rng.randrange(1, len(active) + 1)
        want = [p["metadata"]["uid"] for p in ctl.pods_to_delete(owner, active, n)]
        for _ in range(5):
            rng.shuffle(active)
            assert [p["metadata"]["uid"] for p in ctl.pods_to_delete(owner, active, n)] == want, trial


def test_pods_relabelled_out_are_released_in_name_order():
    for seed in range(3):
        rng = random.Random(seed)
        store, _ = kind_store()
        ctl = ReplicaSetController()
        loop = loop_with(store, ctl)
        store.create(rs(6))
        loop.settle()
        names = [p["metadata"]["name"] for p in store.list("pods", "default")]
        for name in rng.sample(names, len(names)):   # status patches in a random order first
            store.patch("pods", name, {"status": {"phase": "Running"}}, "default", subresource="status")
        out = rng.sample(names, 4)
        released: list = []

        def spy(p, refs, released=released, orig=ctl._set_owners):
            released.append(p["metadata"]["name"])
            return orig(p, refs)

        ctl._set_owners = spy
        for name in out:                              # relabelled out, in a random order
            store.patch("pods", name, {"metadata": {"labels": {"app": "debug"}}})
        loop.settle()
        assert released == sorted(out)
        uid = store.get("replicasets", "web")["metadata"]["uid"]
        assert sorted(ctl.owned[uid]) == sorted(ctl.pod_owner)
        assert sorted(p["metadata"]["name"] for p in ctl.owned[uid].values()) == sorted(
            p["metadata"]["name"] for p in store.list("pods", "default")
            if (p["metadata"].get("labels") or {}).get("app") == "web")
