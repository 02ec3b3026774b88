"""flannel's vxlan backend state, rendered as iproute2 6.1.0 prints it (observed on a real
netns built with the same commands, and matching the reference file's section 4)."""

from k8slab.linux.iproute2 import bridge, ip
from k8slab.linux.kernel import Kernel
from k8slab.linux.link import veth_pair


def build_flannel_node():
    """A node whose eth0 (172.18.0.2/16) is the underlay, with flannel.1 and one remote node."""
    k = Kernel(seed=1)
    host, node = k.add_netns("host"), k.add_netns("node")
    hv, eth0 = veth_pair(host, "veth0", node, "eth0", mac_b="02:42:ac:12:00:02")
    host.set_link_up(hv)
    node.set_link_up("lo")
    node.add_address(eth0, "172.18.0.2/16")
    node.set_link_up(eth0)
    out = ip(node, "link add flannel.1 type vxlan id 1 dstport 8472 nolearning local 172.18.0.2 dev eth0")
    assert out == ("", "", 0)
    assert ip(node, "link set flannel.1 address 6e:7a:1d:4b:2c:01") == ("", "", 0)
    assert ip(node, "link set flannel.1 up") == ("", "", 0)
    assert ip(node, "addr add 10.244.0.0/32 dev flannel.1") == ("", "", 0)
    assert ip(node, "route add 10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink") == ("", "", 0)
    ok = ("", "", 0)
    assert ip(node, "neigh replace 10.244.1.0 lladdr 2a:4b:6c:8d:ae:0f dev flannel.1 nud permanent") == ok
    assert bridge(node, "fdb append 2a:4b:6c:8d:ae:0f dev flannel.1 dst 172.18.0.3 self permanent") == ok
    return k, node


def test_flannel_route_neigh_fdb_text():
    """The three per-remote-node objects flannel writes, as the reference shows them."""
    _, node = build_flannel_node()
    assert ip(node, "route")[0] == (
        "10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink \n"
        "172.18.0.0/16 dev eth0 proto kernel scope link src 172.18.0.2 \n")
    assert ip(node, "neigh show dev flannel.1") == ("10.244.1.0 lladdr 2a:4b:6c:8d:ae:0f PERMANENT \n", "", 0)
    assert ip(node, "neigh")[0] == "10.244.1.0 dev flannel.1 lladdr 2a:4b:6c:8d:ae:0f PERMANENT \n"
    assert bridge(node, "fdb show dev flannel.1") == (
        "2a:4b:6c:8d:ae:0f dst 172.18.0.3 self permanent\n", "", 0)
    assert "2a:4b:6c:8d:ae:0f dev flannel.1 dst 172.18.0.3 self permanent\n" in bridge(node, "fdb show")[0]


def test_flannel_ip_d_link():
    """`ip -d link show flannel.1`, observed: MTU is eth0's minus 50, vxlan details line."""
    _, node = build_flannel_node()
    assert ip(node, "-d link show flannel.1")[0] == (
        "3: flannel.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN mode DEFAULT "
        "group default qlen 1000\n"
        "    link/ether 6e:7a:1d:4b:2c:01 brd ff:ff:ff:ff:ff:ff promiscuity 0  allmulti 0 minmtu 68 "
        "maxmtu 65535 \n"
        "    vxlan id 1 local 172.18.0.2 dev eth0 srcport 0 0 dstport 8472 nolearning ttl auto ageing 300 "
        "udpcsum noudp6zerocsumtx noudp6zerocsumrx addrgenmode eui64 numtxqueues 1 numrxqueues 1 "
        "gso_max_size 65536 gso_max_segs 65535 tso_max_size 524280 tso_max_segs 65535 "
        "gro_max_size 65536 \n")
    assert ip(node, "addr show flannel.1")[0] == (
        "3: flannel.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN group default "
        "qlen 1000\n"
        "    link/ether 6e:7a:1d:4b:2c:01 brd ff:ff:ff:ff:ff:ff\n"
        "    inet 10.244.0.0/32 scope global flannel.1\n"
        "       valid_lft forever preferred_lft forever\n"
        "    inet6 fe80::6c7a:1dff:fe4b:2c01/64 scope link \n"
        "       valid_lft forever preferred_lft forever\n")


def test_flannel_lookups_for_the_walk():
    """What the walk asks: route -> flannel.1 and next hop 10.244.1.0 with src 10.244.0.0,
    neighbour -> the remote VTEP MAC, vxlan FDB -> the remote node's IP."""
    _, node = build_flannel_node()
    r = node.route_lookup("10.244.1.5")
    assert (r.type, r.dev.name, str(r.nexthop), str(r.src)) == (
        "unicast", "flannel.1", "10.244.1.0", "10.244.0.0")
    assert r.line == "10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink "
    assert ip(node, "route get 10.244.1.5")[0] == (
        "10.244.1.5 via 10.244.1.0 dev flannel.1 src 10.244.0.0 uid 0 \n    cache \n")
    n = node.neigh.lookup(r.nexthop, r.dev)
    assert (n.lladdr, n.state, n.usable) == ("2a:4b:6c:8d:ae:0f", "PERMANENT", True)
    vx = r.dev
    (entry,) = vx.fdb.lookup(n.lladdr)
    assert (str(entry.dst), vx.vni, vx.dstport, str(vx.local), vx.dev.name) == (
        "172.18.0.3", 1, 8472, "172.18.0.2", "eth0")
    assert vx.fdb.lookup("02:00:00:00:00:99") == []  # no default entry: unknown MACs are dropped
    assert vx.fdb.learn("02:00:00:00:00:99", "172.18.0.9", 0.0) is None  # nolearning


def test_vxlan_default_remote_and_warning():
    """`remote` creates the all-zeros default FDB entry (`via DEV` when dev is given);
    no dstport prints iproute2's warning (observed) and uses 8472."""
    k = Kernel()
    ns = k.add_netns("n")
    br = ns.add_bridge("kind")
    ns.add_address(br, "172.18.0.1/16")
    cmd = "link add vx1 type vxlan id 43 remote 172.18.0.9 dstport 4789 local 172.18.0.1 dev kind ttl 10"
    assert ip(ns, cmd)[1:] == ("", 0)
    assert bridge(ns, "fdb show dev vx1")[0] == "00:00:00:00:00:00 dst 172.18.0.9 via kind self permanent\n"
    assert ("    vxlan id 43 remote 172.18.0.9 local 172.18.0.1 dev kind srcport 0 0 dstport 4789 ttl 10 "
            "ageing 300 ") in ip(ns, "-d link show vx1")[0]
    assert ip(ns, "link show vx1")[0].startswith(
        "3: vx1: <BROADCAST,MULTICAST> mtu 1450 qdisc noop state DOWN ")
    out, err, rc = ip(ns, "link add vx2 type vxlan id 44")
    assert rc == 0 and err.startswith("vxlan: destination port not specified\n")
    assert ns.link("vx2").dstport == 8472
    assert (ns.link("vx1").fdb.lookup("02:11:22:33:44:55")[0].dst.exploded) == "172.18.0.9"
