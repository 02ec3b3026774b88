"""A namespace's compact forms answer as the general ones: the AddressIndex with one address
held as that Address (no dict), the tables local and main held in slots (the ``tables`` dict
made on first use), a device without addresses holding the shared empty tuple."""

import random

from k8slab.linux.address import AddressIndex
from k8slab.linux.errors import NetlinkError
from k8slab.linux.kernel import Kernel
from k8slab.linux.link import veth_pair


def _expected(added, ip=None, key=None):
    """The addresses filed under an IP or a subnet key, in the order they were added."""
    return tuple(a for a in added if (ip is not None and int(a.local) == ip)
                 or (key is not None and AddressIndex.key(a.dev, int(a.local), a.prefixlen) == key))


def test_address_index_one_address_and_more_answer_as_a_scan():
    rng = random.Random(5)
    ips = ["10.0.0.1", "10.0.0.2", "10.0.1.1", "10.0.0.1", "192.168.5.5", "10.0.0.129"]
    for _ in range(120):
        k = Kernel(seed=rng.randrange(100))
        ns, other = k.add_netns("a"), k.add_netns("b")
        devs = [veth_pair(ns, "eth0", other, "p0")[0], ns.add_dummy("d0"), ns.add_bridge("br0")]
        for d in devs[:rng.randrange(4)]:
            ns.set_link_up(d)
        added = []   # in the order added (the index files each key's addresses so)
        probes_ip = [int(x) for x in (k.random.getrandbits(32), 0x0A000001, 0x0A000002, 0x0A000101,
                                      0xC0A80505, 0x0A000081, 0x0A000000)]
        for _step in range(rng.randrange(1, 7)):
            dev = rng.choice(devs)
            cidr = f"{rng.choice(ips)}/{rng.choice((24, 25, 32, 8))}"
            if added and rng.random() < 0.35:
                a = rng.choice(added)
                gone = ns.del_address(a.dev, a.cidr)
                assert gone is a
                added = [b for b in added if b.dev.addresses.count(b)]
            else:
                try:
                    added.append(ns.add_address(dev, cidr))
                except NetlinkError:
                    pass
            index = ns.address_index
            if rng.random() < 0.5:   # read before the lookups, or after
                assert set(index.by_ip) == {int(a.local) for a in added}
            for ip in probes_ip:
                assert index.owners(ip) == _expected(added, ip=ip)
                assert ns.addresses_of_ip(ip) == list(_expected(added, ip=ip))
                for d in devs:
                    for plen in (8, 24, 25, 32):
                        key = AddressIndex.key(d, ip, plen)
                        assert index.in_subnet(key) == _expected(added, key=key)
                        assert index.subnet(d, ip, plen) == _expected(added, key=key)
            assert index.by_ip == {int(a.local): _expected(added, ip=int(a.local)) for a in added}
            keys = {AddressIndex.key(a.dev, int(a.local), a.prefixlen) for a in added}
            assert index.subnets == {key: _expected(added, key=key) for key in keys}
            assert sorted(a.cidr for a in ns.addresses()) == sorted(a.cidr for a in added)


def test_one_address_is_kept_without_a_dict_until_a_second():
    k = Kernel()
    ns, other = k.add_netns("pod"), k.add_netns("node")
    eth0, _ = veth_pair(ns, "eth0", other, "veth0")
    assert ns.address_index._keys is None and eth0.addresses == ()
    a = ns.add_address(eth0, "10.244.1.2/24")
    assert ns.address_index._keys is a and eth0.addresses == [a]
    b = ns.add_address(eth0, "10.244.1.3/24")
    assert type(ns.address_index._keys) is dict and ns.address_index.owners(int(b.local)) == (b,)
    ns.del_address(eth0, "10.244.1.3/24")
    ns.del_address(eth0, "10.244.1.2/24")
    assert ns.address_index.by_ip == {} and eth0.addresses == []
    ns.add_address(eth0, "10.244.1.9/24")
    assert ns.address_index.owners(int(a.local)) == ()


def _state(ns):
    return ({t: [r.line(show_table=True) for r in table] for t, table in ns.tables.items()},
            [a.cidr for a in ns.addresses()])


def test_tables_in_slots_answer_as_the_dict():
    """Two namespaces take the same random route operations; one has its ``tables`` dict
    made at once, the other only at the end: every answer and the end state are the same."""
    for seed in range(40):
        runs = []
        for early in (True, False):
            k = Kernel(seed=seed)
            ns, peer = k.add_netns("x"), k.add_netns("y")
            if early:
                assert ns.tables[254] is ns.main_table and ns.tables[255] is ns.local_table
            else:
                assert ns._tables is None
            eth0, _ = veth_pair(ns, "eth0", peer, "p")
            ns.set_link_up(eth0)
            ns.add_address(eth0, "10.1.0.2/24")
            r2 = random.Random(seed)
            out = []
            for _ in range(12):
                table = r2.choice(("main", "local", "default", 100, 254, 255, "253"))
                op = r2.random()
                dst = r2.choice(("10.9.0.0/16", "default", "10.1.0.7", "10.1.0.0/24"))
                try:
                    if op < 0.5:
                        out.append(ns.add_route(dst, via="10.1.0.1", table=table,
                                                metric=r2.choice((0, 5))).line(show_table=True))
                    elif op < 0.7:
                        out.append(ns.del_route(dst, table=table).line(show_table=True))
                    elif op < 0.85:
                        out.append([r.line() for r in ns.routes(table)])
                    else:
                        out.append(ns.table(table).id)
                except NetlinkError as e:
                    out.append(str(e))
                if early:   # the slots and the dict agree at every step
                    for tid in (253, 254, 255, 100):
                        assert ns.table_or_none(tid) is ns.tables.get(tid)
                res = ns.route_lookup(r2.choice(("10.9.1.1", "10.1.0.7", "8.8.8.8")))
                out.append((res.type, res.line, res.table))
            if not early:
                assert ns._tables is None or set(ns._tables) - {254, 255}
            out.append(_state(ns))
            out.append([t.id for t in ns.all_tables()])
            assert list(ns.all_tables()) == list(ns.tables.values())
            for tid in (253, 254, 255, 100, 7):
                out.append(ns.table_or_none(tid) is ns.tables.get(tid))
            runs.append(out)
        assert runs[0] == runs[1]


def test_route_attrs_are_one_shared_tuple_read_back_as_given():
    from k8slab.linux.route import Route, _rank

    rng = random.Random(3)
    seen = {}
    for _ in range(500):
        args = (rng.choice((253, 254, 255, 100)), rng.choice(("kernel", "boot", "static", "17")),
                rng.choice((0, 0, 5, 100, 2 ** 31)), rng.choice((False, True)), rng.choice((0, 0, 4, 0x10)))
        table, proto, metric, onlink, tos = args
        r = Route(0x0A000000, 24, table=table, proto=proto, metric=metric, onlink=onlink, tos=tos)
        assert (r.table, r.proto, r.metric, r.onlink, r.tos) == args
        assert _rank(r) == (tos, metric) and r.sort_key() == (0x0A000000, -24, tos, metric)
        assert seen.setdefault(args, r.attrs) is r.attrs   # equal values: one object
    k = Kernel()
    pods = [k.add_netns(f"p{i}") for i in range(2)]
    for ns in pods:
        eth0, _ = veth_pair(ns, "eth0", k.add_netns(f"n{ns.name}"), "v")
        ns.set_link_up(eth0)
        ns.add_address(eth0, "10.0.0.2/24")
    (a, b), (c, d) = (ns.local_table.unordered() for ns in pods)
    assert a.attrs is c.attrs and b.attrs is d.attrs and a.attrs == (255, "kernel", 0, False, 0)

