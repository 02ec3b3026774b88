"""A ReplicaSet's tally looks at a labels object once while it is the last one seen (a burst's pods
share one): through random adds, restates and removes of pods whose labels are shared objects,
equal copies or new maps, with selectors of every operator and template labels that the labels
hold or not, every pod's share and the sums equal those worked out from the pod alone."""

from __future__ import annotations

import random

from k8slab.api.labels import from_label_selector
from k8slab.components.replicaset import COUNTED, FULL, READY, UNMATCHED, _Tally, fully_labeled, is_active, is_ready

SELECTORS = [{"matchLabels": {"app": "web"}},
             {"matchLabels": {"app": "web", "tier": "a"}},
             {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["a", "b"]}]},
             {"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["db"]},
                                   {"key": "tier", "operator": "Exists"}]}]
TEMPLATES = [{"app": "web"}, {"app": "web", "tier": "a"}, {}]


def _labels(rng):
    return {k: rng.choice(vals) for k, vals in (("app", ["web", "db"]), ("tier", ["a", "b"])) if rng.random() < 0.7}


def _share(pod, sel, tlabels):
    labels = pod["metadata"].get("labels") or {}
    if not sel.matches(labels):
        return UNMATCHED
    if not is_active(pod):
        return 0
    return COUNTED | (FULL if fully_labeled(labels, tlabels) else 0) | (READY if is_ready(pod) else 0)


def test_tally_shares_equal_the_pods_own():
    for seed in range(8):
        rng = random.Random(seed)
        sel_spec, tlabels = rng.choice(SELECTORS), rng.choice(TEMPLATES)
        sel = from_label_selector(sel_spec)
        tally = _Tally(sel_spec, tlabels, sel, {})
        shared = [_labels(rng) for _ in range(3)]
        pods: dict = {}
        for step in range(400):
            key = f"u{rng.randrange(30)}"
            r = rng.random()
            if r < 0.15 and key in pods:
                tally.remove(key)
                del pods[key]
                continue
            pick = rng.random()
            labels = rng.choice(shared) if pick < 0.6 else dict(rng.choice(shared)) if pick < 0.8 else _labels(rng)
            status = {"phase": rng.choice(["Pending", "Running", "Succeeded"])}
            if rng.random() < 0.5:
                status["conditions"] = [{"type": "Ready", "status": rng.choice(["True", "False"])}]
            meta = {"name": key, "labels": labels}
            if rng.random() < 0.1:
                meta["deletionTimestamp"] = "2024-01-01T00:00:00Z"
            pod = {"metadata": meta, "status": status}
            old = pods.get(key)
            if old is not None and old["metadata"]["labels"] is labels and r < 0.6:
                tally.restate(key, pod)        # as the short way does for the same labels object
            else:
                tally.remove(key)
                tally.add(key, pod)
            pods[key] = pod
            want = {k: _share(p, sel, tlabels) for k, p in pods.items()}
            assert tally.flags == want, step
            sums = [sum(1 for f in want.values() if f & bit) for bit in (COUNTED, FULL, READY, UNMATCHED)]
            assert [tally.active, tally.full, tally.ready, tally.unmatched] == sums, step
