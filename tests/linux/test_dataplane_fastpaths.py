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
