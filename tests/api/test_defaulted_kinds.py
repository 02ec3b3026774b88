"""The store calls defaulting only for the kinds that have defaults: for every other kind the
object is stored as given (plus the server-set metadata), as defaulting would leave it; a kind
with defaults still gets them on create and on update."""

from __future__ import annotations

import copy

from k8slab.api import defaults
from k8slab.api.resources import RESOURCES
from k8slab.api.store import Store

SERVER_SET = {"uid", "resourceVersion", "creationTimestamp", "generation"}


def test_kinds_without_defaults_are_stored_as_defaulting_would_leave_them():
    for res in RESOURCES:
        if res.kind in defaults.DEFAULTED_KINDS:
            continue
        store = Store(clock=lambda: 0)
        body = {"apiVersion": res.api_version, "kind": res.kind, "metadata": {"name": "x"},
                "spec": {"a": 1, "template": {"spec": {"containers": [{"name": "c", "image": "nginx"}]}}},
                "status": {}, "data": {"k": "v"}}
        stored = store.create(copy.deepcopy(body), validate=False)
        again = defaults.apply_defaults(copy.deepcopy(stored))
        assert again == stored, res.kind
        meta = {k: v for k, v in stored["metadata"].items() if k not in SERVER_SET and k != "namespace"}
        assert meta == body["metadata"] and {k: v for k, v in stored.items() if k != "metadata"} == \
            {k: v for k, v in body.items() if k != "metadata"}, res.kind
        new = dict(stored, data={"k": "w"})
        updated = store.update(new, validate=False)
        assert defaults.apply_defaults(copy.deepcopy(updated)) == updated


def test_a_kind_with_defaults_still_gets_them():
    store = Store(clock=lambda: 0)
    pod = store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                        "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    assert pod["spec"]["restartPolicy"] == "Always" and pod["status"]["phase"] == "Pending"
    svc = store.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
                        "spec": {"selector": {"a": "b"}, "ports": [{"port": 80}]}})
    new = dict(svc, spec={"selector": {"a": "c"}, "ports": [{"port": 81}]})
    updated = store.update(new)
    assert updated["spec"]["ports"][0]["protocol"] == "TCP" and updated["spec"]["type"] == "ClusterIP"
