"""DaemonSet pods: copies of the template (nothing shared with the stored DaemonSet, whatever the
store defaults into them; the pods one sync makes share their copies' parts read only, each with a
spec dict of its own), pinned to their node, with the revision hash."""

from components_kube import container_ids

import k8slab
from k8slab.api.defaults import apply_defaults
from k8slab.api.meta import clone
from k8slab.components.daemonset import _revision


def test_daemonset_pods_are_private_copies_of_the_template():
    c = k8slab.kind(workers=3)
    store = c.store
    for ds in store.list("daemonsets.apps"):
        template = ds["spec"]["template"]
        before = clone(ds)
        pods = [p for p in store.list("pods", ds["metadata"]["namespace"])
                if any(r.get("uid") == ds["metadata"]["uid"] for r in p["metadata"].get("ownerReferences", []))]
        assert sorted(p["spec"]["nodeName"] for p in pods) == sorted(n["metadata"]["name"] for n in store.list("nodes"))
        template_parts = container_ids(template)
        seen: set = set()
        for p in pods:
            assert p["metadata"]["labels"]["controller-revision-hash"] == _revision(ds)
            expected = apply_defaults({"apiVersion": "v1", "kind": "Pod", "metadata": {},
                                       "spec": clone(dict(template["spec"], nodeName=p["spec"]["nodeName"]))})
            assert p["spec"] == expected["spec"]
            parts = container_ids(p["spec"])
            assert not parts & template_parts and id(p["spec"]) not in seen
            seen.add(id(p["spec"]))
        assert store.get("daemonsets.apps", ds["metadata"]["name"], ds["metadata"]["namespace"]) == before


def test_deleting_a_node_settles_and_its_pods_stop_counting():
    # kube-proxy and kindnet left on a deleted node: sync counts pods on the nodes it wants and the
    # quiet-point poll must count them alike, or the two re-enqueue each other without end (found by
    # the kubectl property test: `delete node/kind-worker` failed with "controllers did not settle")
    c = k8slab.kind(workers=2)
    assert c.kubectl("delete node/kind-worker") == 'node "kind-worker" deleted\n'
    for name in ("kube-proxy", "kindnet"):
        status = c.store.get("daemonsets.apps", name, "kube-system")["status"]
        assert status["desiredNumberScheduled"] == status["numberReady"] == 2
    assert "kind-worker " in c.kubectl("get pods -n kube-system -o wide")   # no pod GC here: they stay
    c.kubectl("uncordon kind-worker2")   # later settles stay quiet too
    assert c.kubectl("get ds -n kube-system").count(" 2 ") >= 2
