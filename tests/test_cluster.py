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


@pytest.fixture(scope="module")
def flannel_cluster():
    c = k8slab.flannel(workers=2)
    for name, node in (("a", "kind-worker"), ("b", "kind-worker2")):
        c.store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
                        "spec": {"nodeName": node, "containers": [{"name": "web", "image": "nginx"}]}})
    c.settle()
    return c


def test_flannel_programs_one_route_neighbour_and_fdb_entry_per_remote_node(flannel_cluster):
    c = flannel_cluster
    ns = c.machine("kind-worker").netns
    vteps = {n["metadata"]["name"]: n["metadata"]["annotations"]["flannel.alpha.coreos.com/backend-data"]
             for n in c.store.list("nodes")}
    cp_mac = c.machine("kind-control-plane").netns.link("flannel.1").mac
    assert vteps["kind-control-plane"] == '{"VNI":1,"VtepMAC":"' + cp_mac + '"}'
    routes = ip(ns, "route")[0]
    assert "10.244.0.0/24 via 10.244.0.0 dev flannel.1 onlink \n" in routes
    assert "10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink \n" in routes
    assert "10.244.1.0/24 dev cni0 proto kernel scope link src 10.244.1.1 \n" in routes
    assert f"10.244.0.0 lladdr {cp_mac} PERMANENT \n" in ip(ns, "neigh show dev flannel.1")[0]
    from k8slab.linux.iproute2 import bridge

    assert f"{cp_mac} dst 172.18.0.3 self permanent" in bridge(ns, "fdb show dev flannel.1")[0]
    assert c.machine("kind-worker").fs.read("/run/flannel/subnet.env") == (
        "FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.1.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n")
    assert ns.link("flannel.1").mtu == 1450 and c.sandbox("a").netns.link("eth0").mtu == 1450


def test_flannel_pod_to_pod_crosses_the_vxlan_tunnel(flannel_cluster):
    from k8slab.linux.packet import TCP, UDP, VXLAN, IPv4
    from k8slab.linux.walk import send

    c = flannel_cluster
    b_ip = c.store.get("pods", "b", "default")["status"]["podIP"]
    w = send(c.sandbox("a").netns, IPv4(dst=b_ip) / TCP(sport=40000, dport=80))
    assert w.verdict == "delivered" and w.endpoint == f"{b_ip}:80"
    encap = next(h for h in w.hops if h.stage == "vxlan-encap")
    assert (encap.netns, encap.after[IPv4].dst, encap.after[UDP].dport, encap.after[VXLAN].vni) == (
        "kind-worker", "172.18.0.4", 8472, 1)
    # Pod to pod is not masqueraded: flanneld's RETURN rule for the pod network matched.
    assert w.packet.src == "10.244.1.2"
    assert w.reply.verdict == "delivered"


def test_trace_pod_to_pod_across_nodes_names_pods_and_nodes():
    c = k8slab.kind(workers=2)
    for name, node in (("a", "kind-worker"), ("b", "kind-worker2")):
        c.store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
                        "spec": {"nodeName": node, "containers": [{"name": "web", "image": "nginx"}]}})
    c.settle()
    t = c.trace("pod/a", "pod/b", 80)
    assert (t.verdict, t.endpoint) == ("delivered", "10.244.2.2:80")
    assert t.reason == "reached nginx on 10.244.2.2:80 in pod/b"
    places = [t.where(h) for h in t.hops]
    assert places[0] == "pod/a" and places[-1] == "pod/b" and "kind-worker" in places and "kind-worker2" in places
    # kindnet routes the packet node to node over the docker network: kind-worker -> 172.18.0.4
    assert "10.244.2.0/24 via 172.18.0.4 dev eth0" in str(t)
    assert "cni-" not in str(t)
    assert t.reply.verdict == "delivered" and t.reply.hops[0].after.summary().endswith("TCP 80 > " + str(
        t.hops[0].after.sport) + " [SA]")
    assert c.trace("pod/a", "pod/b:81").verdict == "rejected"
    # The laptop (outside the cluster) has no route to pod IPs on kind: they leave by its default
    # route, towards a network that knows nothing of them, and no answer comes.
    t = c.trace("external", "pod/b", 80)
    assert t.verdict == "dropped" and t.reason == "sent out of eth0 (dummy) in host: nothing beyond it answers"


def test_deleting_a_pod_tears_its_sandbox_down():
    c = k8slab.kind(workers=1)
    out = c.apply("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  nodeName: kind-worker\n"
                  "  containers: [{name: c, image: nginx}]\n")
    assert out == "pod/x created\n"
    sandbox_ns = c.sandbox("x").netns.name
    veths = [n for n in c.machine("kind-worker").netns.links if n.startswith("veth")]
    assert len(veths) == 1
    c.store.delete("pods", "x", "default")
    c.settle()
    assert c.store.try_get("pods", "x", "default") is None
    assert sandbox_ns not in c.kernel.namespaces
    assert not [n for n in c.machine("kind-worker").netns.links if n.startswith("veth")]
    assert "10.244.1.2 dev" not in c.exec("kind-worker", "ip route")
    assert c.exec("kind-worker", "ls /run/cni-ipam-state/kindnet") == "last_reserved_ip.0\n"


def test_pause_container_keeps_the_ip_and_losing_the_sandbox_changes_it():
    c = k8slab.kind(workers=2)
    c.kubectl("run web --image=nginx")
    ip = c.store.get("pods", "web", "default")["status"]["podIP"]
    c.advance(30)
    c.restart_container("web")
    c.advance(20)
    st = c.store.get("pods", "web", "default")["status"]
    assert st["podIP"] == ip and st["containerStatuses"][0]["restartCount"] == 1
    assert "1 (20s ago)" in c.kubectl("get pods")
    c.kill_sandbox("web")
    st = c.store.get("pods", "web", "default")["status"]
    assert st["podIP"] != ip and st["containerStatuses"][0]["restartCount"] == 2
    # host-local hands out the next address; the old one is free again
    assert c.exec(st["hostIP"] and c.store.get("pods", "web", "default")["spec"]["nodeName"],
                  "ls /run/cni-ipam-state/kindnet").split() == [st["podIP"], "last_reserved_ip.0"]


def test_an_unready_pod_leaves_the_service_rules():
    c = k8slab.kind(workers=2)
    c.apply("""apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: nginx, image: "nginx:1.27", readinessProbe: {httpGet: {path: /, port: 80}}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80}]}
""")
    pods = [p["metadata"]["name"] for p in c.store.list("pods", "default")]
    ips = [c.store.get("pods", p, "default")["status"]["podIP"] for p in pods]
    dnat = c.exec("kind-worker", "iptables-save -t nat | grep 'default/web' | grep -c DNAT")
    assert dnat == "2\n"
    c.set_healthy(pods[0], False)
    assert "0/1" in c.kubectl(f"get pod {pods[0]}")
    rules = c.exec("kind-worker", "iptables-save -t nat | grep 'default/web' | grep DNAT")
    assert ips[0] not in rules and ips[1] in rules
    assert c.trace("kind-worker", "svc/web", 80).endpoint == f"{ips[1]}:80"


def test_two_clusters_in_one_process_do_not_share_pod_templates():
    """Seeded clusters repeat uids; nothing cached by uid may leak from one cluster into the next."""
    manifest = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 1\n"
                "  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n"
                "    spec:\n      containers: [{name: c, image: IMAGE}]\n")
    a, b = k8slab.kind(workers=1), k8slab.kind(workers=1)
    a.apply(manifest.replace("IMAGE", "nginx"))
    b.apply(manifest.replace("IMAGE", "busybox"))
    assert [p["spec"]["containers"][0]["image"] for p in b.store.list("pods", "default")] == ["busybox"]
