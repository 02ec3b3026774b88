"""record_all's first batch for a new (source, object) log (_record_first, entries made on first
need) decides and writes exactly what the correlator's general loop does."""

import random

import pytest

from k8slab.api.errors import StatusError
from k8slab.api.meta import VirtualClock
from k8slab.api.store import Store
from k8slab.components import events


def _scenario(seed: int) -> tuple[list, list, list]:
    rng = random.Random(seed)
    clock = VirtualClock()
    store = Store(clock=clock, seed=seed)
    objs = []
    for i in range(4):
        objs.append(store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"p{i}"},
                                  "spec": {"containers": [{"name": "c", "image": "nginx"}]}}))
    objs.append(store.create({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"}}))
    # an object whose namespace does not exist: its events' writes fail midway
    objs.append({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "ghost", "namespace": "nope", "uid": "u"}})
    reasons = ["Pulled", "Created", "Started", "BackOff", "Killing"]
    transcript = []
    for _ in range(300):
        obj = rng.choice(objs)
        n = rng.choice([1, 1, 2, 3, 3, 4, 12, 26, 30])
        batch = []
        for _ in range(n):
            reason = rng.choice(reasons[:rng.choice([2, 5])])
            message = rng.choice(["same", f"m{rng.randrange(15)}", f"u{rng.random()}"])
            batch.append((rng.choice(["Normal", "Normal", "Warning"]), reason, message))
        component, host = rng.choice([("kubelet", "w1"), ("kubelet", "w2"), ("controller", "")])
        field_path = rng.choice(["", "", "spec.containers{c}"])
        result = rng.random() < 0.3
        try:
            out = events.record_all(store, obj, tuple(batch), component, host, field_path, result=result)
            transcript.append([None if o is None else o["metadata"]["name"] for o in out])
        except StatusError as e:
            transcript.append(str(e))
        clock.advance(rng.choice([0, 0, 1, 30, 400, 700]))
        if rng.random() < 0.05 and obj["kind"] == "Pod" and obj["metadata"]["namespace"] != "nope":
            i = objs.index(obj)
            objs[i] = store.patch("pods", obj["metadata"]["name"], {"metadata": {"labels": {"x": str(clock())}}})
    st = store.client_state["events"]
    logs = [(key, log.tokens, log.when, dict(log.entries)) for key, log in st.logs.items()]
    return transcript, store.list("events"), logs


@pytest.mark.parametrize("seed", range(6))
def test_first_batch_as_general_loop(seed, monkeypatch):
    monkeypatch.setattr(events, "CACHE_SIZE", 7)   # logs leave the cache and come back new
    taken = []
    general = events._distinct_few
    monkeypatch.setattr(events, "_distinct_few", lambda evs: taken.append(general(evs)) or taken[-1])
    fast = _scenario(seed)
    assert any(taken) and not all(taken)
    monkeypatch.setattr(events, "_distinct_few", lambda evs: False)
    plain = _scenario(seed)
    assert fast[0] == plain[0]
    assert fast[1] == plain[1]
    assert fast[2] == plain[2]
    assert any(isinstance(t, str) for t in fast[0])   # writes failed midway too


def test_first_entries_made_when_read():
    clock = VirtualClock()
    store = Store(clock=clock)
    pod = store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                        "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    evs = (("Normal", "Pulled", "pulled"), ("Normal", "Created", "created"))
    events.record_all(store, pod, evs, "kubelet", "w1", result=False)
    (log,) = events._state(store).logs.values()
    assert log.first is not None and log.tokens == events.SPAM_BURST - 2
    # a repeat bumps the count of the event the first batch wrote
    again = events.record(store, pod, "Normal", "Pulled", "pulled", "kubelet", "w1")
    assert log.first is None and again["count"] == 2
    assert [k for k in log.entries] == [("Normal", "Pulled"), ("", "Normal", "Pulled", "pulled"),
                                        ("Normal", "Created"), ("", "Normal", "Created", "created")]


def test_repeat_leaves_the_stored_metadata_as_it_was():
    """A repeat's update hands the store the stored metadata itself: the old version keeps its
    resourceVersion, the new one gets the next (record and emit)."""
    clock = VirtualClock()
    store = Store(clock=clock)
    pod = store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                        "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    first = events.record(store, pod, "Normal", "Pulled", "pulled", "kubelet", "w1")
    sched = events.emit(store, pod, "Normal", "Scheduled", "Binding", "assigned", "default-scheduler", "i")
    before = [(e["metadata"], dict(e["metadata"])) for e in (first, sched)]
    clock.advance(5)
    again = events.record(store, pod, "Normal", "Pulled", "pulled", "kubelet", "w1")
    series = events.emit(store, pod, "Normal", "Scheduled", "Binding", "assigned", "default-scheduler", "i")
    for meta, copy in before:
        assert meta == copy
    assert again["count"] == 2 and series["series"]["count"] == 2
    for new, (old, _) in zip((again, series), before):
        assert new["metadata"] is not old
        assert int(new["metadata"]["resourceVersion"]) > int(old["resourceVersion"])
        assert {k: v for k, v in new["metadata"].items() if k != "resourceVersion"} == \
            {k: v for k, v in old.items() if k != "resourceVersion"}
    assert store.get("events", again["metadata"]["name"]) is again


@pytest.mark.parametrize("obj", [
    {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "ns", "uid": "u", "resourceVersion": "9"}},
    {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n", "uid": "u"}},
    {"kind": "Pod", "metadata": {"name": "p", "namespace": "", "uid": ""}},
    {"apiVersion": None, "kind": None, "metadata": {"name": None, "namespace": None, "uid": None}},
    {"metadata": None},
    {},
])
def test_identity_is_the_reference_s(obj):
    """The correlators' key (_identity) is what object_reference gives, absent ones None."""
    ref = events.object_reference(obj, "spec.containers{c}")
    assert events._identity(obj) == (ref["apiVersion"], ref["kind"], ref.get("namespace"), ref["name"], ref.get("uid"))
