"""The settle loop's livelock guard scales with what the controllers watch."""

import pytest

from k8slab.api.store import Store
from k8slab.components.controller import Controller, Controllers


def _pod(name: str) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]}}


class EveryPodOnEveryEvent(Controller):
    """Legitimate quadratic work: each pod event makes it look at every pod (as each node's kindnet
    looks at every Node)."""

    resources = ("pods",)

    def on_event(self, event) -> None:
        for p in self.store.list("pods"):
            self.enqueue((event.object["metadata"]["name"], p["metadata"]["name"]))

    def reconcile(self, key) -> None:
        pass


class Spinner(Controller):
    """A livelock: every reconcile requeues the next key."""

    resources = ("pods",)

    def reconcile(self, key) -> None:
        self.enqueue((key[0], (key[1] or 0) + 1 if isinstance(key[1], int) else 0))


def test_large_legitimate_settle_is_not_stopped():
    store = Store(clock=lambda: 0, dispatch="manual")
    loop = Controllers(store)
    loop.add(EveryPodOnEveryEvent())
    for i in range(60):
        store.create(_pod(f"p{i}"), validate=False)
    # 60 events x 60 pods: 3600 reconciles, more than the floor of 1000 but under 100 per pod watched
    assert loop.settle(floor=1000) == 60 * 60


def test_livelock_is_stopped_once_past_its_budget():
    store = Store(clock=lambda: 0, dispatch="manual")
    loop = Controllers(store)
    loop.add(Spinner())
    for i in range(5):
        store.create(_pod(f"p{i}"), validate=False)
    with pytest.raises(RuntimeError, match=r"did not settle after 1001 reconciles \(1001 by Spinner\)"):
        loop.settle(floor=1000)
    # with more objects watched, the budget grows with them: 100 reconciles per pod
    for i in range(5, 20):
        store.create(_pod(f"p{i}"), validate=False)
    with pytest.raises(RuntimeError, match=r"\(2001 by Spinner\)"):
        loop.settle(floor=1000)
