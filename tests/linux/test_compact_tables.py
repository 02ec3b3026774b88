"""Compact forms of the route table and the address index give what the plain forms gave.

RouteTable keeps its prefix lengths as a shared tuple and appends a route that ranks last
without a bisection; AddressIndex stores a key's only address as itself. These tests drive
both through random changes and compare them with a plain reading of the rules.
"""

from __future__ import annotations

import random

from k8slab.linux.errors import NetlinkError
from k8slab.linux.kernel import Kernel
from k8slab.linux.route import RT_TABLE_MAIN, Route, RouteTable


def test_route_table_order_and_prefix_lengths_through_random_changes():
    """Routes to a few prefixes with random tos and metric, inserted and removed at random:
    each prefix's routes are ranked by (tos, metric), ties oldest first; the table lists them
    in ``ip route`` order; the prefix lengths are every one used, longest first."""
    rnd = random.Random(11)
    for _ in range(40):
        table = RouteTable(RT_TABLE_MAIN)
        plain: list[tuple[int, Route]] = []   # (insertion number, route)
        used: set[int] = set()
        for n in range(rnd.randrange(1, 60)):
            if plain and rnd.random() < 0.3:
                _, r = plain.pop(rnd.randrange(len(plain)))
                table.remove(r)
                continue
            plen = rnd.choice((0, 8, 24, 24, 32, 32, 32))
            net = (rnd.choice((0x0A000000, 0x0AF40100, 0x0AF40200)) >> (32 - plen) << (32 - plen)) if plen else 0
            r = Route(net, plen, metric=rnd.choice((0, 0, 0, 100, 50)), tos=rnd.choice((0, 0, 0, 4)))
            table.insert(r)
            plain.append((n, r))
            used.add(plen)
            for p in {(x.dst_ip, x.dst_len) for _, x in plain}:
                expected = [x for _, x in sorted(((i, x) for i, x in plain if (x.dst_ip, x.dst_len) == p),
                                                 key=lambda ix: (ix[1].tos, ix[1].metric, ix[0]))]
                assert list(table.at(*p)) == expected
        assert list(table) == [x for _, x in sorted(plain, key=lambda ix: (*ix[1].sort_key(), ix[0]))]
        assert table._plens == tuple(sorted(used, reverse=True))
        assert len(table) == len(plain)


def test_equal_prefix_length_tuples_are_one_object():
    """Every pod's main table ends with the same prefix lengths, held once."""
    a, b = RouteTable(RT_TABLE_MAIN), RouteTable(RT_TABLE_MAIN)
    for t, order in ((a, (24, 0, 32)), (b, (32, 0, 24))):
        for plen in order:
            t.insert(Route(0x0AF40100 if plen else 0, plen))
    assert a._plens == (32, 24, 0) and a._plens is b._plens


def test_address_index_singletons_and_groups():
    """Random adds and deletes on two devices, several addresses sharing an IP or a subnet:
    ``owners`` and ``subnet`` are the addresses a scan of the devices finds (``subnet`` in the
    device's order), and the inspection views agree."""
    rnd = random.Random(3)
    k = Kernel(seed=2)
    ns = k.add_netns("n")
    devs = [ns.add_dummy("d0"), ns.add_dummy("d1")]
    for d in devs:
        ns.set_link_up(d)
    index = ns.address_index
    for _ in range(800):
        d = rnd.choice(devs)
        cidr = f"10.1.{rnd.randrange(2)}.{rnd.randrange(1, 5)}/{rnd.choice((24, 24, 30, 32))}"
        try:
            if rnd.random() < 0.6:
                ns.add_address(d, cidr)
            else:
                ns.del_address(d, cidr)
        except NetlinkError:
            pass
        everything = [a for dev in devs for a in dev.addresses]
        for a in everything:
            ip = int(a.local)
            owners = index.owners(ip)   # in the order they were added
            assert type(owners) is tuple and len(owners) == len({*map(id, owners)})
            assert {*map(id, owners)} == {id(x) for x in everything if int(x.local) == ip}
            assert index.subnet(a.dev, ip, a.prefixlen) == tuple(
                x for x in a.dev.addresses
                if x.prefixlen == a.prefixlen and int(x.network.network_address) == int(a.network.network_address))
        assert sum(map(len, index.by_ip.values())) == len(everything)
        assert sum(map(len, index.subnets.values())) == len(everything)
        assert all(type(v) is tuple and v for v in index.by_ip.values())
    for d in devs:
        ns.del_link(d)
    assert not index.by_ip and not index.subnets and index.owners(0x0A010001) == ()


def _plain_set_link_up(ns, link):
    """``set_link_up`` as it was before its shortcut: who was running is asked of every
    affected device (the link, a veth peer, their masters)."""
    link = ns.link(link)
    if link.admin_up:
        return
    affected = ns._affected(link)
    before = [d.running for d in affected]
    link.admin_up = True
    link.ever_up = True
    for a in link.primary_addresses():
        ns._add_prefix_routes(a)
    if link.kind == "loopback" and not link.addresses:
        ns.add_address(link, "127.0.0.1/8", scope="host")
    ns._note_running(before, affected)


def _running_story(seed: int, plain: bool, monkeypatch) -> list:
    from k8slab.linux.link import veth_pair
    from k8slab.linux.netns import NetNS

    if plain:
        monkeypatch.setattr(NetNS, "set_link_up", _plain_set_link_up)
    rnd = random.Random(seed)
    k = Kernel(seed=seed)
    a, b = k.add_netns("a"), k.add_netns("b")
    bridges = [a.add_bridge("br0"), a.add_bridge("br1")]
    devs = list(bridges) + [a.link("lo"), b.link("lo")]
    for i in range(6):
        x, y = veth_pair(a, f"va{i}", rnd.choice((a, b)), f"vb{i}")
        devs += [x, y]
    story = []
    for _ in range(300):
        d = rnd.choice(devs)
        op = rnd.random()
        if op < 0.5:
            d.netns.set_link_up(d)
        elif op < 0.8:
            d.netns.set_link_down(d)
        elif d.kind == "veth" and d.netns is a:
            try:
                a.set_master(d, rnd.choice((*bridges, None)))
            except Exception:   # noqa: BLE001  (a device already without master)
                pass
        story.append([(x.name, x.running, x.running_seq) for x in devs])
    monkeypatch.undo()
    return story


def test_set_link_up_shortcut_numbers_running_devices_as_before(monkeypatch):
    """Random ups, downs and bridge ports: which devices run and the order they started
    running in (``running_seq``) are what asking every affected device gives."""
    for seed in range(6):
        assert _running_story(seed, False, monkeypatch) == _running_story(seed, True, monkeypatch)


def test_kernel_routes_to_one_prefix_on_many_devices_stay_one_per_device():
    """A node's gateway /32 on every pod's veth: one local route per device, in the order
    the addresses came; asking for an address's routes again adds none (the kernel's
    duplicate check); deleting a device takes its route only."""
    from k8slab.linux.link import veth_pair
    from k8slab.linux.route import RT_TABLE_LOCAL

    k = Kernel(seed=4)
    node = k.add_netns("node")
    hosts = [veth_pair(node, f"veth{i}", k.add_netns(f"pod{i}"), "eth0")[0] for i in range(20)]
    for h in hosts:
        node.set_link_up(h)
        node.add_address(h, "10.244.1.1/32")
    local = node.tables[RT_TABLE_LOCAL]
    gw = 0x0AF40101
    assert [r.dev for r in local.at(gw, 32)] == hosts
    for h in hosts[::3]:
        node.routes_for_new_address(h.addresses[0])
    assert [r.dev for r in local.at(gw, 32)] == hosts
    node.del_link(hosts[5])
    assert [r.dev for r in local.at(gw, 32)] == hosts[:5] + hosts[6:]


def test_bindings_share_their_protocol_name():
    """Every pod's socket key holds the one "tcp" string, whatever case it was given in."""
    from k8slab.linux.sockets import Sockets

    a, b = Sockets(), Sockets()
    ka, kb = a.bind("TCP", "0.0.0.0", 80, "x"), b.bind("tcp".upper().lower(), "0.0.0.0", 80, "y")
    assert ka == kb == ("tcp", "0.0.0.0", 80) and ka[0] is kb[0]
    assert a.lookup("Tcp", "10.0.0.1", 80) == "x" and b.bind("quic", "0.0.0.0", 80) == ("quic", "0.0.0.0", 80)


def test_devices_by_ifindex_through_random_adds_and_deletes():
    """Dummies, bridges and veths added and deleted at random (some adds refused): the
    devices by ifindex are the namespace's devices sorted by ifindex, and each ifindex finds
    its device or none (deleted ones, numbers never given, 0, past the end)."""
    from k8slab.linux.link import veth_pair

    rnd = random.Random(9)
    k = Kernel(seed=9)
    ns, other = k.add_netns("n"), k.add_netns("o")
    for step in range(400):
        op = rnd.random()
        try:
            if op < 0.3:
                ns.add_dummy(f"d{rnd.randrange(30)}")
            elif op < 0.4:
                ns.add_bridge(f"b{rnd.randrange(30)}")
            elif op < 0.6:
                veth_pair(ns, f"v{step}", rnd.choice((ns, other)), f"p{step}")
            elif ns.links.keys() - {"lo"}:
                ns.del_link(rnd.choice(sorted(ns.links.keys() - {"lo"})))
        except NetlinkError:
            pass
        expected = sorted(ns.links.values(), key=lambda d: d.ifindex)
        assert ns.links_by_index() == expected == list(ns.iter_links())
        by_index = {d.ifindex: d for d in expected}
        for i in range(-1, ns._ifindex + 3):
            assert ns.link_by_index(i) is by_index.get(i)
