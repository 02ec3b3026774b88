"""A spread selector made only of equalities matches a pod's labels by item inclusion (``_SelectorCount.items``);
that answer is the requirements' own, over random labels and selectors with =, ==, one-value in, several-value in,
notin, exists, !, gt, repeated keys that agree and keys that contradict each other."""

from __future__ import annotations

import random

from k8slab.api.labels import Requirement
from k8slab.components.scheduler import _SelectorCount

KEYS = ["app", "tier", "h"]
VALUES = ["a", "b", "1"]


def _requirement(rng) -> Requirement:
    key = rng.choice(KEYS)
    op = rng.choice(["=", "=", "==", "in", "in", "notin", "exists", "!", "gt"])
    if op in ("exists", "!"):
        return Requirement(key, op)
    if op == "gt":
        return Requirement(key, op, ["0"])
    n = rng.choice([1, 1, 2]) if op in ("in", "notin") else 1
    return Requirement(key, op, rng.sample(VALUES, n))


def test_items_match_as_the_requirements_do():
    rng = random.Random(11)
    fast = 0
    for _ in range(3000):
        reqs = tuple(_requirement(rng) for _ in range(rng.randint(1, 3)))
        sc = _SelectorCount(("default", ()), "default", reqs)
        fast += sc.items is not None
        for _ in range(5):
            labels = {k: rng.choice(VALUES) for k in KEYS if rng.random() < 0.7}
            assert sc.matches(labels) == all(r.matches(labels) for r in reqs), (reqs, labels)
    assert 300 < fast < 2700   # both ways taken
