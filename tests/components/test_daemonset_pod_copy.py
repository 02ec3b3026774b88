"""The DaemonSet controller hands the store pods it made from copies of the template (copy=False):
what it makes of each pod (metadata and spec; the kubelet's status may share equal parts on
purpose) must share no dict or list with the DaemonSet, and no metadata or spec dict with another
pod (the pods of one sync share the copies' labels, owner reference and spec parts, read only), and
read as the template's spec and labels plus what the controller adds, in the same key order."""

import k8slab


def _containers(value, out):
    if isinstance(value, (dict, list)):
        out.append(value)
        for v in value.values() if isinstance(value, dict) else value:
            _containers(v, out)
    return out


def test_daemonset_pods_share_nothing_and_read_as_the_template():
    c = k8slab.kind(workers=2)
    for ds in c.store.list("daemonsets.apps"):
        template = ds["spec"]["template"]
        pods = [p for p in c.store.list("pods", ds["metadata"]["namespace"])
                if any(r.get("uid") == ds["metadata"]["uid"] for r in p["metadata"].get("ownerReferences", []))]
        assert len(pods) == 3
        ds_ids = {id(x) for x in _containers(ds, [])}
        seen: set[int] = set()
        for pod in pods:
            ids = {id(x) for x in _containers([pod["metadata"], pod["spec"]], [])[1:]}
            assert not ids & ds_ids and not {id(pod["metadata"]), id(pod["spec"])} & seen
            seen |= {id(pod["metadata"]), id(pod["spec"])}
            labels = pod["metadata"]["labels"]
            assert list(labels) == list(template["metadata"]["labels"]) + [
                "controller-revision-hash", "pod-template-generation"]
            assert labels["pod-template-generation"] == "1"
            spec = {k: v for k, v in pod["spec"].items() if k != "nodeName"}
            assert pod["spec"]["nodeName"] in c.machines
            # the store's defaults fill in more than the template says (tolerations, ...)
            assert set(template["spec"]) <= set(spec)
            assert spec["containers"][0]["image"] == template["spec"]["containers"][0]["image"]
            assert [ctr["name"] for ctr in spec["containers"]] == [ctr["name"] for ctr in template["spec"]["containers"]]
