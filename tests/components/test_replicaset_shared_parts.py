"""The pods of one burst of creates share their labels, annotations, finalizers and owner reference
(another_pod): each stored pod is still what pod_from_template gives on its own, nothing of the
ReplicaSet's template is shared but its labels object (read only, one for every burst), and changing one
pod's metadata changes no other pod nor the template."""

from __future__ import annotations

from components_kube import container_ids, kind_store, loop_with

from k8slab.api.meta import clone
from k8slab.components.replicaset import ReplicaSetController, another_pod, pod_from_template

_SERVER_SET = ("name", "uid", "resourceVersion", "creationTimestamp", "generation")   # set by the store


def _rs(template_meta: dict, replicas: int) -> dict:
    labels = {"app": "web", "pod-template-hash": "7d4b9c6f8"}
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "web", "labels": labels},
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "template": {"metadata": dict(template_meta, labels=dict(labels, **template_meta.get("labels", {}))),
                                  "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}}}}



def test_another_pod_is_pod_from_template_with_its_own_writable_dicts():
    store, _ = kind_store()
    rs = store.create(_rs({"annotations": {"a": "1"}, "finalizers": ["x/y"]}, 0))
    template = pod_from_template(rs)
    pod = another_pod(template)
    assert pod == pod_from_template(rs)
    assert list(pod) == list(pod_from_template(rs)) and list(pod["metadata"]) == list(template["metadata"])
    for part in ("metadata", "spec"):
        assert pod[part] is not template[part]
    for part in ("labels", "annotations", "finalizers", "ownerReferences"):
        assert pod["metadata"][part] is template["metadata"][part]


def test_a_burst_of_pods_is_each_what_pod_from_template_gives():
    for template_meta in ({}, {"annotations": {"a": "1", "b": ""}}, {"labels": {"extra": "x"}},
                          {"annotations": {"a": "1"}, "finalizers": ["example.com/keep"]}):
        store, _ = kind_store()
        loop = loop_with(store, ReplicaSetController())
        rs = store.create(_rs(template_meta, 6))
        before = clone(rs)
        loop.settle()
        rs = store.get("replicasets.apps", "web")
        pods = [p for p in store.list("pods", "default") if p["metadata"].get("ownerReferences")]
        assert len(pods) == 6
        tlabels = rs["spec"]["template"]["metadata"]["labels"]
        template_ids = container_ids(rs["spec"]["template"]) - {id(tlabels)}
        for p in pods:
            want = pod_from_template(rs)["metadata"]
            assert {k: v for k, v in p["metadata"].items() if k not in _SERVER_SET} == want
            assert p["metadata"]["labels"] is tlabels
            assert not container_ids(p["metadata"]) & template_ids
        # one pod relabelled and annotated: the others and the ReplicaSet stay as they were
        first, rest = pods[0], [clone(p) for p in pods[1:]]
        store.patch("pods", first["metadata"]["name"],
                    {"metadata": {"labels": {"extra": "changed", "new": "y"}, "annotations": {"a": "2"}}}, "default")
        got = store.get("pods", first["metadata"]["name"])
        assert got["metadata"]["labels"]["new"] == "y" and got["metadata"]["annotations"]["a"] == "2"
        assert [store.get("pods", p["metadata"]["name"]) for p in rest] == rest
        assert store.get("replicasets.apps", "web")["spec"] == before["spec"]
