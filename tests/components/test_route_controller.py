"""pod_routes="gateway": the network's router holds one route per node's podCIDR (the cloud route
controller), nodes keep only their default route, and pods still reach each other across nodes."""

import pytest

import k8slab
from k8slab.linux.iproute2 import ip


@pytest.fixture(scope="module")
def cluster():
    c = k8slab.kind(workers=2, pod_routes="gateway")
    c.apply("""
apiVersion: v1
kind: Pod
metadata: {name: a}
spec:
  nodeName: kind-worker
  containers: [{name: c, image: nginx}]
---
apiVersion: v1
kind: Pod
metadata: {name: b}
spec:
  nodeName: kind-worker2
  containers: [{name: c, image: nginx}]
""")
    return c


def test_router_has_one_route_per_node_and_nodes_have_none(cluster):
    out, _, _ = ip(cluster.host, ["route"])
    bridge = next(link.name for link in cluster.host.links.values() if link.name.startswith("br-"))
    assert f"10.244.0.0/24 via 172.18.0.3 dev {bridge} \n" in out
    assert f"10.244.1.0/24 via 172.18.0.2 dev {bridge} \n" in out
    assert f"10.244.2.0/24 via 172.18.0.4 dev {bridge} \n" in out
    routes = cluster.exec("kind-worker", "ip route").splitlines()
    # the default route, the node network, and the /32 of the pod it holds: no route per node
    assert [r.split()[0] for r in routes] == [
        "default", cluster.store.get("pods", "a")["status"]["podIP"], "172.18.0.0/16"]


def test_node_records_the_route(cluster):
    node = cluster.store.get("nodes", "kind-worker2")
    cond = next(c for c in node["status"]["conditions"] if c["type"] == "NetworkUnavailable")
    assert (cond["status"], cond["reason"], cond["message"]) == (
        "False", "RouteCreated", "RouteController created a route")
    assert "RouteCreated" in cluster.kubectl("describe node kind-worker2")


def test_pod_to_pod_goes_through_the_router(cluster):
    b_ip = cluster.store.get("pods", "b")["status"]["podIP"]
    t = cluster.trace("pod/a", f"{b_ip}:80")
    assert t.verdict == "delivered", t.reason
    text = str(t)
    assert f"route: forward: {b_ip} via 172.18.0.4 dev br-" in text       # decided on the router
    assert f"route: forward: {b_ip} via 172.18.0.1 dev eth0" in text       # kind-worker's default route
    assert "Welcome to nginx!" in cluster.kubectl(f"exec a -- curl -s -m 2 {b_ip}")


def test_a_deleted_node_loses_its_route():
    c = k8slab.kind(workers=2, pod_routes="gateway")
    assert "10.244.2.0/24" in ip(c.host, ["route"])[0]
    c.kubectl("delete node kind-worker2")
    assert "10.244.2.0/24" not in ip(c.host, ["route"])[0]
    assert "10.244.1.0/24 via 172.18.0.2" in ip(c.host, ["route"])[0]


def test_kindnet_default_keeps_routes_on_nodes():
    c = k8slab.kind(workers=2)
    assert "10.244.2.0/24 via 172.18.0.4 dev eth0" in c.exec("kind-worker", "ip route")
    assert "10.244." not in ip(c.host, ["route"])[0]


@pytest.mark.parametrize("options", [{"pod_routes": "cloud"}, {"pod_routes": "gateway", "cni": "flannel"}])
def test_bad_pod_routes_option(options):
    with pytest.raises(ValueError, match='pod_routes "'):
        k8slab.Cluster("kind", 1, **options)
