"""A bridge without a MAC of its own takes the lowest of its ports' MACs, port by port."""

import random

from k8slab.linux.kernel import Kernel
from k8slab.linux.link import veth_pair


def test_bridge_mac_follows_the_lowest_port_mac():
    k = Kernel(seed=1)
    ns, peer = k.add_netns("a"), k.add_netns("b")
    ns.add_bridge("br0")
    rng = random.Random(7)
    macs = []
    for i in range(40):
        veth_pair(ns, f"v{i}", peer, f"p{i}")
        mac = f"02:00:00:{rng.randrange(256):02x}:{rng.randrange(256):02x}:{i:02x}"
        ns.set_mac(f"v{i}", mac)
        ns.set_master(f"v{i}", "br0")
        macs.append(mac)
        assert ns.link("br0").mac == min(macs)
    lowest = macs.index(min(macs))
    ns.set_master(f"v{lowest}", None)
    del macs[lowest]
    assert ns.link("br0").mac == min(macs)
