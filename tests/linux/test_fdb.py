"""Bridge and VXLAN forwarding databases (the walk's bridge and tunnel lookups)."""

import pytest

from k8slab.linux.errors import NetlinkError
from k8slab.linux.iproute2 import bridge
from k8slab.linux.kernel import Kernel
from k8slab.linux.link import veth_pair


def test_bridge_learns_moves_and_forgets_on_port_down():
    k = Kernel(seed=4)
    ns = k.add_netns("host")
    br = ns.add_bridge("cni0")
    p1, _ = veth_pair(ns, "veth1", ns, "x1")
    p2, _ = veth_pair(ns, "veth2", ns, "x2")
    for p in (p1, p2):
        ns.set_master(p, br)
    br.fdb.learn("0a:00:00:00:00:01", p1, now=0.0)
    assert br.fdb.lookup("0a:00:00:00:00:01", 1.0).port is p1
    br.fdb.learn("0a:00:00:00:00:01", p2, now=2.0)  # the station moved
    assert br.fdb.lookup("0a:00:00:00:00:01", 3.0).port is p2
    assert br.fdb.learn("01:00:5e:00:00:01", p1, now=0.0) is None  # multicast sources are not learned
    assert br.fdb.learn(p1.mac, p2, now=0.0) is None  # our own MACs never move
    ns.set_link_up(p2)
    ns.set_link_down(p2)
    assert br.fdb.lookup("0a:00:00:00:00:01", 3.0) is None
    # learned entries show without a state word (trailing space), as observed
    br.fdb.learn("0a:00:00:00:00:07", p1, now=k.now)
    assert "0a:00:00:00:00:07 dev veth1 master cni0 \n" in bridge(ns, "fdb show")[0]


def test_vxlan_fdb_add_append_replace_delete():
    k = Kernel()
    ns = k.add_netns("n")
    vx = ns.add_vxlan("vx0", vni=42, dstport=4789)
    assert bridge(ns, "fdb add 00:00:00:00:00:00 dev vx0 dst 172.18.0.7") == ("", "", 0)
    assert bridge(ns, "fdb append 00:00:00:00:00:00 dev vx0 dst 172.18.0.8") == ("", "", 0)
    assert bridge(ns, "fdb show dev vx0")[0] == (
        "00:00:00:00:00:00 dst 172.18.0.7 self permanent\n00:00:00:00:00:00 dst 172.18.0.8 self permanent\n")
    assert [str(e.dst) for e in vx.fdb.lookup("02:00:00:00:00:01")] == ["172.18.0.7", "172.18.0.8"]
    assert bridge(ns, "fdb add 00:00:00:00:00:00 dev vx0 dst 172.18.0.7") == (
        "", "RTNETLINK answers: File exists\n", 2)
    bridge(ns, "fdb replace 02:00:00:00:00:01 dev vx0 dst 172.18.0.9")
    assert [str(e.dst) for e in vx.fdb.lookup("02:00:00:00:00:01")] == ["172.18.0.9"]
    bridge(ns, "fdb del 02:00:00:00:00:01 dev vx0")
    with pytest.raises(NetlinkError):
        vx.fdb.delete("02:00:00:00:00:01")
    # a learning device learns remote VTEPs from what it receives
    assert vx.fdb.learn("02:00:00:00:00:05", "172.18.0.4", now=0.0).permanent is False
    assert bridge(ns, "fdb show dev vx0")[0].endswith("02:00:00:00:00:05 dst 172.18.0.4 self \n")
