"""The scheduler keeps one (requests, host ports) pair per distinct ask: a node's accounted sums are
what the pods on it ask, pods that ask alike share a pair, and taking pods away brings the sums back."""

from __future__ import annotations

from components_kube import kind_store, loop_with, pod

from k8slab.components.resources import pod_requests
from k8slab.components.scheduler import Scheduler, _host_ports

ASKS = [None, {"cpu": "100m"}, {"cpu": "100m"}, {"memory": "64Mi"}, {"cpu": "250m", "memory": "1Gi"},
        {"example.com/gpu": "1"}, {"cpu": "100m", "example.com/gpu": "1"}, None, {"memory": "64Mi"}]


def _sums(store, node):
    out = {"cpu": 0, "mem": 0, "eph": 0, "nz_cpu": 0, "nz_mem": 0, "npods": 0, "scalars": {}, "ports": {}}
    for p in store.list("pods", "default"):
        if p["spec"].get("nodeName") != node:
            continue
        r = pod_requests(p["spec"])
        out["cpu"] += r.cpu
        out["mem"] += r.memory
        out["eph"] += r.ephemeral
        out["nz_cpu"] += r.nonzero_cpu
        out["nz_mem"] += r.nonzero_memory
        out["npods"] += 1
        for k, v in r.scalars.items():
            out["scalars"][k] = out["scalars"].get(k, 0) + v
        for ip, proto, port in _host_ports(p["spec"]):
            out["ports"].setdefault((proto, port), {}).setdefault(ip, 0)
            out["ports"][(proto, port)][ip] += 1
    return out


def _info_sums(info):
    return {"cpu": info.req_cpu, "mem": info.req_mem, "eph": info.req_eph, "nz_cpu": info.nz_cpu,
            "nz_mem": info.nz_mem, "npods": info.npods, "scalars": dict(info.scalars), "ports": info.ports}


def test_accounting_with_shared_pairs():
    store, _ = kind_store(workers=3)
    for n in store.list("nodes"):
        new = dict(n, status=dict(n["status"], allocatable=dict(n["status"]["allocatable"],
                                                                **{"example.com/gpu": "8"})))
        store.update(new, subresource="status", validate=False)
    sched = Scheduler()
    loop = loop_with(store, sched)
    for i, ask in enumerate(ASKS * 3):
        extra = {"ports": [{"containerPort": 80, "hostPort": 8000 + i % 4}]} if i % 3 == 0 else {}
        p = pod(f"p{i}", requests=ask)
        p["spec"]["containers"][0].update(extra)
        store.create(p)
    loop.settle()
    for name, info in sched.nodes.items():
        assert _info_sums(info) == _sums(store, name), name
    pairs = {}
    for _, _, accounted, pair in sched._pods.values():
        assert accounted in sched.nodes.values()
        pairs.setdefault((repr(vars(pair[0])), pair[1]), set()).add(id(pair))
    assert all(len(ids) == 1 for ids in pairs.values())   # equal asks, one pair
    for i in range(0, len(ASKS) * 3, 2):
        store.delete("pods", f"p{i}")
    loop.settle()
    for name, info in sched.nodes.items():
        assert _info_sums(info) == _sums(store, name), name
    for i in range(1, len(ASKS) * 3, 2):
        store.delete("pods", f"p{i}")
    loop.settle()
    for info in sched.nodes.values():
        assert (info.req_cpu, info.req_mem, info.npods, info.scalars, info.ports) == (0, 0, 0, {}, {})
