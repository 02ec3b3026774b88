"""The data plane's shortcuts give what the general path gives: shared IPv4Address objects
are the values asked for, and addresses keep the kernel's order whichever way they go in."""

import random
from ipaddress import IPv4Address

from k8slab.linux.ipv4 import shared_ip
from k8slab.linux.kernel import Kernel


def test_shared_ip_is_the_address_of_the_number():
    rng = random.Random(2)
    for n in [0, 1, 0x7F000001, 0xFFFFFFFF] + [rng.getrandbits(32) for _ in range(500)]:
        a = shared_ip(n)
        assert a == IPv4Address(n) and str(a) == str(IPv4Address(n)) and type(a) is IPv4Address
        assert shared_ip(n) is a


def test_addresses_keep_the_kernel_order():
    """Primaries by narrowing scope (host before global, the first of a scope first), then
    secondaries in the order added; the first address of a device goes in as any other."""
    rng = random.Random(5)
    scopes = {"global": 0, "link": 253, "host": 254}
    for _ in range(60):
        k = Kernel(seed=1)
        ns = k.add_netns("n")
        dev = ns.add_dummy("d0")
        if rng.random() < 0.5:
            ns.set_link_up(dev)
        added = []   # (secondary, scope, address) in the order added
        for _ in range(rng.randint(1, 8)):
            net = rng.choice([10, 11, 12])
            host = rng.randint(1, 250)
            scope = rng.choice(list(scopes))
            cidr = f"{net}.0.0.{host}/24"
            if any(str(a.local) == cidr.split("/")[0] for a in dev.addresses):
                continue
            a = ns.add_address(dev, cidr, scope=scope)
            added.append(a)
        primaries = [a for a in added if not a.secondary]
        expected = sorted(primaries, key=lambda a: -a.scope) + [a for a in added if a.secondary]
        assert dev.addresses == expected
        for a in added:   # secondaries are the later ones in a subnet that has a primary
            same = [b for b in added if b.network == a.network]
            assert a.secondary == (same[0] is not a)


def test_deleting_and_downing_links_leaves_the_other_routes_in_order():
    """Routes leave with their device (del_link) or with it going down (scope host and local
    ones stay); what is left is the table as it was without them, in ``ip route`` order."""
    from k8slab.linux.link import veth_pair

    rng = random.Random(8)
    k = Kernel(seed=2)
    node = k.add_netns("node")
    ends = []
    for i in range(40):
        pod = k.add_netns(f"p{i}")
        host, eth0 = veth_pair(node, f"veth{i}", pod, "eth0")
        node.set_link_up(host)
        pod.set_link_up(eth0)
        node.add_address(host, "10.244.1.1/32")
        node.add_route(f"10.244.1.{i + 2}/32", dev=host, scope="host")
        node.add_route(f"10.{i % 7}.0.0/16", via="169.254.1.1", dev=host, onlink=True, metric=rng.randint(0, 2),
                       replace=True)
        ends.append(host)
    rng.shuffle(ends)
    for n, dev in enumerate(ends):
        before = {t: list(table) for t, table in node.tables.items()}
        deleted = n % 2 == 1
        if deleted:
            node.del_link(dev)
        else:
            node.set_link_down(dev)
        for t, table in node.tables.items():
            assert list(table) == [r for r in before[t] if r.dev is not dev
                                   or not deleted and (r.scope == 254 or r.type == "local")]
        assert len(node.tables[255]) + len(node.tables[254]) > 0
