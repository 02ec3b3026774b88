"""A binding skips defaulting: the pod it stores is one that defaulting again leaves as it is, for
pods of every shape defaulting concerns (tolerations none, some or all of the defaults, a service
account, init containers, probes, ports, env field refs, resources, a status patched before)."""

from __future__ import annotations

import copy
import random

from k8slab.api import defaults
from k8slab.api.store import Store


def a_pod(rng, i):
    c = {"name": "c", "image": rng.choice(["nginx", "nginx:1.25", "busybox:latest"])}
    if rng.random() < 0.4:
        c["ports"] = [{"containerPort": 80}]
    if rng.random() < 0.4:
        c["readinessProbe"] = {"httpGet": {"port": 80}}
    if rng.random() < 0.3:
        c["env"] = [{"name": "N", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}]
    if rng.random() < 0.3:
        c["resources"] = {"requests": {"cpu": "100m"}, "limits": {"cpu": "100m", "memory": "64Mi"}}
    spec = {"containers": [c]}
    r = rng.random()
    if r < 0.25:
        spec["tolerations"] = [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"}]
    elif r < 0.5:
        spec["tolerations"] = [{"key": "x", "operator": "Exists"}]
    if rng.random() < 0.3:
        spec["serviceAccountName"] = "robot"
    if rng.random() < 0.3:
        spec["initContainers"] = [{"name": "i", "image": "busybox"}]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"p{i}"}, "spec": spec}


def test_bound_pods_are_already_defaulted():
    rng = random.Random(3)
    store = Store(clock=lambda: 0)
    for i in range(300):
        store.create(a_pod(rng, i), validate=rng.random() < 0.5)
        if rng.random() < 0.5:
            store.patch("pods", f"p{i}", {"status": {"phase": "Pending", "conditions": [{"type": "x"}]}},
                        subresource="status")
        before = copy.deepcopy(store.get("pods", f"p{i}"))
        bound = store.bind(f"p{i}", f"n{i % 3}")
        again = copy.deepcopy(bound)
        defaults.apply_defaults(again, before)
        assert again == bound
        defaults.apply_defaults(again)   # not even against no old version
        assert again == bound
        assert bound["spec"]["nodeName"] == f"n{i % 3}"
        assert {k: v for k, v in bound["spec"].items() if k != "nodeName"} == before["spec"]
