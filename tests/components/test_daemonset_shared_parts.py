"""The pods one DaemonSet sync makes share one copy of the template's labels, owner reference and
spec parts (read only; DaemonSet._pod_parts): each stored pod must still equal a pod made from a
private copy of the template (defaults included), the DaemonSet stays as it was (its template is
not defaulted by the store, so a pod sharing its parts would change it), pods of later syncs read
the same, and changing one pod changes no other pod."""

from components_kube import container_ids, kind_store, loop_with, node

from k8slab.api.defaults import apply_defaults
from k8slab.api.meta import clone
from k8slab.components.daemonset import DaemonSetController, _revision

_SERVER_SET = ("name", "uid", "resourceVersion", "creationTimestamp", "generation")

TEMPLATES = [
    {"containers": [{"name": "c", "image": "x"}]},
    {"containers": [{"name": "proxy", "image": "registry.k8s.io/kube-proxy:v1.31.0",
                     "command": ["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf"],
                     "env": [{"name": "NODE_NAME", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}],
                     "ports": [{"containerPort": 10249}],
                     "readinessProbe": {"httpGet": {"port": 10256}},
                     "volumeMounts": [{"mountPath": "/lib/modules", "name": "lib-modules", "readOnly": True}],
                     "securityContext": {"privileged": True}},
                    {"name": "side", "image": "busybox:latest", "resources": {"requests": {"cpu": "10m"}}}],
     "hostNetwork": True, "tolerations": [{"operator": "Exists"}],
     "volumes": [{"name": "lib-modules", "hostPath": {"path": "/lib/modules"}}]},
    {"containers": [{"name": "c", "image": "x"}], "nodeSelector": {"kubernetes.io/os": "linux"},
     "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"}]},
]


def _ds(store, name: str, spec: dict, labels: dict) -> dict:
    return store.create({"apiVersion": "apps/v1", "kind": "DaemonSet",
                         "metadata": {"name": name, "namespace": "kube-system"},
                         "spec": {"selector": {"matchLabels": {"app": name}},
                                  "template": {"metadata": {"labels": labels}, "spec": spec}}})


def _private(ds: dict, node_name: str) -> dict:
    """The pod the controller makes for ``node_name``, from a private copy of the template, defaulted."""
    template, meta = ds["spec"]["template"], ds["metadata"]
    labels = clone(template["metadata"]["labels"])
    labels["controller-revision-hash"] = _revision(ds)
    labels["pod-template-generation"] = "1"
    pod = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"generateName": meta["name"] + "-", "namespace": "kube-system", "labels": labels,
                        "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": meta["name"],
                                             "uid": meta["uid"], "controller": True, "blockOwnerDeletion": True}]},
           "spec": dict(clone(template["spec"]), nodeName=node_name)}
    return apply_defaults(pod)


def _pods(store, ds: dict) -> list[dict]:
    uid = ds["metadata"]["uid"]
    return [p for p in store.list("pods", "kube-system")
            if any(r.get("uid") == uid for r in p["metadata"].get("ownerReferences", []))]


def _check(store, before: dict) -> None:
    ds = store.get("daemonsets.apps", "d", "kube-system")
    assert ds["spec"] == before["spec"] and ds["metadata"]["uid"] == before["metadata"]["uid"]
    pods = _pods(store, ds)
    tspec = ds["spec"]["template"]["spec"]
    everywhere = {"operator": "Exists"} in tspec.get("tolerations", [])
    nodes = {n["metadata"]["name"] for n in store.list("nodes")
             if (everywhere or not n["spec"].get("taints"))
             and n["metadata"]["labels"].get("kubernetes.io/os") == tspec.get("nodeSelector", {}).get(
                 "kubernetes.io/os", n["metadata"]["labels"].get("kubernetes.io/os"))}
    assert len(nodes) >= 3
    assert sorted(p["spec"]["nodeName"] for p in pods) == sorted(nodes)
    template_ids = container_ids(ds)
    own: set = set()
    for p in pods:
        want = _private(ds, p["spec"]["nodeName"])
        meta = {k: v for k, v in p["metadata"].items() if k not in _SERVER_SET}
        assert meta == want["metadata"] and list(meta["labels"]) == list(want["metadata"]["labels"])
        assert p["spec"] == want["spec"] and list(p["spec"]) == list(want["spec"])
        assert p["status"] == want["status"]
        assert not container_ids(p) & template_ids
        assert not {id(p["metadata"]), id(p["spec"])} & own
        own |= {id(p["metadata"]), id(p["spec"])}


def test_daemonset_pods_share_a_sync_copy_and_read_as_private_copies():
    for spec in TEMPLATES:
        store, _ = kind_store(workers=4)
        store.create(node("odd", labels={"kubernetes.io/os": "windows"}), validate=False)
        loop = loop_with(store, DaemonSetController())
        ds = _ds(store, "d", clone(spec), {"app": "d", "tier": "node"})
        before = clone(store.get("daemonsets.apps", "d", "kube-system"))
        loop.settle()
        _check(store, before)
        first = _pods(store, ds)
        # one sync made them all: they share its labels, owner reference and containers
        assert len({id(p["metadata"]["labels"]) for p in first}) == 1
        assert len({id(p["metadata"]["ownerReferences"]) for p in first}) == 1
        assert len({id(p["spec"]["containers"]) for p in first}) == 1
        # later syncs: two nodes join, a pod is deleted (made again), one pod is relabelled
        for name in ("late-1", "late-2"):
            store.create(node(name), validate=False)
        store.delete("pods", first[1]["metadata"]["name"], "kube-system")
        loop.settle()
        _check(store, before)
        pods = _pods(store, ds)
        others = [clone(p) for p in pods[1:]]
        store.patch("pods", pods[0]["metadata"]["name"],
                    {"metadata": {"labels": {"tier": "changed"}}}, "kube-system")
        loop.settle()
        assert store.get("pods", pods[0]["metadata"]["name"], "kube-system")["metadata"]["labels"]["tier"] == "changed"
        assert [store.get("pods", p["metadata"]["name"], "kube-system") for p in others] == others
        assert store.get("daemonsets.apps", "d", "kube-system")["spec"] == before["spec"]
