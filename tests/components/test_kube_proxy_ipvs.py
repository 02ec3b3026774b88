"""kube-proxy IPVS mode: virtual servers, ``ipvsadm -Ln``, kube-ipvs0, ipsets, iptables, data path.

Expectations: the ``ipvsadm -ln`` example of kubernetes/kubernetes ``pkg/proxy/ipvs/README.md``
(reference §2), the set names/types/comments and rules of ``pkg/proxy/ipvs/proxier.go``
(``ipsetInfo``, ``ipsetWithIptablesChain``, ``writeIptablesRules``), and kubernetes/website
issue 41002 (since 1.27 a ClusterIP no longer answers ping in IPVS mode: KUBE-IPVS-FILTER).
"""

from __future__ import annotations

import pytest

from k8slab.components.kube_proxy import ProxierConfig, kubelet_iptables
from k8slab.components.kube_proxy.ipvs import (
    IPVSProxier,
    ipvs_lookup,
    ipvs_of,
    ipvs_reply,
)
from k8slab.linux.ipset import IPSetError, IPSets, ipsets_of
from k8slab.linux.packet import ICMP, TCP, UDP, IPv4
from k8slab.linux.topologies import vxlan_hosts
from k8slab.linux.walk import send

README = """\
IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.0.0.1:443 rr persistent 10800
  -> 192.168.0.1:6443             Masq    1      1          0
TCP  10.0.0.10:53 rr
  -> 172.17.0.2:53                Masq    1      0          0
UDP  10.0.0.10:53 rr
  -> 172.17.0.2:53                Masq    1      0          0
"""


def svc(ns, name, ip, ports, **spec):
    return {"metadata": {"namespace": ns, "name": name}, "spec": {"clusterIP": ip, "ports": ports, **spec}}


def eps(ns, name, ports, addrs):
    return {"metadata": {"namespace": ns, "name": f"{name}-x", "labels": {"kubernetes.io/service-name": name}},
            "addressType": "IPv4", "ports": ports,
            "endpoints": [{"addresses": [a], "nodeName": n} for a, n in addrs]}


def readme_objects():
    services = [
        svc("default", "kubernetes", "10.0.0.1", [{"name": "https", "port": 443, "targetPort": 6443}],
            sessionAffinity="ClientIP"),
        svc("kube-system", "kube-dns", "10.0.0.10", [{"name": "dns", "port": 53, "protocol": "UDP"},
                                                    {"name": "dns-tcp", "port": 53, "protocol": "TCP"}]),
    ]
    slices = [
        eps("default", "kubernetes", [{"name": "https", "port": 6443}], [("192.168.0.1", "master")]),
        eps("kube-system", "kube-dns", [{"name": "dns", "port": 53, "protocol": "UDP"},
                                        {"name": "dns-tcp", "port": 53, "protocol": "TCP"}],
            [("172.17.0.2", "host1")]),
    ]
    return services, slices


def node(access_filter=True):
    net = vxlan_hosts(hosts=2)
    host = net.hosts[0]
    kubelet_iptables(host)
    proxier = IPVSProxier(host, ProxierConfig("host1", ["172.18.0.2"]), access_filter=access_filter)
    return net, host, proxier


def test_ipvsadm_matches_the_readme_example():
    """pkg/proxy/ipvs/README.md: the same Services give the same ``ipvsadm -ln`` (lines compared
    after stripping the trailing column padding ipvsadm's ``%-10u`` leaves)."""
    services, slices = readme_objects()
    net, host, proxier = node()
    res = proxier.sync(services, slices)
    assert res.ok, res.error
    # One established connection to the API server, as in the README.
    m = ipvs_lookup(host, IPv4(src="10.244.0.2", dst="10.0.0.1") / TCP(40000, 443, "S"))
    ipvs_lookup(host, IPv4(src="10.244.0.2", dst="10.0.0.1") / TCP(40000, 443, "A"))
    assert m.real.ip == "192.168.0.1" and m.packet.dst == "192.168.0.1" and m.packet.dport == 6443
    out = ipvs_of(host).ipvsadm_ln()
    assert [ln.rstrip() for ln in out.splitlines()] == README.splitlines()
    assert "  -> 192.168.0.1:6443             Masq    1      1          0         " in out.splitlines()


def test_kube_ipvs0_holds_every_service_ip():
    services, slices = readme_objects()
    services.append(svc("default", "lb", "10.0.0.20", [{"name": "http", "port": 80, "nodePort": 30080}],
                        type="LoadBalancer"))
    services[-1]["status"] = {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}}
    net, host, proxier = node()
    assert proxier.sync(services, slices).ok
    dummy = host.link("kube-ipvs0")
    assert not dummy.admin_up
    addrs = {a.cidr for a in host.addresses() if a.dev is dummy}
    assert addrs == {"10.0.0.1/32", "10.0.0.10/32", "10.0.0.20/32", "1.2.3.4/32"}
    vs = {(v.protocol, v.ip, v.port) for v in ipvs_of(host).services.values()}
    assert ("TCP", "172.18.0.2", 30080) in vs and ("TCP", "127.0.0.1", 30080) in vs
    assert ("TCP", "10.0.0.20", 30080) not in vs  # NodePorts are on node addresses, not on kube-ipvs0
    # A Service removed: its virtual server and address go.
    assert proxier.sync(services[:2], slices).ok
    assert {a.cidr for a in host.addresses() if a.dev is dummy} == {"10.0.0.1/32", "10.0.0.10/32"}
    assert len(ipvs_of(host).services) == 3


def test_ipsets_and_iptables_rules():
    """ipsetInfo / writeIptablesRules: the sets kube-proxy fills and the rules matching them."""
    services, slices = readme_objects()
    services.append(svc("default", "np", "10.0.0.30", [{"name": "http", "port": 80, "nodePort": 30080}],
                        type="NodePort"))
    net, host, proxier = node()
    res = proxier.sync(services, slices)
    assert res.ok, res.error
    sets = ipsets_of(host.netfilter)
    assert sets.list("KUBE-CLUSTER-IP").splitlines()[-4:] == [
        "10.0.0.1,tcp:443", "10.0.0.10,tcp:53", "10.0.0.10,udp:53", "10.0.0.30,tcp:80"]
    assert "Type: bitmap:port" in sets.list("KUBE-NODE-PORT-TCP") and "30080" in sets.list("KUBE-NODE-PORT-TCP")
    assert sets.list("KUBE-LOOP-BACK").splitlines()[-2:] == ["172.17.0.2,tcp:53,172.17.0.2",
                                                             "172.17.0.2,udp:53,172.17.0.2"]
    save = host.netfilter.iptables_save()[0]
    for line in (
        "-A KUBE-SERVICES -s 127.0.0.0/8 -j RETURN",
        '-A KUBE-SERVICES ! -s 10.244.0.0/16 -m comment --comment "Kubernetes service cluster ip + port for '
        'masquerade purpose" -m set --match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ',
        "-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT",
        '-A KUBE-NODE-PORT -p tcp -m comment --comment "Kubernetes nodeport TCP port for masquerade purpose" '
        "-m set --match-set KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ",
        '-A KUBE-POSTROUTING -m comment --comment "Kubernetes endpoints dst ip:port, source ip for solving hairpin '
        'purpose" -m set --match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE',
        "-A KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set KUBE-IPVS-IPS dst -j REJECT "
        "--reject-with icmp-port-unreachable",
        '-A INPUT -m comment --comment "kubernetes ipvs access filter" -j KUBE-IPVS-FILTER',
    ):
        assert line in save.splitlines(), line


def test_round_robin_persistence_and_reply():
    """rr alternates real servers; ClientIP affinity (persistent) keeps a client on one; the reply
    is rewritten back to the virtual address; counters move from InActConn to ActiveConn."""
    services = [svc("default", "web", "10.96.0.20", [{"name": "http", "port": 80, "targetPort": 8080}]),
                svc("default", "sticky", "10.96.0.21", [{"name": "http", "port": 80, "targetPort": 8080}],
                    sessionAffinity="ClientIP", sessionAffinityConfig={"clientIP": {"timeoutSeconds": 60}})]
    ports = [{"name": "http", "port": 8080}]
    addrs = [("10.244.0.2", "host1"), ("10.244.1.2", "host2")]
    net, host, proxier = node()
    assert proxier.sync(services, [eps("default", "web", ports, addrs), eps("default", "sticky", ports, addrs)]).ok
    picks = [ipvs_lookup(host, IPv4(src="10.244.0.3", dst="10.96.0.20") / TCP(40000 + i, 80, "S")).real.ip
             for i in range(4)]
    assert picks == ["10.244.0.2", "10.244.1.2", "10.244.0.2", "10.244.1.2"]
    sticky = {ipvs_lookup(host, IPv4(src="10.244.0.3", dst="10.96.0.21") / TCP(41000 + i, 80, "S"), now=i).real.ip
              for i in range(4)}
    assert len(sticky) == 1
    reply = ipvs_reply(host, IPv4(src="10.244.1.2", dst="10.244.0.3") / TCP(8080, 40001, "SA"))
    assert (reply.src, reply.sport) == ("10.96.0.20", 80)
    assert ipvs_reply(host, IPv4(src="10.244.1.9", dst="10.244.0.3") / TCP(8080, 40001, "SA")) is None
    assert ipvs_lookup(host, IPv4(src="10.244.0.3", dst="10.96.0.99") / TCP(40000, 80, "S")) is None
    assert ipvs_lookup(host, IPv4(src="10.244.0.3", dst="10.96.0.20") / UDP(40000, 80)) is None
    web = ipvs_of(host).services[("TCP", "10.96.0.20", 80)]
    assert [(r.active_conns, r.inact_conns) for r in web.real_servers] == [(0, 2), (0, 2)]


def test_ping_to_cluster_ip_is_rejected_by_the_ipvs_access_filter():
    """Since 1.27 (kubernetes/website#41002) KUBE-IPVS-FILTER rejects new connections to kube-ipvs0
    addresses that no set accepts: ICMP echo to a ClusterIP gets port-unreachable."""
    services, slices = readme_objects()
    net, host, proxier = node()
    assert proxier.sync(services, slices).ok
    w = send(net.pods[0], IPv4(src="0.0.0.0", dst="10.0.0.10") / ICMP(8, 0, 1, 1))
    assert w.verdict == "rejected", str(w)
    assert any("KUBE-IPVS-IPS" in (h.rule or "") for h in w.hops)


def test_ping_to_cluster_ip_answers_without_the_access_filter():
    """Before 1.27 (no KUBE-IPVS-FILTER rules) the ClusterIP is a local address of kube-ipvs0 and
    the node's kernel answers the ping: the classic difference from iptables mode."""
    services, slices = readme_objects()
    net, host, proxier = node(access_filter=False)
    assert proxier.sync(services, slices).ok
    w = send(net.pods[0], IPv4(src="0.0.0.0", dst="10.0.0.10") / ICMP(8, 0, 1, 1))
    assert w.verdict == "delivered" and w.netns == "host1", str(w)
    assert w.reply is not None and w.reply.verdict == "delivered"


def test_cluster_ip_tcp_through_ipvs_walk():
    """pod2 (host2) -> ClusterIP: host2's IPVS schedules the real server at LOCAL_IN, routes the
    DNATed packet across the VXLAN to pod1 (host1); the answer is rewritten back to the VIP
    at host2's FORWARD, and the connection shows in ``ipvsadm -Ln``."""
    services, slices = readme_objects()
    net, host, proxier = node()
    net.pods[0].sockets.bind("tcp", "0.0.0.0", 53, "dns")
    slices[1]["endpoints"][0]["addresses"] = ["10.244.0.2"]
    assert proxier.sync(services, slices).ok
    host2 = net.hosts[1]
    kubelet_iptables(host2)
    assert IPVSProxier(host2, ProxierConfig("host2", ["172.18.0.3"])).sync(services, slices).ok
    w = send(net.pods[1], IPv4(src="0.0.0.0", dst="10.0.0.10") / TCP(40000, 53, "S"))
    assert w.verdict == "delivered" and w.endpoint == "10.244.0.2:53", str(w)
    ipvs_hop = next(h for h in w.hops if h.stage == "ipvs")
    assert ipvs_hop.netns == "host2" and ipvs_hop.rule.splitlines()[0] == "TCP  10.0.0.10:53 rr"
    assert ipvs_hop.after.dst == "10.244.0.2" and w.packet.src == "10.244.1.2"  # pod CIDR: no masquerade
    assert w.reply.verdict == "delivered", str(w.reply)
    assert (w.reply.packet.src, w.reply.packet.sport) == ("10.0.0.10", 53)
    assert any(h.stage == "ipvs" and h.netns == "host2" for h in w.reply.hops)
    assert "  -> 10.244.0.2:53                Masq    1      0          1         " in \
        ipvs_of(host2).ipvsadm_ln().splitlines()


def test_ipvs_from_the_node_itself_is_masqueraded():
    """A client on the node (source: the VIP, as ``ip route get`` picks for a kube-ipvs0 address):
    IPVS at LOCAL_OUT, KUBE-MARK-MASQ in nat OUTPUT, MASQUERADE to the node's address."""
    services, slices = readme_objects()
    net, host, proxier = node()
    net.pods[0].sockets.bind("tcp", "0.0.0.0", 53, "dns")
    slices[1]["endpoints"][0]["addresses"] = ["10.244.0.2"]
    assert proxier.sync(services, slices).ok
    w = send(host, IPv4(src="0.0.0.0", dst="10.0.0.10") / TCP(40000, 53, "S"))
    assert w.verdict == "delivered" and w.endpoint == "10.244.0.2:53", str(w)
    assert w.packet.src == "10.244.0.1"  # masqueraded to cni0's address on the way to the pod
    assert w.reply.verdict == "delivered" and w.reply.packet.src == "10.0.0.10", str(w.reply)


def test_ipvs_virtual_server_without_real_servers_refuses():
    """ip_vs_leave: a virtual server with no real server answers ICMP port unreachable."""
    services, slices = readme_objects()
    net, host, proxier = node()
    assert proxier.sync(services, slices[:1]).ok
    w = send(net.pods[0], IPv4(src="0.0.0.0", dst="10.0.0.10") / TCP(40000, 53, "S"))
    assert w.verdict == "rejected", str(w)
    assert any(h.stage == "ipvs" and "no real server" in h.what for h in w.hops)


def test_external_ip_rules_restore():
    services, slices = readme_objects()
    services[1]["spec"]["externalIPs"] = ["192.168.99.9"]
    net, host, proxier = node()
    res = proxier.sync(services, slices)
    assert res.ok, res.error
    assert "192.168.99.9/32" in {a.cidr for a in host.addresses()}


def test_ipset_errors_and_listing():
    sets = IPSets()
    s = sets.create("KUBE-LOOP-BACK", "hash:ip,port,ip", comment=True)
    s.add("10.244.0.2,tcp:80,10.244.0.2")
    assert s.test(("10.244.0.2", "tcp", 80, "10.244.0.2"))
    for bad in ("10.244.0.2", "nope,tcp:80,10.0.0.1", "10.0.0.1,xyz:80,10.0.0.1"):
        with pytest.raises(IPSetError):
            s.add(bad)
    cidr = sets.create("KUBE-LOAD-BALANCER-SOURCE-CIDR", "hash:ip,port,net")
    cidr.add("1.2.3.4,tcp:80,203.0.113.0/25")
    assert cidr.test(("1.2.3.4", "tcp", 80, "203.0.113.2")) and not cidr.test(("1.2.3.4", "tcp", 80, "203.0.113.200"))
    text = sets.list("KUBE-LOOP-BACK")
    assert text.startswith("Name: KUBE-LOOP-BACK\nType: hash:ip,port,ip\n")
