"""The watch queue holds only events some watch could receive."""

from k8slab.api import Store


def cm(name):
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}}


def test_writes_nobody_watches_queue_nothing_and_later_watches_start_after_them():
    s = Store(clock=lambda: 0, seed=1, dispatch="manual")
    s.create(cm("a"))
    s.patch("configmaps", "a", {"data": {"k": "v"}})
    assert s.pending() == 0                       # no watch of configmaps: no event was made
    late = s.watch(resource="configmaps")
    s.dispatch()
    assert late.events == []                      # a watch never sees what came before it
    s.create(cm("b"))
    s.delete("configmaps", "a")
    assert s.pending() == 3                       # ADDED, DELETED and the garbage collector's step
    s.dispatch()
    assert [(e.type, e.object["metadata"]["name"]) for e in late.events] == [("ADDED", "b"), ("DELETED", "a")]


def test_a_watch_of_everything_or_by_field_still_gets_every_event():
    s = Store(clock=lambda: 0, seed=1)
    everything = s.watch()
    on_node = s.watch(resource="pods", field=("spec.nodeName", "kind-worker"))
    s.create(cm("a"))
    s.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
              "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    s.bind("p", "kind-worker")
    assert [e.resource.plural for e in everything.events] == ["configmaps", "pods", "pods"]
    assert [e.type for e in on_node.events] == ["MODIFIED"]
