"""The default scheduler: filters, scores, events and conditions as kube-scheduler produces them.

Messages checked against kubernetes/kubernetes: pkg/scheduler/framework/types.go (FitError.Error:
"0/%v nodes are available:" + sorted "<n> <reason>" histogram + " %v." + PostFilter message, the
double period gone since #117588), pkg/scheduler/schedule_one.go (finishBinding "Successfully
assigned %v/%v to %v", action Binding; handleSchedulingFailure: FailedScheduling, action
Scheduling, PodScheduled=False reason Unschedulable), plugins/tainttoleration ("node(s) had
untolerated taint {%s: %s}"), plugins/defaultpreemption ("preemption: " prefix), and the
events.k8s.io recorder (client-go tools/events/event_recorder.go: name "%v.%x" of UnixNano,
reportingController/Instance, eventTime).
"""

from __future__ import annotations

from collections import Counter

from components_kube import events, kind_store, loop_with, node, pod

from k8slab.components.scheduler import Scheduler


def scheduled(store):
    return {p["metadata"]["name"]: p["spec"].get("nodeName") for p in store.list("pods", "default")}


def test_pod_lands_on_a_worker_with_scheduled_event():
    store, _ = kind_store()
    loop = loop_with(store, Scheduler())
    store.create(pod("web-7d4b9c6f8-x2x9z"))
    loop.settle()
    p = store.get("pods", "web-7d4b9c6f8-x2x9z")
    assert p["spec"]["nodeName"] in ("kind-worker", "kind-worker2")
    [ev] = events(store, "Scheduled")
    assert ev["message"] == f"Successfully assigned default/web-7d4b9c6f8-x2x9z to {p['spec']['nodeName']}"
    assert ev["type"] == "Normal" and ev["action"] == "Binding"
    assert ev["reportingComponent"] == "default-scheduler"
    assert ev["reportingInstance"] == "default-scheduler-kind-control-plane"
    assert ev["source"] == {} and ev["firstTimestamp"] is None and ev["eventTime"] == "2025-01-12T10:00:00.000000Z"
    assert ev["involvedObject"]["kind"] == "Pod" and ev["involvedObject"]["uid"] == p["metadata"]["uid"]
    name, _, nano = ev["metadata"]["name"].rpartition(".")
    assert name == "web-7d4b9c6f8-x2x9z" and len(nano) == 16 and int(nano, 16)


def test_control_plane_taint_and_insufficient_cpu_message():
    store, _ = kind_store()
    loop = loop_with(store, Scheduler())
    store.create(pod("big", requests={"cpu": "9"}))
    loop.settle()
    p = store.get("pods", "big")
    assert "nodeName" not in p["spec"]
    msg = ("0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
           "2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, "
           "2 No preemption victims found for incoming pod.")
    [ev] = events(store, "FailedScheduling")
    assert ev["message"] == msg and ev["type"] == "Warning" and ev["action"] == "Scheduling"
    [cond] = [c for c in p["status"]["conditions"] if c["type"] == "PodScheduled"]
    assert cond == {"lastProbeTime": None, "lastTransitionTime": "2025-01-12T10:00:00Z", "message": msg,
                    "reason": "Unschedulable", "status": "False", "type": "PodScheduled"}


def test_unschedulable_pod_is_retried_when_a_node_appears_and_failures_form_a_series():
    store, clock = kind_store(workers=0)
    sched = Scheduler()
    loop = loop_with(store, sched)
    store.create(pod("web"))
    loop.settle()
    msg = ("0/1 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. "
           "preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.")
    [ev] = events(store, "FailedScheduling")
    assert ev["message"] == msg and "series" not in ev
    clock.advance(300)
    sched.resync(clock())
    loop.settle()
    [ev] = events(store, "FailedScheduling")
    assert ev["series"] == {"count": 2, "lastObservedTime": "2025-01-12T10:05:00.000000Z"}
    store.create(node("kind-worker"), validate=False)
    loop.settle()
    assert store.get("pods", "web")["spec"]["nodeName"] == "kind-worker"


def test_no_nodes():
    store, _ = kind_store(workers=0)
    store.delete("nodes", "kind-control-plane")
    loop = loop_with(store, Scheduler())
    store.create(pod("web"))
    loop.settle()
    assert events(store, "FailedScheduling")[0]["message"] == "no nodes available to schedule pods"


def test_toleration_lets_a_pod_onto_the_control_plane():
    store, _ = kind_store(workers=0)
    loop = loop_with(store, Scheduler())
    store.create(pod("cp", tolerations=[{"key": "node-role.kubernetes.io/control-plane", "operator": "Exists",
                                         "effect": "NoSchedule"}]))
    loop.settle()
    assert scheduled(store) == {"cp": "kind-control-plane"}


def test_node_selector_affinity_and_cordon():
    store, _ = kind_store()
    loop = loop_with(store, Scheduler())
    store.patch("nodes", "kind-worker2", {"metadata": {"labels": {"disk": "ssd"}}})
    store.create(pod("sel", nodeSelector={"disk": "ssd"}))
    store.create(pod("aff", affinity={"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In",
                                                     "values": ["kind-worker"]}]}]}}}))
    store.create(pod("none", nodeSelector={"disk": "hdd"}))
    loop.settle()
    assert scheduled(store) == {"sel": "kind-worker2", "aff": "kind-worker", "none": None}
    assert events(store, "FailedScheduling")[0]["message"] == (
        "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
        "2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: "
        "3 Preemption is not helpful for scheduling.")
    store.patch("nodes", "kind-worker", {"spec": {"unschedulable": True}})
    store.create(pod("after-cordon"))
    loop.settle()
    assert scheduled(store)["after-cordon"] == "kind-worker2"
    store.patch("nodes", "kind-worker2", {"spec": {"unschedulable": True}})
    store.create(pod("nowhere"))
    loop.settle()
    msg = [e["message"] for e in events(store, "FailedScheduling") if e["involvedObject"]["name"] == "nowhere"]
    assert msg == ["0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: "
                   "}, 2 node(s) were unschedulable. preemption: 0/3 nodes are available: 3 Preemption is not "
                   "helpful for scheduling."]


def test_host_port_conflict_and_too_many_pods():
    store, _ = kind_store(workers=1)
    loop = loop_with(store, Scheduler())
    hp = [{"name": "c", "image": "nginx", "ports": [{"containerPort": 80, "hostPort": 8080}]}]
    store.create(dict(pod("a"), spec={"containers": hp}))
    store.create(dict(pod("b"), spec={"containers": hp}))
    loop.settle()
    assert scheduled(store) == {"a": "kind-worker", "b": None}
    assert events(store, "FailedScheduling")[0]["message"] == (
        "0/2 nodes are available: 1 node(s) didn't have free ports for the requested pod ports, 1 node(s) had "
        "untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/2 nodes are available: "
        "1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.")
    store.delete("pods", "a")
    loop.settle()
    assert scheduled(store) == {"b": "kind-worker"}


def test_too_many_pods():
    store, _ = kind_store(workers=0)
    cap = {"cpu": "8", "memory": "16Gi", "pods": "2"}
    store.create(node("small", capacity=cap), validate=False)
    loop = loop_with(store, Scheduler())
    for i in range(3):
        store.create(pod(f"p{i}", requests={"cpu": "1", "memory": "20Gi"} if i == 2 else None))
    loop.settle()
    assert sum(1 for v in scheduled(store).values() if v) == 2
    failed = events(store, "FailedScheduling")[0]["message"]
    assert failed.startswith("0/2 nodes are available: 1 Insufficient memory, 1 Too many pods, 1 node(s) had")


def test_spreading_and_least_allocated_fill_workers_evenly():
    store, _ = kind_store(workers=3)
    loop = loop_with(store, Scheduler())
    store.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
                  "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}})
    for i in range(9):
        store.create(pod(f"web-{i}", labels={"app": "web"}))
    loop.settle()
    counts = Counter(scheduled(store).values())
    assert counts == {"kind-worker": 3, "kind-worker2": 3, "kind-worker3": 3}


def test_same_seed_same_placement():
    def placement(seed):
        store, _ = kind_store(workers=4, seed=seed)
        loop = loop_with(store, Scheduler())
        for i in range(6):
            store.create(pod(f"p{i}"))
        loop.settle()
        return scheduled(store)

    assert placement(1) == placement(1)
    assert len({tuple(placement(s).values()) for s in range(6)}) > 1


def test_prefer_no_schedule_taint_and_preferred_affinity_steer():
    store, _ = kind_store()
    store.patch("nodes", "kind-worker", {"spec": {"taints": [{"key": "spot", "value": "yes",
                                                                "effect": "PreferNoSchedule"}]}})
    loop = loop_with(store, Scheduler())
    for i in range(4):
        store.create(pod(f"p{i}"))
        loop.settle()
    assert set(scheduled(store).values()) == {"kind-worker2"}
    store.create(pod("pref", affinity={"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 100, "preference": {"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In",
                                                             "values": ["kind-worker"]}]}}]}},
                     tolerations=[{"key": "spot", "operator": "Exists"}]))
    loop.settle()
    assert scheduled(store)["pref"] == "kind-worker"


def test_pod_with_other_scheduler_name_is_left_alone_and_status_updates_do_not_loop():
    store, _ = kind_store()
    loop = loop_with(store, Scheduler())
    store.create(pod("mine", schedulerName="my-scheduler"))
    store.create(pod("big", requests={"cpu": "100"}))
    n = loop.settle()
    assert n < 10
    assert scheduled(store) == {"mine": None, "big": None}
    assert len(events(store, "FailedScheduling")) == 1


def test_bad_quantity_never_raises():
    store, _ = kind_store()
    loop = loop_with(store, Scheduler())
    store.create(pod("odd", requests={"cpu": "lots"}), validate=False)
    loop.settle()
    assert scheduled(store) == {"odd": None}


def _naive_best(sched, store, pod_obj):
    """Every feasible node scored one by one with the plugins' formulas: the set of best nodes."""
    import math

    from k8slab.components.resources import pod_requests
    from k8slab.components.scheduler import _go_round

    spec = pod_obj["spec"]
    req = pod_requests(spec)
    reqs = sched.default_selector(pod_obj)
    feasible = []
    for info in sched.nodes.values():
        st = sched._static(spec, spec.get("tolerations") or [], info)
        if st[0] is None and not sched._fit(info, req, []):
            feasible.append((info, st))
    counts, zones = {}, {}
    for p in store.list("pods", "default"):
        n = p["spec"].get("nodeName")
        if n and reqs and all(r.matches(p["metadata"].get("labels") or {}) for r in reqs):
            counts[n] = counts.get(n, 0) + 1
            z = sched.nodes[n].zone
            if z is not None:
                zones[z] = zones.get(z, 0) + 1
    max_t = max(st[1] for _, st in feasible)
    raws = {}
    zone_values = {i.zone if i.zone is not None else "" for i, _ in feasible}
    for info, _ in feasible:
        s = counts.get(info.name, 0) * math.log(len(feasible) + 2) + 2
        if info.zone is not None:
            s += zones.get(info.zone, 0) * math.log(len(zone_values) + 2) + 4
        raws[info.name] = _go_round(s)
    lo, hi = min(raws.values()), max(raws.values())
    scores = {}
    for info, st in feasible:
        fit, bal = sched._resource_scores(info, req)
        t = 100 - (100 * st[1] // max_t if max_t else 0)
        spread = (100 if hi == 0 else 100 * (hi + lo - raws[info.name]) // hi) if reqs else 0
        scores[info.name] = 3 * t + fit + bal + 2 * spread
    best = max(scores.values())
    return {n for n, s in scores.items() if s == best}


def test_bucketed_scoring_agrees_with_scoring_every_node():
    import random

    rnd = random.Random(7)
    for trial in range(15):
        store, _ = kind_store(workers=0, seed=trial)
        for i in range(rnd.randint(2, 7)):
            labels = {"topology.kubernetes.io/zone": rnd.choice("ab")} if rnd.random() < 0.6 else {}
            taints = [{"key": "spot", "effect": "PreferNoSchedule"}] if rnd.random() < 0.3 else None
            store.create(node(f"n{i}", labels=labels, taints=taints), validate=False)
        sched = Scheduler()
        loop = loop_with(store, sched)
        for app in ("a", "b"):
            store.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": app},
                          "spec": {"selector": {"app": app}, "ports": [{"port": 80}]}})
        for j in range(rnd.randint(5, 25)):
            app = rnd.choice("ab")
            cpu = rnd.choice([None, {"cpu": "500m", "memory": "1Gi"}, {"cpu": "2"}])
            p = store.create(pod(f"p{j}", labels={"app": app}, requests=cpu))
            store.dispatch()
            node_name, _ = sched.schedule(p)
            if node_name is not None:
                assert node_name in _naive_best(sched, store, p), (trial, j)
            loop.settle()
