"""Store.create's checks before it stores anything, on its short way (a dict with a served
apiVersion and kind, the namespace looked up in place) and the long one: odd kinds and apiVersions,
a namespace that is missing (also when no namespace exists at all, or all were deleted) or going,
a name taken; and a create with no watch to tell leaves nothing queued."""

from __future__ import annotations

import pytest

from k8slab.api.errors import APIError, ClientError
from k8slab.api.store import Store


def pod(name="p", ns=None, **top):
    meta = {"name": name}
    if ns:
        meta["namespace"] = ns
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": {"containers": [{"name": "c", "image": "nginx"}]}, **top}


def error(fn):
    try:
        fn()
    except (APIError, ClientError) as e:
        return type(e).__name__, str(e)
    raise AssertionError("no error")


@pytest.mark.parametrize("body", [
    [], "x", {}, {"kind": "Pod"}, {"apiVersion": "v1"}, {"apiVersion": "v1", "kind": ["Pod"]},
    {"apiVersion": 1, "kind": "Pod"}, {"apiVersion": "v1", "kind": "Nothing"}, {"apiVersion": "v9", "kind": "Pod"},
    {"apiVersion": "v1", "kind": ""},
])
def test_odd_kinds_fail_as_the_general_check_says(body):
    s = Store(clock=lambda: 0)
    for validate in (True, False):
        got = error(lambda v=validate: s.create(body, validate=v, copy=False))
        assert got == error(lambda: s._resource_of(body))
    assert s.resource_version == "4"   # nothing stored after the four namespaces


def test_namespace_missing_going_or_none_at_all():
    s = Store(clock=lambda: 0, graceful_pod_deletion=False)
    assert error(lambda: s.create(pod(ns="nope")))[1] == 'namespaces "nope" not found'
    s.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "t", "finalizers": ["x/y"]}})
    s.delete("namespaces", "t")
    assert "being terminated" in error(lambda: s.create(pod(ns="t")))[1]
    bare = Store(clock=lambda: 0, namespaces=())
    assert error(lambda: bare.create(pod()))[1] == 'namespaces "default" not found'
    for ns in ("default", "kube-system", "kube-public", "kube-node-lease", "t"):
        if s.try_get("namespaces", ns):
            s._remove(s.resource("namespaces"), "", ns)
    assert error(lambda: s.create(pod()))[1] == 'namespaces "default" not found'


def test_name_taken_and_nothing_queued_without_a_watch():
    s = Store(clock=lambda: 0, dispatch="manual")
    s.create(pod())
    assert error(lambda: s.create(pod()))[1] == 'pods "p" already exists'
    assert s.pending() == 0
    seen = []
    s.watch(seen.append, resource="pods")
    s.create(pod("q"))
    assert s.pending() == 1
    s.dispatch()
    assert [(e.type, e.object["metadata"]["name"]) for e in seen] == [("ADDED", "q")]
