"""Addresses and the routes the kernel adds/removes with them and with link state
(all expected texts observed with iproute2 6.1.0 on real namespaces)."""

import pytest

from k8slab.linux.errors import NetlinkError
from k8slab.linux.iproute2 import ip
from k8slab.linux.kernel import Kernel
from k8slab.linux.link import veth_pair


def pair():
    k = Kernel(seed=2)
    a, b = k.add_netns("a"), k.add_netns("b")
    ea, eb = veth_pair(a, "eth0", b, "eth0", mac_a="02:00:00:00:01:01")
    return a, b, ea, eb


def test_secondary_and_scope_order():
    """Same subnet+prefix -> secondary (local route src = primary); link scope goes first."""
    a, _, ea, _ = pair()
    for cidr in ("10.1.0.1/24", "10.1.0.2/24", "10.1.0.3/16"):
        a.add_address(ea, cidr)
    a.add_address(ea, "10.1.0.9/24", broadcast="+")
    a.add_address(ea, "10.2.0.9/24", scope="link")
    assert ip(a, "-4 addr")[0] == (
        "2: eth0@if2: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default qlen 1000 "
        "link-netnsid 0\n"
        "    inet 10.2.0.9/24 scope link eth0\n       valid_lft forever preferred_lft forever\n"
        "    inet 10.1.0.1/24 scope global eth0\n       valid_lft forever preferred_lft forever\n"
        "    inet 10.1.0.3/16 scope global eth0\n       valid_lft forever preferred_lft forever\n"
        "    inet 10.1.0.2/24 scope global secondary eth0\n       valid_lft forever preferred_lft forever\n"
        "    inet 10.1.0.9/24 brd 10.1.0.255 scope global secondary eth0\n"
        "       valid_lft forever preferred_lft forever\n")
    # device down: only local routes
    assert ip(a, "route show table all")[0] == (
        "local 10.1.0.1 dev eth0 table local proto kernel scope host src 10.1.0.1 \n"
        "local 10.1.0.2 dev eth0 table local proto kernel scope host src 10.1.0.1 \n"
        "local 10.1.0.3 dev eth0 table local proto kernel scope host src 10.1.0.3 \n"
        "local 10.1.0.9 dev eth0 table local proto kernel scope host src 10.1.0.1 \n"
        "local 10.2.0.9 dev eth0 table local proto kernel scope host src 10.2.0.9 \n")
    a.set_link_up(ea)  # peer still down: no carrier -> "linkdown"
    assert ip(a, "link show eth0")[0].startswith(
        "2: eth0@if2: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state LOWERLAYERDOWN ")
    assert ip(a, "route show table all")[0] == (
        "10.1.0.0/24 dev eth0 proto kernel scope link src 10.1.0.1 linkdown \n"
        "10.1.0.0/16 dev eth0 proto kernel scope link src 10.1.0.3 linkdown \n"
        "10.2.0.0/24 dev eth0 proto kernel scope link src 10.2.0.9 linkdown \n"
        "local 10.1.0.1 dev eth0 table local proto kernel scope host src 10.1.0.1 \n"
        "local 10.1.0.2 dev eth0 table local proto kernel scope host src 10.1.0.1 \n"
        "local 10.1.0.3 dev eth0 table local proto kernel scope host src 10.1.0.3 \n"
        "local 10.1.0.9 dev eth0 table local proto kernel scope host src 10.1.0.1 \n"
        "broadcast 10.1.0.255 dev eth0 table local proto kernel scope link src 10.1.0.1 linkdown \n"
        "broadcast 10.1.255.255 dev eth0 table local proto kernel scope link src 10.1.0.3 linkdown \n"
        "local 10.2.0.9 dev eth0 table local proto kernel scope host src 10.2.0.9 \n"
        "broadcast 10.2.0.255 dev eth0 table local proto kernel scope link src 10.2.0.9 linkdown \n")


def test_duplicate_and_missing_address_errors():
    a, _, ea, _ = pair()
    a.add_address(ea, "172.18.0.2/16")
    with pytest.raises(NetlinkError) as e:
        a.add_address(ea, "172.18.0.2/16")
    assert (e.value.message, e.value.exit_code) == ("Error: ipv4: Address already assigned.", 2)
    a.add_address(ea, "172.18.0.2/24")  # another prefix length is another address (observed)
    with pytest.raises(NetlinkError, match="Error: ipv4: Address not found."):
        a.del_address(ea, "10.0.0.1/24")
    assert [x.cidr for x in ea.addresses] == ["172.18.0.2/16", "172.18.0.2/24"]


def test_slash32_has_no_prefix_route_and_delete_removes_routes():
    """A /32 brings only its local route; deleting an address takes its routes away."""
    a, b, ea, eb = pair()
    b.set_link_up(eb)
    a.set_link_up(ea)
    a.add_address(ea, "10.244.1.1/32")
    a.add_address(ea, "10.5.0.2/24")
    assert ip(a, "route")[0] == "10.5.0.0/24 dev eth0 proto kernel scope link src 10.5.0.2 \n"
    a.del_address(ea, "10.5.0.2/24")
    assert ip(a, "route")[0] == ""
    assert ip(a, "route show table local")[0] == (
        "local 10.244.1.1 dev eth0 proto kernel scope host src 10.244.1.1 \n")


def test_link_down_keeps_local_and_scope_host_routes():
    """Observed: down removes prefix/broadcast and via routes, keeps local and scope host
    routes; up again restores the kernel's prefix route."""
    a, b, ea, eb = pair()
    b.set_link_up(eb)
    a.set_link_up(ea)
    a.add_address(ea, "10.9.9.1/24")
    a.add_route("10.244.1.2/32", dev=ea, scope="host")
    a.add_route("10.7.0.0/16", via="10.9.9.7")
    a.set_link_down(ea)
    assert ip(a, "route show table all")[0] == (
        "10.244.1.2 dev eth0 scope host \n"
        "local 10.9.9.1 dev eth0 table local proto kernel scope host src 10.9.9.1 \n")
    a.set_link_up(ea)
    assert ip(a, "route")[0] == "10.9.9.0/24 dev eth0 proto kernel scope link src 10.9.9.1 \n" \
        "10.244.1.2 dev eth0 scope host \n"


def test_loopback_up_gets_127_and_down_keeps_it():
    """lo: 127.0.0.1/8 appears on first up; down keeps the address and local routes (observed)."""
    k = Kernel()
    ns = k.add_netns("n")
    assert ip(ns, "addr")[0] == (
        "1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN group default qlen 1000\n"
        "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n")
    ns.set_link_up("lo")
    ns.set_link_down("lo")
    assert ip(ns, "addr")[0] == (
        "1: lo: <LOOPBACK> mtu 65536 qdisc noqueue state DOWN group default qlen 1000\n"
        "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"
        "    inet 127.0.0.1/8 scope host lo\n"
        "       valid_lft forever preferred_lft forever\n")
    assert ip(ns, "route show table local")[0] == (
        "local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1 \n"
        "local 127.0.0.1 dev lo proto kernel scope host src 127.0.0.1 \n")
    assert ns.route_lookup("127.0.0.5").type == "local"


def _reference_order(ops):
    """The pre-index O(n) algorithm (a scan of dev.addresses per change), as a model."""
    from ipaddress import IPv4Interface

    addrs = []  # (ip, plen, net, scope, secondary)
    for op, cidr, scope in ops:
        i = IPv4Interface(cidr)
        key = (i.ip, i.network.prefixlen)
        same = [a for a in addrs if (a[1], a[2]) == (i.network.prefixlen, i.network)]
        if op == "add":
            if any((a[0], a[1]) == key for a in same):
                continue
            sec = any(not a[4] for a in same)
            new = (i.ip, i.network.prefixlen, i.network, scope, sec)
            if sec:
                addrs.append(new)
            else:
                pos = 0
                for n, a in enumerate(addrs):
                    if not a[4] and scope <= a[3]:
                        pos = n + 1
                addrs.insert(pos, new)
        else:
            target = next((a for a in addrs if (a[0], a[1]) == key), None)
            if target is None:
                continue
            doomed = [target] + ([a for a in same if a[4]] if not target[4] else [])
            addrs = [a for a in addrs if a not in doomed]
    return [f"{a[0]}/{a[1]}" for a in addrs]


def test_address_index_keeps_the_kernel_order_and_routes():
    """Random adds/deletes (scopes, secondaries, overlapping prefixes) give the same list as
    the linear scan the index replaced, and the index agrees with dev.addresses."""
    import random

    rnd = random.Random(5)
    k = Kernel(seed=1)
    ns = k.add_netns("n")
    d = ns.add_dummy("d0")
    ns.set_link_up(d)
    ops = []
    for _ in range(600):
        cidr = f"10.0.{rnd.randrange(3)}.{rnd.randrange(1, 8)}/{rnd.choice((16, 24, 32))}"
        scope = rnd.choice((0, 0, 0, 200, 253, 254))
        op = "add" if rnd.random() < 0.65 else "del"
        ops.append((op, cidr, scope))
        try:
            if op == "add":
                ns.add_address(d, cidr, scope=scope)
            else:
                ns.del_address(d, cidr)
        except NetlinkError:
            pass
        assert [a.cidr for a in d.addresses] == _reference_order(ops)
    index = ns.address_index
    assert sorted(a.cidr for lst in index.by_ip.values() for a in lst) == sorted(a.cidr for a in d.addresses)
    assert sorted(a.cidr for lst in index.subnets.values() for a in lst) == sorted(a.cidr for a in d.addresses)
    assert sum(index.scopes.get(d, {}).values()) == sum(not a.secondary for a in d.addresses)
    first = d.addresses[0]
    assert ns.addresses_of_ip(str(first.local))[0] is first
    ns.del_link(d)
    assert not index.by_ip and not index.subnets and not index.scopes


def test_ten_thousand_addresses_on_a_dummy_are_fast():
    """kube-ipvs0 with 10,000 ClusterIPs: adding them is linear overall (was quadratic)."""
    import time

    ns = Kernel(seed=1).add_netns("n")
    d = ns.add_dummy("kube-ipvs0")
    t = time.perf_counter()
    for i in range(10000):
        ns.add_address(d, f"10.96.{i // 256}.{i % 256}/32")
    assert time.perf_counter() - t < 20
    assert len(d.addresses) == 10000 and ns.local_address_type("10.96.39.15") == "local"
    with pytest.raises(NetlinkError):
        ns.add_address(d, "10.96.0.7/32")
    assert len(d.addresses) == 10000
