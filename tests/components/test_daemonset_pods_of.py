"""The DaemonSet controller's shortcuts: one look at the pods for all DaemonSets (each gets the
pods the per-DaemonSet scan finds: those of its namespace naming its uid as an owner, once, by
name), pod events other than DELETED dropped at once, nodes chosen by selector and taints."""

import copy

from k8slab.api.store import Store
from k8slab.components.daemonset import DaemonSetController


def _ds(store, name, ns="kube-system"):
    return store.create({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": name, "namespace": ns},
                         "spec": {"selector": {"matchLabels": {"app": name}},
                                  "template": {"metadata": {"labels": {"app": name}},
                                               "spec": {"containers": [{"name": "c", "image": "x"}]}}}},
                        validate=False)


def _pod(store, name, ns, refs, node="n1"):
    store.create({"apiVersion": "v1", "kind": "Pod",
                  "metadata": {"name": name, "namespace": ns, "ownerReferences": refs},
                  "spec": {"nodeName": node, "containers": [{"name": "c", "image": "x"}]}}, validate=False)


def _scan(store, ds):
    """The per-DaemonSet scan, as the controller did it for each sync."""
    uid = ds["metadata"]["uid"]
    return [p for p in store.list("pods", ds["metadata"]["namespace"])
            if any(r.get("uid") == uid for r in p["metadata"].get("ownerReferences", []))]


def test_every_daemonset_gets_the_pods_its_own_scan_finds():
    store = Store(clock=lambda: 0)
    store.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "other"}})
    a, b, c = _ds(store, "a"), _ds(store, "b"), _ds(store, "c", ns="other")
    ua, ub, uc = (d["metadata"]["uid"] for d in (a, b, c))
    _pod(store, "p1", "kube-system", [{"kind": "DaemonSet", "uid": ua}])
    _pod(store, "p0", "kube-system", [{"kind": "DaemonSet", "uid": ua}], node="n2")
    _pod(store, "p2", "kube-system", [{"kind": "DaemonSet", "uid": ua}, {"kind": "DaemonSet", "uid": ub},
                                       {"kind": "Foo", "uid": ua}])     # two owners, one named twice
    _pod(store, "p3", "kube-system", [{"kind": "ReplicaSet", "uid": "nope"}, {"uid": 7}, {}])
    _pod(store, "p4", "kube-system", [{"kind": "DaemonSet", "uid": uc}])   # c's uid, another namespace
    _pod(store, "p5", "other", [{"kind": "DaemonSet", "uid": uc}], node="n1")
    _pod(store, "p6", "other", [{"kind": "DaemonSet", "uid": uc}], node="n1")   # a second on n1: last wins
    _pod(store, "p7", "default", [{"kind": "DaemonSet", "uid": ua}])
    ctl = DaemonSetController()
    ctl.store = store
    dss = store.list("daemonsets.apps")
    got = ctl._pods_of(dss)
    for ds in dss:
        assert got.get(ds["metadata"]["uid"], []) == _scan(store, ds)
    assert [p["metadata"]["name"] for p in got[ua]] == ["p0", "p1", "p2"]
    assert ctl._pods_of([b]) == {ub: got[ub]}


def test_sync_with_the_pods_given_or_looked_up_does_the_same():
    stores = []
    for given in (True, False):
        store = Store(clock=lambda: 0, seed=3)
        for n in ("n1", "n2", "n3"):
            store.create({"apiVersion": "v1", "kind": "Node", "metadata": {"name": n}}, validate=False)
        ds = _ds(store, "a")
        _pod(store, "a-old", "kube-system", [{"kind": "DaemonSet", "uid": ds["metadata"]["uid"]}], node="n2")
        ctl = DaemonSetController()
        ctl.store = store
        if given:
            ctl.reconcile("all")
        else:
            ctl.sync(ds)
        stores.append(store)
    one, two = ([(p["metadata"]["name"], p["spec"]["nodeName"]) for p in s.list("pods", "kube-system")]
                for s in stores)
    assert one == two and len(one) == 3
    assert stores[0].list("daemonsets.apps")[0]["status"] == stores[1].list("daemonsets.apps")[0]["status"]


def test_a_deleted_pod_of_a_daemonset_comes_back_and_other_pod_events_are_ignored():
    import k8slab
    from k8slab.api.store import WatchEvent

    c = k8slab.kind(workers=1)
    ctl = next(x for x in c.loop.controllers if isinstance(x, DaemonSetController))
    pod = next(p for p in c.store.list("pods", "kube-system") if p["metadata"]["name"].startswith("kindnet-")
               and p["spec"]["nodeName"] == "kind-worker")
    res = c.store.resource("pods")
    for kind in ("ADDED", "MODIFIED"):
        assert ctl.key_for(WatchEvent(kind, pod, None, res, 0)) is None
    assert ctl.key_for(WatchEvent("DELETED", pod, None, res, 0)) == ("kube-system", "kindnet")
    app = dict(pod, metadata=dict(pod["metadata"], ownerReferences=[{"kind": "ReplicaSet", "name": "x", "uid": "u"}]))
    assert ctl.key_for(WatchEvent("DELETED", app, None, res, 0)) is None
    c.store.delete("pods", pod["metadata"]["name"], "kube-system", grace_period_seconds=0)
    c.settle()
    again = [p for p in c.store.list("pods", "kube-system") if p["metadata"]["name"].startswith("kindnet-")
             and p["spec"]["nodeName"] == "kind-worker"]
    assert len(again) == 1 and again[0]["metadata"]["name"] != pod["metadata"]["name"]


def test_nodes_are_chosen_by_selector_and_taints():
    import k8slab

    c = k8slab.kind(workers=2)
    c.kubectl("label node kind-worker2 disk=ssd")
    base = {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"namespace": "default"},
            "spec": {"selector": {"matchLabels": {"app": "x"}},
                     "template": {"metadata": {"labels": {"app": "x"}},
                                  "spec": {"containers": [{"name": "c", "image": "busybox"}]}}}}

    def ds(name, **spec):
        d = copy.deepcopy(base)
        d["metadata"]["name"] = name
        d["spec"]["template"]["spec"].update(spec)
        return d

    c.apply([ds("plain"), ds("ssd", nodeSelector={"disk": "ssd"}),
             ds("everywhere", tolerations=[{"operator": "Exists"}]),
             ds("cp", tolerations=[{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}],
                nodeSelector={"kubernetes.io/hostname": "kind-control-plane"})])
    nodes = {}
    for p in c.store.list("pods", "default"):
        nodes.setdefault(p["metadata"]["name"].rsplit("-", 1)[0], set()).add(p["spec"]["nodeName"])
    assert nodes == {"plain": {"kind-worker", "kind-worker2"}, "ssd": {"kind-worker2"},
                     "everywhere": {"kind-control-plane", "kind-worker", "kind-worker2"}, "cp": {"kind-control-plane"}}
