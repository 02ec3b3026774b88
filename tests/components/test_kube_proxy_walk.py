"""The classic Service behaviours, walked packet by packet through the rules kube-proxy wrote.

Two hosts on a LAN (172.18.0.2 and .3, the LAN namespace 172.18.0.1 plays the outside
client) joined by flannel-style VXLAN (``k8slab.linux.topologies.vxlan_hosts``); pods on a
``cni0`` bridge. kube-proxy (iptables mode) programs both hosts from the same Services and
EndpointSlices; the walk (``k8slab.linux.walk.send``) only asks the data plane.
"""

from __future__ import annotations

from k8slab.components.kube_proxy import IPTablesProxier, ProxierConfig, kubelet_iptables
from k8slab.linux.link import veth_pair
from k8slab.linux.packet import ICMP, TCP, IPv4
from k8slab.linux.topologies import vxlan_hosts
from k8slab.linux.walk import send

WEB_IP, NOEP_IP, SELF_IP, LOCAL_IP = "10.96.0.20", "10.96.0.30", "10.96.0.40", "10.96.0.50"


def _add_pod(net, host_index: int, name: str, ip: str):
    k, host = net.kernel, net.hosts[host_index]
    pod = k.add_netns(name)
    hveth = f"veth{k.random_hex(4)}"
    veth_pair(pod, "eth0", host, hveth)
    host.set_master(hveth, "cni0")
    for ns, dev in ((host, hveth), (pod, "eth0")):
        ns.set_mtu(dev, 1450)
        ns.set_link_up(dev)
    pod.set_link_up("lo")
    pod.add_address("eth0", f"{ip}/24")
    pod.add_route("default", via=f"10.244.{host_index}.1")
    return pod


def _svc(name, ip, **spec):
    ports = spec.pop("ports", [{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}])
    return {"metadata": {"namespace": "default", "name": name}, "spec": {"clusterIP": ip, "ports": ports, **spec}}


def _slice(svc, eps):
    return {"metadata": {"namespace": "default", "name": f"{svc}-x", "labels": {"kubernetes.io/service-name": svc}},
            "addressType": "IPv4", "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
            "endpoints": [{"addresses": [ip], "nodeName": node} for ip, node in eps]}


def cluster(seed: int = 0):
    """host1: pod1 10.244.0.2, pod3 10.244.0.3; host2: pod2 10.244.1.2. Services:
    web (pod1 + pod2), noep (no endpoints), self (pod1 only), NodePort web-np 30080 (Cluster)
    and web-local 30081 (Local, only pod1 on host1)."""
    net = vxlan_hosts(hosts=2, seed=seed)
    pod3 = _add_pod(net, 0, "pod3", "10.244.0.3")
    for pod in (net.pods[0], net.pods[1], pod3):
        pod.sockets.bind("tcp", "0.0.0.0", 8080, f"web@{pod.name}")
    services = [
        _svc("web", WEB_IP),
        _svc("noep", NOEP_IP),
        _svc("self", SELF_IP),
        _svc("web-np", "10.96.0.60", type="NodePort",
             ports=[{"name": "http", "port": 80, "targetPort": 8080, "nodePort": 30080, "protocol": "TCP"}]),
        _svc("web-local", LOCAL_IP, type="NodePort", externalTrafficPolicy="Local",
             ports=[{"name": "http", "port": 80, "targetPort": 8080, "nodePort": 30081, "protocol": "TCP"}]),
    ]
    slices = [
        _slice("web", [("10.244.0.2", "host1"), ("10.244.1.2", "host2")]),
        _slice("self", [("10.244.0.2", "host1")]),
        _slice("web-np", [("10.244.0.2", "host1"), ("10.244.1.2", "host2")]),
        _slice("web-local", [("10.244.0.2", "host1")]),
    ]
    for i, host in enumerate(net.hosts):
        kubelet_iptables(host)
        res = IPTablesProxier(host, ProxierConfig(host.name, [f"172.18.0.{i + 2}"])).sync(services, slices)
        assert res.ok, res.error
    return net, pod3


def syn(dst, dport=80, sport=40000):
    return IPv4(src="0.0.0.0", dst=dst) / TCP(sport=sport, dport=dport, flags="S")


def test_cluster_ip_dnat_by_statistic_and_counters():
    """A ClusterIP SYN is DNATed to the endpoint the statistic rule picked with the seeded random
    source; only the rules the packet matched have their counters incremented."""
    net, pod3 = cluster()
    host1 = net.hosts[0]
    w = send(pod3, syn(WEB_IP), reply=False)
    assert w.verdict == "delivered", str(w)
    assert w.endpoint in ("10.244.0.2:8080", "10.244.1.2:8080")
    # Same seed, same choice; over seeds both endpoints get picked.
    assert send(cluster()[1], syn(WEB_IP), reply=False).endpoint == w.endpoint
    picked = {send(cluster(seed)[1], syn(WEB_IP), reply=False).endpoint for seed in range(8)}
    assert picked == {"10.244.0.2:8080", "10.244.1.2:8080"}
    # Counters: exactly the matched rules of host1's nat table count one packet.
    matched = {line for h in w.hops if h.netns == "host1" and h.stage == "netfilter" and h.rule
               for line in h.rule.splitlines()}
    counted = {r.save_line() for t in ("nat", "filter") for c in host1.netfilter.table(t).chains.values()
               for r in c.rules if r.pkts}
    nat_counted = {r for r in counted if "KUBE-S" in r or "PREROUTING" in r}
    assert nat_counted and nat_counted <= matched
    svc_rules = host1.netfilter.table("nat").chain("KUBE-SVC-" + _hash("default/web:http")).rules
    assert svc_rules[0].pkts == 0  # the masquerade rule: source is in the pod CIDR
    assert sum(r.pkts for r in svc_rules[1:]) == 1


def _hash(name, proto="tcp"):
    from k8slab.components.kube_proxy import port_proto_hash

    return port_proto_hash(name, proto)


def test_reply_is_un_dnatted_by_conntrack():
    """The answer comes back from the ClusterIP, not the pod: conntrack reverses the DNAT."""
    net, pod3 = cluster()
    w = send(pod3, syn(WEB_IP))
    assert w.verdict == "delivered"
    assert w.reply is not None and w.reply.verdict == "delivered", str(w.reply)
    assert w.reply.packet.src == WEB_IP and w.reply.packet.sport == 80
    assert any("un-DNAT" in h.what for h in w.reply.hops)


def test_service_without_endpoints_rejects():
    """No endpoints: filter KUBE-SERVICES REJECTs with icmp-port-unreachable ("Connection refused")."""
    net, pod3 = cluster()
    w = send(pod3, syn(NOEP_IP))
    assert w.verdict == "rejected", str(w)
    assert any("has no endpoints" in (h.rule or "") for h in w.hops)
    assert w.reply is not None and w.reply.packet[ICMP].type == 3 and w.reply.packet[ICMP].code == 3


def test_hairpin_is_masqueraded():
    """A pod reaching itself through its Service: KUBE-SEP's `-s <ep> -j KUBE-MARK-MASQ` marks it
    and KUBE-POSTROUTING masquerades it, so the pod sees the bridge's address as the source."""
    net, _ = cluster()
    pod1 = net.pods[0]
    w = send(pod1, syn(SELF_IP))
    assert w.verdict == "delivered", str(w)
    assert w.endpoint == "10.244.0.2:8080"
    assert w.packet.src == "10.244.0.1"
    assert any("KUBE-MARK-MASQ" in (h.rule or "") and "-s 10.244.0.2/32" in (h.rule or "") for h in w.hops)


def test_nodeport_cluster_policy_snat():
    """NodePort from outside, externalTrafficPolicy Cluster: the source is masqueraded."""
    net, _ = cluster()
    w = send(net.lan, IPv4(src="172.18.0.1", dst="172.18.0.2") / TCP(sport=50000, dport=30080, flags="S"))
    assert w.verdict == "delivered", str(w)
    assert w.endpoint in ("10.244.0.2:8080", "10.244.1.2:8080")
    assert w.packet.src != "172.18.0.1"


def test_nodeport_local_policy_keeps_source():
    """externalTrafficPolicy Local: the node with the endpoint delivers it with the client's source."""
    net, _ = cluster()
    w = send(net.lan, IPv4(src="172.18.0.1", dst="172.18.0.2") / TCP(sport=50000, dport=30081, flags="S"))
    assert w.verdict == "delivered", str(w)
    assert w.endpoint == "10.244.0.2:8080" and w.packet.src == "172.18.0.1"


def test_nodeport_local_policy_drops_without_local_endpoint():
    """externalTrafficPolicy Local on a node without a local endpoint: KUBE-EXTERNAL-SERVICES DROPs."""
    net, _ = cluster()
    w = send(net.lan, IPv4(src="172.18.0.1", dst="172.18.0.3") / TCP(sport=50000, dport=30081, flags="S"))
    assert w.verdict == "dropped", str(w)
    assert any("has no local endpoints" in (h.rule or "") for h in w.hops)


def test_ping_to_cluster_ip_gets_no_answer():
    """iptables mode: nothing owns a ClusterIP and the rules are for TCP port 80 only, so an echo
    request is routed away like any other packet and never answered."""
    net, pod3 = cluster()
    w = send(pod3, IPv4(src="0.0.0.0", dst=WEB_IP) / ICMP(8, 0, 1, 1))
    assert w.verdict == "dropped" and w.reply is None, str(w)
    assert w.netns == "lan"  # followed the default route off the node and was lost there
