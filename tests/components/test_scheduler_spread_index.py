"""The scheduler's spreading bookkeeping (pods counted on nodes grouped by labels, the groups' label index,
per-pod labels and counted node, per-selector counts) stays what a plain scan of the pods gives through random creates, relabels (new or kept
labels objects, equal or not), bindings, unbindings and deletes in two namespaces, with selectors
anchored on a label and selectors without one (counted from a scan of their namespace) made along
the way."""

import random

from k8slab.api.labels import Requirement
from k8slab.components.scheduler import Scheduler

NODES = ["n1", "n2", "n3", None]
SELECTORS = [
    (Requirement("app", "=", ["web"]),),
    (Requirement("app", "=", ["web"]), Requirement("tier", "=", ["a"])),
    (Requirement("app", "in", ["web", "db"]),),
    (Requirement("tier", "exists", ()),),
    (Requirement("tier", "notin", ["a"]),),
    (Requirement("app", "in", ["db"]), Requirement("tier", "!", ())),
]


def _labels(rng):
    out = {}
    if rng.random() < 0.8:
        out["app"] = rng.choice(["web", "db"])
    if rng.random() < 0.6:
        out["tier"] = rng.choice(["a", "b"])
    return out


def _check(sched, truth):
    groups: dict = {}
    for key, (labels, node) in truth.items():
        if node:
            nodes = groups.setdefault((key[0], frozenset(labels.items())), {})
            nodes[node] = nodes.get(node, 0) + 1
    assert sched._groups.groups == groups
    anchor: dict = {}
    for gkey in groups:
        for k, v in gkey[1]:
            anchor.setdefault((gkey[0], k, v), {})[gkey] = None
    assert sched._groups.anchor == anchor
    assert {k: (dict(v[0]), v[1]) for k, v in sched._pods.items()} == truth
    for sc in sched._selectors.values():
        want: dict = {}
        for key, (labels, node) in truth.items():
            if key[0] == sc.ns and node and all(r.matches(labels) for r in sc.reqs):
                want[node] = want.get(node, 0) + 1
        assert sc.nodes == want, sc.key


def test_spread_bookkeeping_matches_a_scan():
    for seed in range(6):
        rng = random.Random(seed)
        sched = Scheduler()
        truth: dict = {}    # key -> (labels, counted node)
        held: dict = {}     # key -> the labels object last given
        for step in range(600):
            key = (rng.choice(["default", "other"]), f"p{rng.randrange(40)}")
            r = rng.random()
            if r < 0.15 and key in truth:
                sched._spread_update(key, key[0], None, None)
                del truth[key], held[key]
            elif r < 0.2:
                ns = rng.choice(["default", "other"])
                sched._selector_counts(ns, rng.choice(SELECTORS))
            else:
                if key in held and rng.random() < 0.5:
                    labels = held[key]                       # the store kept the object
                elif key in held and rng.random() < 0.5:
                    labels = dict(held[key])                 # an equal copy
                elif held and rng.random() < 0.3:
                    labels = rng.choice(list(held.values()))  # another pod's object (a template's, any namespace)
                else:
                    labels = _labels(rng)
                node = rng.choice(NODES)
                sched._spread_update(key, key[0], {"metadata": {"name": key[1], "namespace": key[0], "labels": labels}}, node)
                held[key] = labels
                truth[key] = (dict(labels), node)
            if step % 20 == 0:
                _check(sched, truth)
        _check(sched, truth)
        assert sched._selectors
