"""The selectors a labels object matches are worked out once while it is the last one seen
(Scheduler._matching, for a pod bound, moved or unbound with its labels): pods of two namespaces
share a few labels objects, as the pods of a template do, and selectors are made between their
events; every selector's counts still equal a plain scan of the pods (fails when the namespace or
the number of selectors is left out of what the kept answer is checked against)."""

import random

from k8slab.components.scheduler import Scheduler
from tests.components.test_scheduler_spread_index import NODES, SELECTORS, _check


def test_shared_labels_objects_count_as_a_scan():
    for seed in range(8):
        rng = random.Random(seed)
        sched = Scheduler()
        shared = [{"app": "web"}, {"app": "web", "tier": "a"}, {"tier": "b"}, {"app": "db", "tier": "a"}]
        truth: dict = {}
        for _ in range(500):
            key = (rng.choice(["default", "other"]), f"p{rng.randrange(12)}")
            r = rng.random()
            if r < 0.1 and key in truth:
                sched._spread_update(key, key[0], None, None)
                del truth[key]
            elif r < 0.25:
                sched._selector_counts(rng.choice(["default", "other"]), rng.choice(SELECTORS))
            else:
                held = sched._pods.get(key)
                labels = held[0] if held is not None and rng.random() < 0.7 else rng.choice(shared)
                node = rng.choice(NODES)
                sched._spread_update(key, key[0], {"metadata": {"name": key[1], "namespace": key[0], "labels": labels}}, node)
                truth[key] = (dict(labels), node)
            _check(sched, truth)
