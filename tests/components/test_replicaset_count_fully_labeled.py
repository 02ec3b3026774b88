"""count_fully_labeled looks at each labels object once while it is the last one seen (the pods of a burst
share one): over runs of pods sharing labels objects, equal copies, pods without labels and labels that
lack, change or add keys, it gives the count a plain look at every pod gives (fails when the kept answer is
reused for another labels object)."""

from __future__ import annotations

import random

from k8slab.components.replicaset import count_fully_labeled


def _plain(pods, tlabels):
    return sum(1 for p in pods if all((p["metadata"].get("labels") or {}).get(k) == v for k, v in tlabels.items()))


def test_count_fully_labeled_is_a_plain_count():
    rng = random.Random(7)
    objects = [{"app": "web", "hash": "1"}, {"app": "web", "hash": "1", "x": "y"}, {"app": "web"},
               {"app": "db", "hash": "1"}, {}]
    for _ in range(300):
        tlabels = rng.choice([{"app": "web", "hash": "1"}, {"app": "web"}, {}])
        pods = []
        for _ in range(rng.randrange(12)):
            r = rng.random()
            if r < 0.6:
                meta = {"labels": rng.choice(objects)}         # shared, in runs or not
            elif r < 0.8:
                meta = {"labels": dict(rng.choice(objects))}   # an equal copy
            else:
                meta = {}
            for _ in range(rng.randrange(1, 4)):
                pods.append({"metadata": meta})
        assert count_fully_labeled(pods, tlabels) == _plain(pods, tlabels)
