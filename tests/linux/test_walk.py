"""Scenario tests for the packet walk: hops and verdicts asked only of the data plane."""

from __future__ import annotations

import pytest

from k8slab.linux.kernel import Kernel
from k8slab.linux.link import veth_pair
from k8slab.linux.packet import ICMP, TCP, UDP, VXLAN, Ether, IPv4, Raw
from k8slab.linux.topologies import vxlan_hosts
from k8slab.linux.walk import send


def up(ns, *devs):
    for d in ("lo",) + devs:
        ns.set_link_up(d)


def stages(walk):
    return [h.stage for h in walk.hops]


# -- two namespaces on a bridge -----------------------------------------------------------------

@pytest.fixture
def bridged():
    """host: br0 10.0.0.1/24; a and b: eth0 10.0.0.2 and .3, their veth peers on br0."""
    k = Kernel(seed=7)
    host, a, b = k.add_netns("host"), k.add_netns("a"), k.add_netns("b")
    host.add_bridge("br0")
    for ns, peer, ip in ((a, "veth-a", "10.0.0.2/24"), (b, "veth-b", "10.0.0.3/24")):
        veth_pair(ns, "eth0", host, peer)
        host.set_master(peer, "br0")
        up(ns, "eth0")
        host.set_link_up(peer)
        ns.add_address("eth0", ip)
        ns.add_route("default", via="10.0.0.1")
    up(host, "br0")
    host.add_address("br0", "10.0.0.1/24")
    return k, host, a, b


def test_bridge_forwards_by_fdb_and_learns(bridged):
    k, host, a, b = bridged
    b.sockets.bind("tcp", "0.0.0.0", 80, "web")
    w = send(a, IPv4(src="10.0.0.2", dst="10.0.0.3") / TCP(sport=40000, dport=80))
    assert w.verdict == "delivered" and w.endpoint == "10.0.0.3:80" and w.netns == "b"
    bridge_hops = [h for h in w.hops if h.stage == "bridge"]
    assert bridge_hops and bridge_hops[0].dev == "veth-b"
    # The bridge learned a's MAC on veth-a (from the ARP request, then the frame).
    br = host.link("br0")
    assert br.port_for_mac(a.link("eth0").mac, k.now).name == "veth-a"
    assert br.port_for_mac(b.link("eth0").mac, k.now).name == "veth-b"
    # The reply comes back the same way, and now the FDB lookup names the port.
    assert w.reply.verdict == "delivered" and w.reply.netns == "a"
    back = [h for h in w.reply.hops if h.stage == "bridge"]
    assert back[0].rule.startswith(a.link("eth0").mac) and "dev veth-a master br0" in back[0].rule
    # Neither end needed the host's IP stack: no routing in host.
    assert not [h for h in w.hops if h.netns == "host" and h.stage == "route"]


def test_arp_fills_the_neighbour_tables(bridged):
    k, host, a, b = bridged
    b.sockets.bind("udp", "0.0.0.0", 53, "dns")
    w = send(a, IPv4(src="10.0.0.2", dst="10.0.0.3") / UDP(sport=5353, dport=53))
    arp = [h for h in w.hops if h.stage == "arp"]
    assert len(arp) == 1 and "who-has 10.0.0.3 tell 10.0.0.2" in arp[0].what
    assert a.neigh.lookup("10.0.0.3", a.link("eth0")).state == "REACHABLE"
    assert b.neigh.lookup("10.0.0.2", b.link("eth0")).lladdr == a.link("eth0").mac
    # A second packet uses the entry: no ARP this time.
    w2 = send(a, IPv4(src="10.0.0.2", dst="10.0.0.3") / UDP(sport=5354, dport=53))
    assert "arp" not in stages(w2) and "neigh" in stages(w2)


def test_gateway_is_the_bridge_and_forwarding_needs_ip_forward(bridged):
    k, host, a, b = bridged
    # 192.0.2.9 is nowhere: a sends it to its default gateway (the bridge's address)...
    w = send(a, IPv4(src="10.0.0.2", dst="192.0.2.9") / TCP(sport=40000, dport=80))
    assert w.verdict == "dropped" and "ip_forward = 0" in w.reason and w.netns == "host"
    host.set_sysctl("net.ipv4.ip_forward", 1)
    w = send(a, IPv4(src="10.0.0.2", dst="192.0.2.9") / TCP(sport=40001, dport=80))
    # ...and with forwarding on, host has no route for it: ICMP net unreachable comes back.
    assert w.verdict == "rejected" and "Network is unreachable" in w.reason
    assert w.reply.verdict == "delivered" and w.reply.netns == "a"
    assert w.reply.packet[ICMP].type == 3 and w.reply.packet[ICMP].code == 0
    # No NAT happened anywhere: the error still comes from the router that sent it.
    assert w.reply.packet.src == "10.0.0.1"


def test_no_listener_udp_gets_port_unreachable(bridged):
    k, host, a, b = bridged
    w = send(a, IPv4(src="10.0.0.2", dst="10.0.0.3") / UDP(sport=5000, dport=9))
    assert w.verdict == "rejected" and "Connection refused" in w.reason
    assert w.reply.packet[ICMP].name == "port-unreachable"


def test_ping_is_answered_by_the_kernel(bridged):
    k, host, a, b = bridged
    w = send(a, IPv4(src="10.0.0.2", dst="10.0.0.1") / ICMP(8, 0, id=7, seq=1))
    assert w.verdict == "delivered" and w.netns == "host"
    assert w.reply.verdict == "delivered" and w.reply.packet[ICMP].type == 0


# -- two hosts joined by VXLAN ------------------------------------------------------------------

def flannel_pair(seed=3, pod_mtu=None):
    """Two hosts joined by flannel-style VXLAN, one pod each (see k8slab.linux.topologies)."""
    net = vxlan_hosts(hosts=2, seed=seed, pod_mtu=pod_mtu)
    return net.kernel, net.hosts[0], net.hosts[1], net.pods[0], net.pods[1]


def test_vxlan_encapsulates_and_decapsulates():
    k, n1, n2, pod0, pod1 = flannel_pair()
    pod1.sockets.bind("tcp", "0.0.0.0", 8080, "web")
    w = send(pod0, IPv4(src="10.244.0.2", dst="10.244.1.2") / TCP(sport=40000, dport=8080))
    assert w.verdict == "delivered" and w.endpoint == "10.244.1.2:8080" and w.netns == "pod2"
    encap = next(h for h in w.hops if h.stage == "vxlan-encap")
    assert encap.netns == "host1" and encap.dev == "flannel.1"
    outer = encap.after
    assert outer[IPv4].src == "172.18.0.2" and outer[IPv4].dst == "172.18.0.3"
    assert outer[UDP].dport == 8472 and outer[VXLAN].vni == 1
    inner = outer.inner()
    assert inner[Ether].src == n1.link("flannel.1").mac and inner[Ether].dst == n2.link("flannel.1").mac
    assert inner[IPv4].dst == "10.244.1.2"
    assert outer.ip_len() - inner.ip_len() == 50  # outer Ethernet, IPv4, UDP, VXLAN: what flannel subtracts
    assert encap.rule == f"{n2.link('flannel.1').mac} dev flannel.1 dst 172.18.0.3 self permanent"
    decap = next(h for h in w.hops if h.stage == "vxlan-decap")
    assert decap.netns == "host2" and decap.after == inner
    # The route that sent it into the tunnel is flannel's onlink route.
    routes = [h.rule for h in w.hops if h.stage == "route" and h.netns == "host1" and h.rule]
    assert "10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink" in routes
    # The TTL of the inner packet dropped once per routing hop (host1, host2).
    delivered = w.packet
    assert delivered[IPv4].ttl == 62
    assert w.reply.verdict == "delivered" and w.reply.netns == "pod1"


def test_same_walk_twice_gives_the_same_hops():
    texts = []
    for _ in range(2):
        k, n1, n2, pod0, pod1 = flannel_pair(seed=11)
        pod1.sockets.bind("tcp", "0.0.0.0", 8080, "web")
        texts.append(str(send(pod0, IPv4(src="10.244.0.2", dst="10.244.1.2") / TCP(sport=40000, dport=8080))))
    assert texts[0] == texts[1]


def test_mtu_too_large_for_the_overlay_gets_frag_needed():
    # The pods think the path takes 1500 bytes; flannel.1 only takes 1450.
    k, n1, n2, pod0, pod1 = flannel_pair(pod_mtu=1500)
    pod1.sockets.bind("udp", "0.0.0.0", 9000, "sink")
    big = IPv4(src="10.244.0.2", dst="10.244.1.2") / UDP(sport=4000, dport=9000) / Raw(pad=1472)
    assert big.ip_len() == 1500
    w = send(pod0, big)
    assert w.verdict == "rejected" and w.netns == "host1"
    assert "mtu 1450" in w.reason
    frag = w.reply.packet[ICMP]
    assert (frag.type, frag.code, frag.mtu) == (3, 4, 1450)
    assert w.reply.netns == "pod1" and w.reply.verdict == "delivered"
    # 1422 bytes of payload (1450 on the wire) go through.
    ok = IPv4(src="10.244.0.2", dst="10.244.1.2") / UDP(sport=4001, dport=9000) / Raw(pad=1422)
    assert send(pod0, ok).verdict == "delivered"


def test_local_mtu_error():
    k, n1, n2, pod0, pod1 = flannel_pair()
    big = IPv4(src="10.244.0.2", dst="10.244.1.2") / ICMP(8, 0, 1, 1) / Raw(pad=1472)
    w = send(pod0, big)
    assert w.verdict == "rejected" and "Message too long" in w.reason and w.netns == "pod1"


# -- DNAT and conntrack -------------------------------------------------------------------------

def test_dnat_with_conntrack_reply(bridged):
    k, host, a, b = bridged
    host.set_sysctl("net.ipv4.ip_forward", 1)
    # A "service" address 10.96.0.10:53 that only exists as a DNAT rule on host.
    out, err, rc = host.netfilter.iptables(["-t", "nat", "-A", "PREROUTING", "-d", "10.96.0.10/32", "-p", "udp",
                                            "--dport", "53", "-j", "DNAT", "--to-destination", "10.0.0.3:5353"])
    assert rc == 0, err
    b.sockets.bind("udp", "0.0.0.0", 5353, "coredns")
    w = send(a, IPv4(src="10.0.0.2", dst="10.96.0.10") / UDP(sport=40000, dport=53))
    assert w.verdict == "delivered" and w.endpoint == "10.0.0.3:5353"
    nat = next(h for h in w.hops if h.stage == "netfilter" and h.before.dst != h.after.dst)
    assert nat.netns == "host" and nat.after.dst == "10.0.0.3" and nat.after.dport == 5353
    assert "DNAT --to-destination 10.0.0.3:5353" in nat.rule
    # The reply is un-DNATed by conntrack: a sees it come from the address it asked.
    back = w.reply
    assert back.verdict == "delivered" and back.netns == "a"
    assert back.packet.src == "10.96.0.10" and back.packet.sport == 53
    rev = next(h for h in back.hops if h.stage == "netfilter" and h.before.src != h.after.src)
    assert rev.netns == "host" and rev.before.src == "10.0.0.3"
    # The nat rule counted one packet: the reply did not traverse the nat table.
    save, _, _ = host.netfilter.iptables_save(["-c", "-t", "nat"])
    assert "[1:28] -A PREROUTING -d 10.96.0.10/32 -p udp -m udp --dport 53 -j DNAT" in save


def test_icmp_error_for_a_dnated_connection_comes_back_from_the_service_address(bridged):
    k, host, a, b = bridged
    host.set_sysctl("net.ipv4.ip_forward", 1)
    host.netfilter.iptables(["-t", "nat", "-A", "PREROUTING", "-d", "10.96.0.10/32", "-p", "udp", "--dport", "53",
                             "-j", "DNAT", "--to-destination", "10.0.0.3:5353"])
    # Nothing listens on 10.0.0.3:5353: b answers port unreachable, about 10.0.0.3:5353.
    w = send(a, IPv4(src="10.0.0.2", dst="10.96.0.10") / UDP(sport=40000, dport=53))
    assert w.verdict == "rejected" and w.netns == "b"
    assert w.reply.hops[0].after.src == "10.0.0.3"
    # host's conntrack (RELATED) rewrites the error and the header it quotes back to the service.
    got = w.reply.packet
    assert got.src == "10.96.0.10" and got[ICMP].name == "port-unreachable"
    quoted = got.layers[got.index(ICMP) + 1:]
    assert quoted[0].dst == "10.96.0.10" and quoted[1].dport == 53
