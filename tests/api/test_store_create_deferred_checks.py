"""Store.create_deferred's namespace and name checks (looked up directly) give create's errors and
leave the store as create's checks leave it."""

import pytest

from k8slab.api.errors import APIError
from k8slab.api.store import Store
from k8slab.components.events import _EVENTS, _Recorded


def _ev(name: str, ns: str = "default") -> _Recorded:
    return _Recorded(name, ns, ("Normal", "r", "m"), (1, "t", "t", {"component": "k"}, "v1", "Pod", "p", None, None, None, ""))


def _error(call, *args, **kwargs) -> str | None:
    try:
        call(*args, **kwargs)
    except APIError as e:
        return f"{type(e).__name__}: {e}"
    return None


def test_errors_as_create():
    store = Store(seed=1)
    store.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "going",
                                                                         "finalizers": ["x/keep"]}})
    store.delete("namespaces", "going")          # a finalizer keeps it: terminating
    lazy = Store(seed=1)
    lazy.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "going",
                                                                        "finalizers": ["x/keep"]}})
    lazy.delete("namespaces", "going")
    for ev in (_ev("a", "nowhere"), _ev("a", "going"), _ev("", "default")):
        plain = _error(store.create, ev.build({"name": ev.name, "namespace": ev.namespace}), validate=False,
                       copy=False)
        assert plain is not None and plain == _error(lazy.create_deferred, ev, _EVENTS)
    assert "forbidden" in _error(lambda: lazy.create_deferred(_ev("b", "going"), _EVENTS)).lower()
    assert store.rng.random() == lazy.rng.random() and store.resource_version == lazy.resource_version


def test_clash_with_a_deferred_event_makes_it_then_fails():
    lazy = Store(seed=2)
    first = _ev("a")
    lazy.create_deferred(first, _EVENTS)
    assert lazy._deferred == {("events", "default"): 1}
    with pytest.raises(APIError, match='events "a" already exists'):
        lazy.create_deferred(_ev("a"), _EVENTS)
    assert lazy._deferred == {}                     # made, as create's check makes it
    assert lazy._data["events"]["default"]["a"].__class__ is dict


def test_store_without_namespaces():
    lazy = Store(namespaces=())
    assert _error(lambda: lazy.create_deferred(_ev("a"), _EVENTS)) == 'StatusError: namespaces "default" not found'
