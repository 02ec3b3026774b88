"""emit's note given as a pair ``(template, value)`` (the scheduler's Scheduled event keeps its node,
not a message per pod): the same random emits, each note given as its pair or as its text, give equal
returns, the same stored events (read lazily or at once) and the same series, also when the two
forms of one message alternate (a repeat is a repeat whichever form it came in)."""

import copy
import random

from k8slab.api import Store
from k8slab.components.events import emit

TEMPLATE = "Successfully assigned {}/{} to {}"


def _objects(store):
    store.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-{x}"}}, validate=False)
    objs = []
    for ns, name in [("default", "web-1"), ("default", "web-2"), ("team-{x}", "api-{0}"), ("team-{x}", "a")]:
        objs.append(store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": ns},
                                  "spec": {"containers": [{"name": "c", "image": "nginx"}]}}, validate=False))
    objs.append(store.create({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "kind-worker"}}))
    return objs


def _run(seed, as_pair):
    rng, pick = random.Random(seed), random.Random(seed + 100)
    clock = [0.0]
    store = Store(clock=lambda: clock[0], seed=1)
    objs = _objects(store)
    out = []
    for _ in range(400):
        clock[0] += rng.choice((0, 0, 0.5, 30, 400))
        obj = rng.choice(objs)
        value = rng.choice(("kind-worker", "kind-worker2", "n{}", ""))
        meta = obj["metadata"]
        text = TEMPLATE.format(meta.get("namespace"), meta["name"], value)
        note = (TEMPLATE, value) if as_pair(pick) else text
        if rng.random() < 0.2:
            note = rng.choice(("0/3 nodes are available", "skip schedule deleting pod: x"))
        result = rng.random() < 0.3
        written = emit(store, obj, rng.choice(("Normal", "Warning")), rng.choice(("Scheduled", "FailedScheduling")),
                       "Binding", note, "default-scheduler", "sched-1", result=result)
        out.append(copy.deepcopy(written))
        if rng.random() < 0.1:
            out.append(copy.deepcopy(store.list("events", rng.choice(("default", "team-{x}")))))
    out.append(copy.deepcopy(store.list("events", None)))
    return out


def test_a_note_as_its_pair_is_its_text():
    for seed in range(4):
        texts = _run(seed, lambda rng: False)
        assert _run(seed, lambda rng: True) == texts
        assert _run(seed, lambda rng: rng.random() < 0.5) == texts
    messages = {e["message"] for e in texts[-1]}
    assert "Successfully assigned team-{x}/api-{0} to n{}" in messages
    assert any(e.get("series") for e in texts[-1])   # repeats met
