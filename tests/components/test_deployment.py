"""The Deployment controller. Checked against kubernetes/kubernetes pkg/controller/deployment/{sync.go
(getNewReplicaSet: 'Created new replica set %q', "Scaled up replica set %s from 0 to %d"; scaleReplicaSet:
"Scaled %s replica set %s from %d to %d"; calculateStatus), rolling.go, progress.go ('ReplicaSet %q has
successfully progressed.', 'ReplicaSet %q is progressing.'), util/deployment_util.go (reasons, annotations,
"Deployment has minimum availability.")} and apimachinery pkg/util/rand (SafeEncodeString)."""

from __future__ import annotations

import re

from components_kube import events, kind_store, loop_with, run_pod

from k8slab.components.deployment import DeploymentController, fenceposts, pod_template_hash, safe_encode
from k8slab.components.replicaset import ReplicaSetController


def deployment(name="web", replicas=3, strategy=None):
    d = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
         "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                  "template": {"metadata": {"labels": {"app": name}},
                               "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}}}}
    if strategy:
        d["spec"]["strategy"] = strategy
    return d


def kubelet(store, loop, ready=True):
    """Play the kubelet: every pod not yet running starts (Ready unless told otherwise)."""
    n = 0
    for p in store.list("pods", "default"):
        if not (p.get("status") or {}).get("podIP") and not p["metadata"].get("deletionTimestamp"):
            n += 1
            run_pod(store, p["metadata"]["name"], ip=f"10.244.1.{n + 1}", ready=ready)
    loop.settle()


def replicasets(store):
    return {r["metadata"]["name"]: r["spec"]["replicas"] for r in store.list("replicasets", "default")}


def setup():
    store, clock = kind_store()
    loop = loop_with(store, DeploymentController(), ReplicaSetController())
    return store, clock, loop


def test_hash_alphabet_and_stability():
    assert safe_encode("0123456789") == "456789bcdf"
    t = deployment()["spec"]["template"]
    assert pod_template_hash(t) == pod_template_hash(dict(t))
    assert pod_template_hash(t) != pod_template_hash(t, 1)
    assert re.fullmatch(r"[4-9bcdf]{6,10}", pod_template_hash(t))


def test_fenceposts():
    assert fenceposts(deployment(replicas=3)) == (1, 0)
    assert fenceposts(deployment(replicas=10)) == (3, 2)
    assert fenceposts(deployment(replicas=1, strategy={"type": "RollingUpdate", "rollingUpdate": {
        "maxSurge": 0, "maxUnavailable": 0}})) == (0, 1)


def test_deployment_creates_a_replicaset_and_becomes_available():
    store, clock, loop = setup()
    store.create(deployment())
    loop.settle()
    [rs] = store.list("replicasets", "default")
    name = rs["metadata"]["name"]
    h = name.removeprefix("web-")
    assert re.fullmatch(r"[4-9bcdf]+", h)
    assert rs["metadata"]["labels"] == {"app": "web", "pod-template-hash": h}
    assert rs["spec"]["selector"] == {"matchLabels": {"app": "web", "pod-template-hash": h}}
    assert rs["spec"]["template"]["metadata"]["labels"] == {"app": "web", "pod-template-hash": h}
    assert rs["metadata"]["annotations"] == {"deployment.kubernetes.io/desired-replicas": "3",
                                             "deployment.kubernetes.io/max-replicas": "4",
                                             "deployment.kubernetes.io/revision": "1"}
    assert rs["metadata"]["ownerReferences"][0]["kind"] == "Deployment"
    [ev] = events(store, "ScalingReplicaSet")
    assert ev["message"] == f"Scaled up replica set {name} from 0 to 3"
    assert ev["source"] == {"component": "deployment-controller"}
    pods = store.list("pods", "default")
    assert len(pods) == 3 and all(p["metadata"]["name"].startswith(name + "-") for p in pods)
    d = store.get("deployments", "web")
    assert d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "1"
    assert d["status"]["conditions"][-1]["reason"] in ("NewReplicaSetCreated", "ReplicaSetUpdated")
    clock.advance(5)
    kubelet(store, loop)
    st = store.get("deployments", "web")["status"]
    conds = st.pop("conditions")
    assert st == {"availableReplicas": 3, "observedGeneration": 1, "readyReplicas": 3, "replicas": 3,
                  "updatedReplicas": 3}
    assert [(c["type"], c["status"], c["reason"], c["message"]) for c in conds] == [
        ("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."),
        ("Progressing", "True", "NewReplicaSetAvailable", f'ReplicaSet "{name}" has successfully progressed.')]
    assert conds[1]["lastTransitionTime"] == "2025-01-12T10:00:00Z"
    assert conds[1]["lastUpdateTime"] == "2025-01-12T10:00:05Z"


def test_scale_up_and_down_events():
    store, _, loop = setup()
    store.create(deployment())
    loop.settle()
    kubelet(store, loop)
    name = next(iter(replicasets(store)))
    store.patch("deployments", "web", {"spec": {"replicas": 5}})
    loop.settle()
    store.patch("deployments", "web", {"spec": {"replicas": 2}})
    loop.settle()
    msgs = [e["message"] for e in sorted(events(store, "ScalingReplicaSet"), key=lambda e: e["firstTimestamp"])]
    assert f"Scaled up replica set {name} from 3 to 5" in msgs
    assert f"Scaled down replica set {name} from 5 to 2" in msgs
    assert len(store.list("pods", "default")) == 2
    rs = store.get("replicasets", name)
    assert rs["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"] == "2"


def test_rollout_restart_rolls_pods_over_to_a_new_replicaset():
    store, clock, loop = setup()
    store.create(deployment())
    loop.settle()
    kubelet(store, loop)
    old = next(iter(replicasets(store)))
    clock.advance(60)
    store.patch("deployments", "web", {"spec": {"template": {"metadata": {"annotations": {
        "kubectl.kubernetes.io/restartedAt": "2025-01-12T10:01:00Z"}}}}})
    loop.settle()
    rss = replicasets(store)
    new = next(n for n in rss if n != old)
    assert rss == {old: 3, new: 1}          # maxSurge 1, maxUnavailable 0
    for _ in range(6):
        kubelet(store, loop)
    assert replicasets(store) == {old: 0, new: 3}
    pods = store.list("pods", "default")
    assert len(pods) == 3 and all(p["metadata"]["name"].startswith(new) for p in pods)
    assert store.get("replicasets", new)["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2"
    assert store.get("deployments", "web")["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2"
    msgs = [e["message"] for e in events(store, "ScalingReplicaSet")]
    assert f"Scaled up replica set {new} from 0 to 1" in msgs
    assert f"Scaled down replica set {old} from 3 to 2" in msgs
    assert f"Scaled down replica set {old} from 1 to 0" in msgs
    conds = store.get("deployments", "web")["status"]["conditions"]
    assert conds[-1]["message"] == f'ReplicaSet "{new}" has successfully progressed.'


def test_rollout_waits_for_readiness():
    store, _, loop = setup()
    store.create(deployment())
    loop.settle()
    kubelet(store, loop)
    old = next(iter(replicasets(store)))
    store.patch("deployments", "web", {"spec": {"template": {"spec": {"containers": [
        {"name": "nginx", "image": "nginx:1.28"}]}}}})
    loop.settle()
    kubelet(store, loop, ready=False)
    new = next(n for n in replicasets(store) if n != old)
    assert replicasets(store) == {old: 3, new: 1}
    st = store.get("deployments", "web")["status"]
    assert st["updatedReplicas"] == 1 and st["unavailableReplicas"] == 1
    assert st["conditions"][-1]["message"] == f'ReplicaSet "{new}" is progressing.'


def test_recreate_strategy():
    store, _, loop = setup()
    store.create(deployment(strategy={"type": "Recreate"}))
    loop.settle()
    kubelet(store, loop)
    old = next(iter(replicasets(store)))
    store.patch("deployments", "web", {"spec": {"template": {"spec": {"containers": [
        {"name": "nginx", "image": "nginx:1.28"}]}}}})
    loop.settle()
    new = next(n for n in replicasets(store) if n != old)
    assert replicasets(store) == {old: 0, new: 3}
