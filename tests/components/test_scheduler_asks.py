"""The scheduler's memo of what a pod asks (``Scheduler._asks``: its requests and host ports,
remembered per set of containers, initContainers and overhead) gives what working them out
each time gives: for shared parts, equal but distinct parts, absent ones, bad quantities and
past the memo's size."""

import copy

import pytest

from k8slab.components.resources import QuantityError, pod_requests
from k8slab.components.scheduler import Scheduler, _host_ports


def _c(name, requests=None, limits=None, ports=None, **extra):
    c = {"name": name, "image": "nginx"}
    if requests is not None or limits is not None:
        c["resources"] = {k: v for k, v in (("requests", requests), ("limits", limits)) if v is not None}
    if ports is not None:
        c["ports"] = ports
    c.update(extra)
    return c


SPECS = [
    {},
    {"containers": [_c("a")]},
    {"containers": [_c("a", {"cpu": "100m", "memory": "64Mi"})]},
    {"containers": [_c("a", limits={"cpu": "1", "example.com/gpu": "2"})]},
    {"containers": [_c("a", ports=[{"containerPort": 80, "hostPort": 8080}]),
                    _c("b", ports=[{"containerPort": 53, "hostPort": 53, "protocol": "UDP", "hostIP": "10.0.0.1"}])]},
    {"containers": [_c("a", {"cpu": "200m"})],
     "initContainers": [_c("i", {"cpu": "1", "memory": "1Gi"}), _c("s", {"cpu": "50m"}, restartPolicy="Always")]},
    {"containers": [_c("a", {"memory": "10Mi"})], "overhead": {"cpu": "250m", "memory": "120Mi"}},
    {"containers": [_c("a", {"ephemeral-storage": "1Gi"})], "initContainers": [], "overhead": {}},
]


def _plain(spec):
    req, ports = pod_requests(spec), _host_ports(spec)
    return (req.cpu, req.memory, req.ephemeral, req.nonzero_cpu, req.nonzero_memory, dict(req.scalars), tuple(ports))


def _got(pair):
    req, ports = pair
    return (req.cpu, req.memory, req.ephemeral, req.nonzero_cpu, req.nonzero_memory, dict(req.scalars), tuple(ports))


def test_asks_memo_gives_what_pod_requests_gives():
    sched = Scheduler()
    for _ in range(3):   # first, then from the memo
        for spec in SPECS:
            assert _got(sched._asks(spec)) == _plain(spec)
    for spec in SPECS:   # equal parts in distinct objects, and pods sharing parts with other keys
        assert _got(sched._asks(copy.deepcopy(spec))) == _plain(spec)
        shared = {**spec, "nodeName": "x", "tolerations": []}
        assert sched._asks(shared) is sched._asks(spec)


def test_asks_differ_when_a_part_differs():
    sched = Scheduler()
    containers = [_c("a", {"cpu": "100m"})]
    for spec in ({"containers": containers}, {"containers": containers, "overhead": {"cpu": "1"}},
                 {"containers": containers, "initContainers": [_c("i", {"cpu": "2"})]}):
        assert _got(sched._asks(spec)) == _plain(spec)


def test_bad_quantity_raises_every_time():
    sched = Scheduler()
    spec = {"containers": [_c("a", {"cpu": "lots"})]}
    for _ in range(2):
        with pytest.raises(QuantityError):
            sched._asks(spec)


def test_asks_memo_past_its_size():
    sched = Scheduler()
    made = [{"containers": [_c("a", {"cpu": f"{i}m"}, ports=[{"containerPort": 1, "hostPort": i % 7 + 1}])]}
            for i in range(1, 5000)]
    for spec in made:
        assert _got(sched._asks(spec)) == _plain(spec)
    assert len(sched._views) <= 4096
    for spec in made[::97]:
        assert _got(sched._asks(spec)) == _plain(spec)


def test_view_parts_kept_apart():
    """Pods that share containers but not tolerations/nodeSelector/affinity share their pair, not their shape."""
    sched = Scheduler()
    containers = [_c("a", {"cpu": "100m"})]
    specs = [{"containers": containers}, {"containers": containers, "tolerations": [{"operator": "Exists"}]},
             {"containers": containers, "nodeSelector": {"kubernetes.io/hostname": "n1"}},
             {"containers": containers, "affinity": {"nodeAffinity": {}}}]
    views = [sched._view(spec) for spec in specs] * 2 + [sched._view(spec) for spec in specs]
    assert len({id(v[0]) for v in views}) == 1
    assert len({v[1] for v in views}) == len(specs)
    assert [v[2] for v in views[:4]] == [False, False, True, False]
