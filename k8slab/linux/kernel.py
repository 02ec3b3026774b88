"""One Linux kernel: its network namespaces, a seeded random source and a virtual clock.

Everything random that a kernel (or a tool running on it) picks - MAC addresses of new
devices, random interface names - comes from ``kernel.random``, a :class:`random.Random`
seeded at construction, so the same seed always gives the same MACs and names. Time is
``kernel.now`` (seconds), advanced by the caller; nothing reads the wall clock.

>>> k = Kernel(seed=1)
>>> node = k.add_netns("node")
>>> node.link("lo").ifindex
1
>>> Kernel(seed=1).random_mac() == Kernel(seed=1).random_mac()
True
"""

from __future__ import annotations

import random

from k8slab.linux.errors import NetlinkError
from k8slab.linux.netns import NetNS


class Kernel:
    """A kernel: namespaces by name, ``random`` (seeded), ``now`` (virtual seconds)."""

    __slots__ = ("random", "now", "namespaces", "ncpus")

    def __init__(self, seed: int = 0, ncpus: int = 2) -> None:
        self.random = random.Random(seed)
        self.now = 0.0
        self.namespaces: dict[str, NetNS] = {}
        self.ncpus = ncpus  # veth devices get one queue per possible CPU (ip -d link shows it)

    def add_netns(self, name: str) -> NetNS:
        """Create a network namespace (with its ``lo``, down, as a fresh netns has)."""
        if name in self.namespaces:
            raise NetlinkError(f'Cannot create namespace file "/run/netns/{name}": File exists', 1)
        ns = NetNS(self, name)
        self.namespaces[name] = ns
        return ns

    def netns(self, name: str) -> NetNS:
        """The namespace called ``name`` (KeyError if there is none)."""
        return self.namespaces[name]

    def del_netns(self, name: str) -> None:
        """Remove a namespace: its devices go with it (and so do the other ends of its veths)."""
        ns = self.namespaces.pop(name)
        for link in list(ns.links.values()):
            if link.netns is ns and link.kind != "loopback":  # lo simply goes with the namespace
                ns.del_link(link)

    def advance(self, seconds: float) -> float:
        """Move the virtual clock forward; returns the new ``now``."""
        self.now += seconds
        return self.now

    def random_mac(self) -> str:
        """A random locally administered unicast MAC, as ``eth_hw_addr_random`` makes one."""
        # First octet: the multicast bit (0x01) cleared, the locally administered bit (0x02) set.
        n = self.random.getrandbits(48) & ~(0x01 << 40) | (0x02 << 40)
        return n.to_bytes(6, "big").hex(":")

    def random_hex(self, nbytes: int) -> str:
        """``nbytes`` random bytes as lowercase hex (e.g. 4 -> the 8 hex digits of a veth name)."""
        return self.random.getrandbits(8 * nbytes).to_bytes(nbytes, "big").hex()
