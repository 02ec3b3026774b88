"""The compact events' parts: an involvedObject kept as a tuple (_reference_parts) makes the dict
reference.GetReference gives, one dict for the events of one call read one after the other; a
Deferred object's uid and resourceVersion kept in one int give the metadata create would have,
whatever their size; events alike share their parts."""

import json
import random

import pytest

from k8slab.api import Store
from k8slab.api.store import Deferred, _metadata
from k8slab.components.events import _EVENTS, _Recorded, _reference, _reference_parts, object_reference, record_all


def _get_reference(obj: dict, field_path: str = "") -> dict:
    """reference.GetReference written out as the recorders made it before their parts were a tuple."""
    meta = obj.get("metadata") or {}
    ref = {"apiVersion": obj.get("apiVersion", "v1"), "kind": obj.get("kind", "")}
    ref["name"] = meta.get("name", "")
    if meta.get("namespace"):
        ref["namespace"] = meta["namespace"]
    if meta.get("resourceVersion"):
        ref["resourceVersion"] = meta["resourceVersion"]
    if meta.get("uid"):
        ref["uid"] = meta["uid"]
    if field_path:
        ref["fieldPath"] = field_path
    return ref


def _odd_objects():
    rng = random.Random(5)
    values = ["", None, "x", "default", "12", "5f0c-uid"]
    for _ in range(300):
        obj = {}
        for key in ("apiVersion", "kind"):
            if rng.random() < 0.7:
                obj[key] = rng.choice(values[2:] + ["v1", "Pod"])
        if rng.random() < 0.9:
            obj["metadata"] = {k: rng.choice(values) for k in ("name", "namespace", "resourceVersion", "uid")
                               if rng.random() < 0.7}
        elif rng.random() < 0.5:
            obj["metadata"] = None
        yield obj, rng.choice(["", "spec.containers{c}"])


def test_reference_parts_make_get_reference():
    previous = None
    for obj, field_path in _odd_objects():
        parts = _reference_parts(obj, field_path)
        want = _get_reference(obj, field_path)
        ref = _reference(parts)
        assert json.dumps(ref) == json.dumps(want)            # the same keys, in the same order
        assert _reference(parts) is ref                       # the same tuple: the same dict
        assert json.dumps(object_reference(obj, field_path)) == json.dumps(want)
        again = _reference(tuple(parts))
        assert again == ref
        if previous is not None:                              # an older tuple is made again, correctly
            assert json.dumps(_reference(previous[0])) == json.dumps(previous[1])
        batch = (1, "t", "t", {}) + parts
        assert json.dumps(_reference(batch, 4)) == json.dumps(want)
        previous = parts, want


def test_events_of_one_call_read_in_turn_share_their_reference():
    store = Store(clock=lambda: 0, seed=1)
    p = store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                      "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    q = store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "q"},
                      "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    starts = (("Normal", "Pulled", "pulled"), ("Normal", "Created", "created"), ("Normal", "Started", "started"))
    for obj in (p, q):
        record_all(store, obj, starts, "kubelet", host="kind-worker", result=False)
    kept = [o for o in store._data["events"]["default"].values() if isinstance(o, Deferred)]
    assert len(kept) == 6
    assert len({id(o.batch) for o in kept}) == 2                          # one per call
    assert [o.what for o in kept[:3]] == list(starts)
    assert all(a.what is b.what for a, b in zip(kept[:3], kept[3:]))     # alike: one tuple
    listed = store.list("events")
    assert len({id(e["involvedObject"]) for e in listed}) == 2
    assert [e["involvedObject"]["name"] for e in listed] == ["p"] * 3 + ["q"] * 3


class _Plain(Deferred):
    __slots__ = ("name", "namespace")

    def __init__(self, name):
        self.name, self.namespace = name, "default"

    def build(self, metadata):
        return {"apiVersion": "v1", "kind": "Event", "metadata": metadata}


@pytest.mark.parametrize("rv", [0, 1, 2**22 - 1, 2**22, 2**30 + 7, 2**64 + 3])
def test_deferred_ids_keep_uid_and_resource_version(rv):
    plain, lazy = Store(clock=lambda: 3, seed=rv % 97), Store(clock=lambda: 3, seed=rv % 97)
    plain._rv = lazy._rv = rv
    made = plain.create(_Plain("e").build({"name": "e"}), validate=False, copy=False)
    ev = _Plain("e")
    lazy.create_deferred(ev, _EVENTS)
    assert ev.ids >> 128 == rv + 1
    assert _metadata(ev) == made["metadata"]
    assert lazy.by_uid(made["metadata"]["uid"]) is lazy.get("events", "e")
    assert lazy.get("events", "e") == made


def test_recorded_builds_its_batch():
    ref = _reference_parts({"apiVersion": "v1", "kind": "Pod",
                            "metadata": {"name": "w", "namespace": "n", "resourceVersion": "9", "uid": "u"}})
    ev = _Recorded("w.1", "n", ("Warning", "BackOff", "m"), (4, "t0", "t1", {"component": "kubelet", "host": "h"}) + ref)
    built = ev.build({"name": "w.1"})
    assert built["count"] == 4 and built["firstTimestamp"] == "t0" and built["lastTimestamp"] == "t1"
    assert (built["type"], built["reason"], built["message"]) == ("Warning", "BackOff", "m")
    assert built["reportingComponent"] == "kubelet" and built["reportingInstance"] == "h"
    assert built["involvedObject"] == {"apiVersion": "v1", "kind": "Pod", "name": "w", "namespace": "n",
                                       "resourceVersion": "9", "uid": "u"}
