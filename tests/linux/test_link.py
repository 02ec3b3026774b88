"""Links: ifindexes per namespace, veth carrier, bridges (MAC, ports, FDB), text of
`ip link` for same-netns veths (observed), determinism of random MACs."""

import pytest

from k8slab.linux.errors import NetlinkError
from k8slab.linux.iproute2 import ip
from k8slab.linux.kernel import Kernel
from k8slab.linux.link import veth_pair


def test_same_seed_same_macs_and_names():
    macs = [Kernel(seed=9).random_mac() for _ in range(2)]
    assert macs[0] == macs[1]
    assert Kernel(seed=9).random_hex(4) == Kernel(seed=9).random_hex(4)
    m = Kernel(seed=3).random_mac()
    assert int(m[:2], 16) & 0x03 == 0x02  # locally administered, unicast


def test_same_netns_veth_text_and_carrier():
    """`ip link add vA type veth peer name vB`: the peer gets the lower ifindex; one end up
    alone shows NO-CARRIER/M-DOWN/LOWERLAYERDOWN (observed)."""
    k = Kernel()
    ns = k.add_netns("n")
    out = ip(ns, "link add vA type veth peer name vB")
    assert out == ("", "", 0)
    ns.set_mac("vA", "02:00:00:00:00:09")
    ns.set_mac("vB", "02:00:00:00:00:05")
    ns.set_link_up("vA")
    assert ip(ns, "link")[0] == (
        "1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n"
        "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"
        "2: vB@vA: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default "
        "qlen 1000\n"
        "    link/ether 02:00:00:00:00:05 brd ff:ff:ff:ff:ff:ff\n"
        "3: vA@vB: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> mtu 1500 qdisc noqueue state LOWERLAYERDOWN "
        "mode DEFAULT group default qlen 1000\n"
        "    link/ether 02:00:00:00:00:09 brd ff:ff:ff:ff:ff:ff\n")
    assert not ns.link("vA").carrier
    ns.set_link_up("vB")
    assert ns.link("vA").carrier and ns.link("vA").operstate == "UP"


def test_bridge_mac_ports_carrier_and_fdb():
    """A bridge takes its lowest port MAC (observed), has carrier once a port runs, learns
    source MACs and forgets them after ageing_time on the virtual clock."""
    k = Kernel()
    ns = k.add_netns("n")
    br = ns.add_bridge("br1")
    ip(ns, "link add vA type veth peer name vB")
    ns.set_mac("vA", "02:00:00:00:00:09")
    ns.set_mac("vB", "02:00:00:00:00:05")
    ns.set_master("vA", br)
    assert br.mac == "02:00:00:00:00:09"
    ns.set_master("vB", br)
    assert br.mac == "02:00:00:00:00:05"
    ns.set_link_up(br)
    assert ip(ns, "link show br1")[0] == (
        "2: br1: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN mode DEFAULT "
        "group default qlen 1000\n    link/ether 02:00:00:00:00:05 brd ff:ff:ff:ff:ff:ff\n")
    ns.set_link_up("vA")
    ns.set_link_up("vB")
    assert br.operstate == "UP" and ns.link("vA").promiscuity == 1
    va = ns.link("vA")
    br.fdb.learn("02:aa:00:00:00:01", va, now=0.0)
    assert br.port_for_mac("02:aa:00:00:00:01", now=10.0) is va
    assert br.port_for_mac("02:00:00:00:00:05", now=10.0) is ns.link("vB")  # a port's own MAC: local
    assert br.fdb.lookup("02:00:00:00:00:05", 0.0).local
    assert br.port_for_mac("02:aa:00:00:00:01", now=300.0) is None  # aged out
    assert br.port_for_mac("ff:ff:ff:ff:ff:ff") is None


def test_bridge_mac_set_by_hand_sticks():
    k = Kernel()
    ns = k.add_netns("n")
    br = ns.add_bridge("kind", mac="02:42:8c:00:00:01")
    a, _ = veth_pair(ns, "p1", ns, "p2", mac_a="02:00:00:00:00:01")
    ns.set_master(a, br)
    assert br.mac == "02:42:8c:00:00:01"


def test_veth_peer_and_delete():
    """The walk crosses a veth via `peer`; deleting one end deletes both and their routes."""
    k = Kernel()
    a, b = k.add_netns("a"), k.add_netns("b")
    ea, eb = veth_pair(a, "eth0", b, "veth1a2b3c4d")
    assert ea.peer is eb and eb.peer is ea and eb.netns is b
    a.set_link_up(ea)
    b.set_link_up(eb)
    a.add_address(ea, "10.0.0.1/24")
    a.del_link(ea)
    assert "eth0" not in a.links and "veth1a2b3c4d" not in b.links
    assert a.routes() == [] and a.routes("local") == []


def test_link_errors():
    """Observed texts for bad `ip link` input; nothing changes."""
    k = Kernel()
    ns = k.add_netns("n")
    ip(ns, "link add eth0 type veth peer name x1")
    assert ip(ns, "link set dev eth9 up") == ("", 'Cannot find device "eth9"\n', 1)
    assert ip(ns, "link set eth0 mtu abc") == (
        "", 'Error: argument "abc" is wrong: Invalid "mtu" value\n\n', 255)
    assert ip(ns, "link set eth0 mtu 100000") == ("", "Error: mtu greater than device maximum.\n", 2)
    assert ip(ns, "link set eth0 master nobr") == (
        "", 'Error: argument "nobr" is wrong: Device does not exist\n\n', 255)
    assert ip(ns, "link set eth0 frob") == (
        "", 'Error: either "dev" is duplicate, or "frob" is a garbage.\n', 255)
    assert ip(ns, "link show eth9") == ("", 'Device "eth9" does not exist.\n', 1)
    assert ip(ns, "link add eth0 type veth peer name x2") == ("", "RTNETLINK answers: File exists\n", 2)
    assert ip(ns, "link frob") == ("", 'Command "frob" is unknown, try "ip link help".\n', 255)
    assert ip(ns, "frob") == ("", 'Object "frob" is unknown, try "ip help".\n', 1)
    assert ip(ns, "link add d0 type dummy") == ("", "", 0)
    assert ns.link("eth0").mtu == 1500 and ns.link("eth0").master is None
    with pytest.raises(NetlinkError):
        ns.set_mtu("eth0", 10)


def test_dummy_device_flags_are_broadcast_noarp():
    """A dummy device (kube-ipvs0) is NOARP and not MULTICAST (dummy_setup); iproute2 6.1.0 shows
    ``<BROADCAST,NOARP>`` down and ``<BROADCAST,NOARP,UP,LOWER_UP>`` with state UNKNOWN up."""
    ns = Kernel(seed=1).add_netns("n")
    d = ns.add_dummy("kube-ipvs0", mac="1a:ce:f5:5f:c1:4d")
    assert ip(ns, "link show kube-ipvs0")[0] == (
        "2: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n"
        "    link/ether 1a:ce:f5:5f:c1:4d brd ff:ff:ff:ff:ff:ff\n")
    ns.set_link_up(d)
    assert ip(ns, "link show kube-ipvs0")[0] == (
        "2: kube-ipvs0: <BROADCAST,NOARP,UP,LOWER_UP> mtu 1500 qdisc noqueue state UNKNOWN mode DEFAULT "
        "group default qlen 1000\n"
        "    link/ether 1a:ce:f5:5f:c1:4d brd ff:ff:ff:ff:ff:ff\n")
