"""The kind preset as seed 000 shows it, built by the components (kubelet, CNI, kindnet)."""

from __future__ import annotations

import pytest

import k8slab
from k8slab.linux.iproute2 import ip


@pytest.fixture(scope="module")
def cluster():
    c = k8slab.kind(workers=2)
    c.store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "my-shell"},
                    "spec": {"nodeName": "kind-worker",
                             "containers": [{"name": "shell", "image": "nicolaka/netshoot",
                                             "command": ["sleep", "infinity"]}]}})
    c.settle()
    return c


def test_nodes_get_pod_cidrs_in_registration_order(cluster):
    got = {n["metadata"]["name"]: (n["spec"]["podCIDR"], n["status"]["addresses"][0]["address"])
           for n in cluster.store.list("nodes")}
    assert got == {"kind-control-plane": ("10.244.0.0/24", "172.18.0.3"),
                   "kind-worker": ("10.244.1.0/24", "172.18.0.2"),
                   "kind-worker2": ("10.244.2.0/24", "172.18.0.4")}


def test_nodes_are_ready_once_kindnet_wrote_the_cni_config(cluster):
    for n in cluster.store.list("nodes"):
        ready = next(c for c in n["status"]["conditions"] if c["type"] == "Ready")
        assert ready["status"] == "True" and ready["reason"] == "KubeletReady"
        assert cluster.machine(n["metadata"]["name"]).fs.exists("/etc/cni/net.d/10-kindnet.conflist")


def test_seed_000_node_routes(cluster):
    veth = next(name for name in cluster.machine("kind-worker").netns.links if name.startswith("veth"))
    assert ip(cluster.machine("kind-worker").netns, "route")[0] == (
        "default via 172.18.0.1 dev eth0 \n"
        "10.244.0.0/24 via 172.18.0.3 dev eth0 \n"
        f"10.244.1.2 dev {veth} scope host \n"
        "10.244.2.0/24 via 172.18.0.4 dev eth0 \n"
        "172.18.0.0/16 dev eth0 proto kernel scope link src 172.18.0.2 \n")


def test_seed_000_pod_routes(cluster):
    pod = cluster.store.get("pods", "my-shell", "default")
    assert pod["status"]["podIP"] == "10.244.1.2" and pod["status"]["phase"] == "Running"
    assert ip(cluster.sandbox("my-shell").netns, "route")[0] == (
        "default via 10.244.1.1 dev eth0 \n"
        "10.244.1.0/24 via 10.244.1.1 dev eth0 src 10.244.1.2 \n"
        "10.244.1.1 dev eth0 scope link src 10.244.1.2 \n")


def test_pod_files_written_by_the_kubelet(cluster):
    fs = cluster.sandbox("my-shell").fs
    assert fs.read("/etc/resolv.conf") == ("search default.svc.cluster.local svc.cluster.local cluster.local\n"
                                           "nameserver 10.96.0.10\noptions ndots:5\n")
    assert fs.read("/etc/hosts").endswith("10.244.1.2\tmy-shell\n")


def test_same_seed_same_cluster():
    a, b = k8slab.kind(workers=1, seed=4), k8slab.kind(workers=1, seed=4)
    for name in a.machines:
        assert ip(a.machine(name).netns, "link")[0] == ip(b.machine(name).netns, "link")[0]
