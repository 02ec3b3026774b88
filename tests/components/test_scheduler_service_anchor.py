"""The scheduler's Services by namespace and anchor label (the first of their selector, sorted) stay
right through random Service creates, selector changes (to none too) and deletes in three
namespaces: ``default_selector`` answers as the plain reading of the rule for random pods of every
namespace, no entry is left empty, and a namespace without a selecting Service has none (its pods
look up no label)."""

import random
from types import SimpleNamespace

from k8slab.components.scheduler import Scheduler
from tests.components.test_scheduler_default_selector import _plain

NAMESPACES = ("default", "other", "third")
SELECTORS = ({"app": "web"}, {"app": "web", "tier": "a"}, {"tier": "b"}, {"app": "db"}, {})


def _event(type_, ns, name, sel=None):
    return SimpleNamespace(type=type_, object={"metadata": {"name": name, "namespace": ns},
                                               "spec": {"selector": sel}})


def test_service_anchors_follow_service_changes():
    for seed in range(5):
        rng = random.Random(seed)
        sched = Scheduler()
        live: list = []
        for step in range(400):
            ns, r = rng.choice(NAMESPACES), rng.random()
            if r < 0.4 or not live:
                name = f"s{step}"
                sched._service_event(_event("ADDED", ns, name, dict(rng.choice(SELECTORS))))
                live.append((ns, name))
            elif r < 0.7:
                sns, sname = rng.choice(live)
                sched._service_event(_event("MODIFIED", sns, sname, dict(rng.choice(SELECTORS))))
            else:
                sns, sname = live.pop(rng.randrange(len(live)))
                sched._service_event(_event("DELETED", sns, sname))
            for _ in range(3):
                labels = {k: rng.choice(vals) for k, vals in (("app", ["web", "db"]), ("tier", ["a", "b"]))
                          if rng.random() < 0.7}
                pod = {"metadata": {"name": "p", "namespace": rng.choice(NAMESPACES), "labels": labels}}
                got, want = sched.default_selector(pod), _plain(sched, pod)
                assert [(q.key, q.op, tuple(q.values)) for q in got] == \
                    [(q.key, q.op, tuple(q.values)) for q in want], step
            assert set(sched._svc_anchor) == {sns for sns, _ in sched._services}
            assert all(by_label and all(by_label.values()) for by_label in sched._svc_anchor.values())
