"""Two shortcuts of the scheduler's spreading, against the plain way: ``_selector_counts`` keeps its last answer
with the requirements tuple it was asked for (the pods of a ReplicaSet share theirs), and ``_activate`` does
nothing for the selector already the latest in use. Random calls with shared, equal-but-distinct and other
requirement tuples in two namespaces give the counts the key names, and the active selectors keep the order and
groups that moving each to the end (evicting the oldest past ACTIVE_SELECTORS) gives."""

from __future__ import annotations

import random

from k8slab.api.labels import Requirement
from k8slab.components.scheduler import ACTIVE_SELECTORS, Scheduler


def _reqs(i: int) -> tuple:
    return (Requirement("app", "=", [f"a{i}"]), Requirement("h", "=", [str(i % 3)]))


def test_selector_counts_memo_gives_the_keyed_counts():
    rng = random.Random(3)
    sched = Scheduler()
    shared = [_reqs(i) for i in range(5)]
    for _ in range(500):
        ns = rng.choice(["default", "other"])
        i = rng.randrange(5)
        reqs = shared[i] if rng.random() < 0.7 else _reqs(i)   # the same tuple, or an equal one
        sc = sched._selector_counts(ns, reqs)
        assert sc is sched._selectors[(ns, tuple((r.key, r.op, r.values) for r in reqs))]
        assert sc.ns == ns


def test_activate_keeps_the_plain_order_and_groups():
    rng = random.Random(5)
    sched = Scheduler()
    counts = [sched._selector_counts("default", _reqs(i)) for i in range(ACTIVE_SELECTORS + 4)]
    for sc in counts:
        for n in range(rng.randrange(6)):
            sc.nodes[f"n{n}"] = rng.randrange(1, 4)
    order: list = []
    for _ in range(400):
        sc = rng.choice(counts[:3]) if rng.random() < 0.6 else rng.choice(counts)   # repeats, as pods of one RS
        sched._activate(sc)
        if sc.key in order:
            order.remove(sc.key)
        order.append(sc.key)
        del order[:-ACTIVE_SELECTORS]
        assert list(sched._active) == order
        for other in counts:
            assert (other.groups is not None) == (other.key in order)
            if other.groups is not None:
                want: dict = {}
                for node, cnt in other.nodes.items():
                    want.setdefault(None, {}).setdefault(cnt, []).append(node)
                assert {bk: {c: sorted(v) for c, v in g.items()} for bk, g in want.items()} == other.groups
