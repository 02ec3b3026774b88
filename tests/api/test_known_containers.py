"""Pods whose containers list was defaulted before (a ReplicaSet's Pods share their stored template's
list) take its defaults and QoS class from defaults._KNOWN instead of walking it: the pods the store
keeps are those that defaulting every one from scratch gives, key order included, for templates of
every shape (one or more containers, resources of each QoS class, probes, ports, env field refs,
pull policies given or not, init containers, tolerations, a service account)."""

from __future__ import annotations

import copy
import json
import random

from k8slab.api import defaults
from k8slab.api.store import Store
from k8slab.components.replicaset import another_pod, pod_from_template

RESOURCES = [None, {}, {"requests": {"cpu": "100m"}}, {"limits": {"cpu": "1", "memory": "1Gi"}},
             {"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1Gi"}},
             {"requests": {"cpu": "2"}, "limits": {"cpu": "1", "memory": "1Gi"}}]


def a_container(rng, i):
    c = {"name": f"c{i}", "image": rng.choice(["nginx", "nginx:1.25", "busybox:latest", "x@sha256:ab"])}
    if rng.random() < 0.3:
        c["imagePullPolicy"] = "Never"
    if rng.random() < 0.4:
        c["ports"] = [{"containerPort": 80}, {"containerPort": 53, "protocol": "UDP"}]
    if rng.random() < 0.4:
        c["readinessProbe"] = {"httpGet": {"port": 80}}
    if rng.random() < 0.3:
        c["env"] = [{"name": "N", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}]
    res = rng.choice(RESOURCES)
    if res is not None:
        c["resources"] = copy.deepcopy(res)
    return c


def a_template_spec(rng):
    spec = {"containers": [a_container(rng, i) for i in range(rng.choice([1, 1, 2, 3]))]}
    if rng.random() < 0.3:
        spec["initContainers"] = [{"name": "i", "image": "busybox"}]
    if rng.random() < 0.3:
        spec["tolerations"] = [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"}]
    if rng.random() < 0.3:
        spec["serviceAccountName"] = "robot"
    return spec


def exact(obj):
    """The object as JSON with its key order (equality of dicts ignores order)."""
    return json.dumps(obj)


def from_scratch(pod, monkeypatch):
    """``pod`` defaulted with nothing known: a copy whose containers are each defaulted, then the
    whole Pod with the known lists out of the way, its QoS class summed from its containers."""
    pod = copy.deepcopy(pod)
    with monkeypatch.context() as m:
        m.setattr(defaults, "_known_qos", lambda containers: None)
        m.setattr(defaults, "_know", lambda containers: None)
        for field in ("containers", "initContainers"):
            for c in pod["spec"].get(field) or []:
                defaults._container(c)
        defaults.apply_defaults(pod)
    assert pod["status"]["qosClass"] == defaults.qos_class(pod["spec"])
    return pod


def test_pods_from_a_known_list_equal_pods_defaulted_from_scratch(monkeypatch):
    rng = random.Random(5)
    store = Store(clock=lambda: 0, seed=2)
    for r in range(120):
        spec = a_template_spec(rng)
        store.create({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": f"rs{r}"},
                      "spec": {"replicas": 1, "selector": {"matchLabels": {"app": f"a{r}"}},
                               "template": {"metadata": {"labels": {"app": f"a{r}"}}, "spec": spec}}})
        rs = store.get("replicasets", f"rs{r}")
        template = pod_from_template(rs)
        containers = rs["spec"]["template"]["spec"]["containers"]
        assert defaults._known_qos(containers) is not None   # the template's list is known
        for _ in range(3):
            pod = another_pod(template)
            plain = from_scratch({"apiVersion": "v1", "kind": "Pod", "metadata": {},
                                  "spec": {**rs["spec"]["template"]["spec"]}}, monkeypatch)
            created = store.create(pod, validate=False, copy=False)
            assert created["spec"]["containers"] is containers
            got = {k: created[k] for k in ("apiVersion", "kind", "spec", "status")}
            assert exact(got) == exact({k: plain[k] for k in ("apiVersion", "kind", "spec", "status")})


def test_known_lists_are_bounded_and_pods_stay_right_when_forgotten(monkeypatch):
    rng = random.Random(6)
    store = Store(clock=lambda: 0, seed=2)
    for i in range(defaults._KNOWN_MAX * 2 + 7):
        spec = a_template_spec(rng)
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"p{i}"}, "spec": spec}
        plain = from_scratch(pod, monkeypatch)
        created = store.create(pod)
        assert len(defaults._KNOWN) <= defaults._KNOWN_MAX
        assert exact(created["spec"]) == exact(plain["spec"])
        assert exact(created["status"]) == exact(plain["status"])


def test_a_known_list_gives_its_own_qos_class():
    best_effort = [{"name": "a", "image": "nginx"}]
    guaranteed = [{"name": "a", "image": "nginx",
                   "resources": {"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1Gi"}}}]
    for containers, qos in ((best_effort, "BestEffort"), (guaranteed, "Guaranteed"), (best_effort, "BestEffort")):
        pod = defaults.apply_defaults({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                                       "spec": {"containers": containers}})
        assert pod["status"]["qosClass"] == qos
        assert defaults._known_qos(containers) == qos
    assert defaults._known_qos([{"name": "a", "image": "nginx"}]) is None   # equal, but not the same list
