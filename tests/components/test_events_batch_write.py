"""Store.create_deferred_all writes as create_deferred one at a time: random batches (mixed, missing
and terminating namespaces, empty and taken names, names repeated within a batch, watches started,
events left in a manual store's queue) leave two stores alike: the error, the objects as read, the
resourceVersion, the uids drawn and what each Deferred holds. And record_all's batch stopped by a
taken name leaves the correlator's log and clock as record_all's general loop, writing one at a time, leaves them."""

import random

import pytest

from k8slab.api import Store
from k8slab.api.errors import APIError
from k8slab.components import events
from k8slab.components.events import _EVENTS, _Recorded, record_all


def _state(store):
    return (store.list("events", None), store._rv, store.rng.random(), sorted(store._deferred.items()))


def _batch_run(seed, batched):
    rng = random.Random(seed)
    clock = [0.0]
    store = Store(clock=lambda: clock[0], seed=seed, dispatch=rng.choice(("auto", "manual")))
    store.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}})
    store.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "going", "finalizers": ["x"]}})
    store.delete("namespaces", "going")
    seen, out = [], []
    for step in range(60):
        clock[0] += rng.choice((0, 0.25, 1))
        if rng.random() < 0.08:
            seen.append(store.watch(resource=rng.choice(("events", "pods", None))))
        if rng.random() < 0.1:   # an event queued (and, in a manual store, left there)
            store.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"cm{step}"}})
        batch = []
        for i in range(rng.randrange(1, 5)):
            ns = rng.choice(("default", "default", "default", "team", "missing", "going"))
            name = rng.choice((f"e{step}.{i}", f"e{step}.{i}", f"e{rng.randrange(step + 1)}.0", ""))
            batch.append(_Recorded(name, ns, ("Normal", "Pulled", "m"), (1, "t", "t", {"component": "k"},
                                                                          "v1", "Pod", "p", ns, "1", "u", "")))
        try:
            if batched:
                store.create_deferred_all(batch, _EVENTS)
            else:
                for ev in batch:
                    store.create_deferred(ev, _EVENTS)
            out.append("ok")
        except APIError as e:
            out.append(str(e))
        out.append([(getattr(ev, "ids", None), getattr(ev, "created", None)) for ev in batch])
        if rng.random() < 0.2:
            out.append(_state(store))
    out.append(_state(store))
    store.dispatch()
    out.append([[(e.type, e.object) for e in w.events] for w in seen])
    return out


@pytest.mark.parametrize("seed", range(8))
def test_create_deferred_all_is_the_loop(seed):
    loop = _batch_run(seed, False)
    assert _batch_run(seed, True) == loop
    assert "ok" in loop and any(o != "ok" for o in loop if isinstance(o, str))


def _record_run(monkeypatch, batched, taken):
    if not batched:   # record_all's general loop: one write at a time, each named when due
        monkeypatch.setattr(events, "_distinct_few", lambda evs: False)
    store = Store(clock=lambda: 0)
    pod = store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
                        "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    # the name the taken-th start event gets (the recorder names events by the clock's nanosecond)
    name = f"web.{events._EPOCH_NS + taken:x}"
    store.create({"apiVersion": "v1", "kind": "Event", "metadata": {"name": name}, "involvedObject": {}},
                 validate=False)
    evs = (("Normal", "Pulled", "a"), ("Normal", "Created", "b"), ("Normal", "Started", "c"))
    error = None
    try:
        record_all(store, pod, evs, "kubelet", host="kind-worker", result=False)
    except APIError as e:
        error = str(e)
    st = events._state(store)
    log = next(iter(st.logs.values()))
    after = (error, st.last_ns, log.tokens, dict(log.entries))
    again = record_all(store, pod, evs, "kubelet", host="kind-worker", result=True)   # reads the log
    return after, st.last_ns, log.tokens, dict(log.entries), again, store.list("events", None), store._rv


@pytest.mark.parametrize("taken", range(4))
def test_record_all_stopped_partway_as_the_loop(monkeypatch, taken):
    batched = _record_run(monkeypatch, True, taken)
    with monkeypatch.context() as m:
        assert _record_run(m, False, taken) == batched
    assert (batched[0][0] is None) == (taken == 3)


def _queued_run(batched):
    """An auto store with an event left queued: the loop's first write dispatches it, and the
    handler takes the name the second write wants."""
    store = Store(clock=lambda: 0, dispatch="manual")
    store.watch(lambda ev: store.create({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "b"},
                                         "involvedObject": {}}, validate=False), resource="configmaps")
    store.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"}})
    store.dispatch_mode = "auto"
    batch = [_Recorded(n, "default", ("Normal", "Pulled", "m"), (1, "t", "t", {"component": "k"}, "v1", "Pod", "p",
                                                                  "default", "1", "u", "")) for n in "abc"]
    try:
        store.create_deferred_all(batch, _EVENTS) if batched else [store.create_deferred(e, _EVENTS) for e in batch]
    except APIError as e:
        return str(e), _state(store)
    return None, _state(store)


def test_create_deferred_all_dispatches_a_waiting_queue_as_the_loop():
    assert _queued_run(True) == _queued_run(False)
    assert _queued_run(True)[0] == 'events "b" already exists'
