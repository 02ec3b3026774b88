"""The apiserver's Service allocators: ClusterIPs from the service CIDR, NodePorts from their range.

Like Kubernetes (ServiceIPStaticSubrange, ServiceNodePortStaticSubrange), each range has a lower
"static" band that dynamic allocation uses only when the upper band is full, so addresses a
user or kubeadm asks for (``10.96.0.10`` for DNS) rarely collide. Picks are random from the
store's seeded ``random.Random``, so the same seed gives the same ClusterIPs.
"""

from __future__ import annotations

import ipaddress
import random


class RangeAllocator:
    """Allocates integers in ``[0, size)``: random in the upper band, then the lower band."""

    def __init__(self, size: int, static_band: int, rng: random.Random):
        self.size = size
        self.offset = min(static_band, size)
        self.rng = rng
        self.used: set[int] = set()

    def allocate(self, n: int) -> bool:
        if n in self.used or not 0 <= n < self.size:
            return False
        self.used.add(n)
        return True

    def allocate_next(self) -> int | None:
        for lo, hi in ((self.offset, self.size), (0, self.offset)):
            if hi <= lo:
                continue
            start = self.rng.randrange(lo, hi)
            span = hi - lo
            for i in range(span):
                n = lo + (start - lo + i) % span
                if n not in self.used:
                    self.used.add(n)
                    return n
        return None

    def release(self, n: int) -> None:
        self.used.discard(n)


class ClusterIPAllocator:
    """ClusterIPs from a CIDR (network and broadcast addresses excluded)."""

    def __init__(self, cidr: str, rng: random.Random):
        self.network = ipaddress.ip_network(cidr, strict=False)
        self.cidr = str(self.network)
        size = max(self.network.num_addresses - 2, 0)
        band = min(max(16, size // 16), 256)
        self._range = RangeAllocator(size, band, rng)
        self._base = int(self.network.network_address) + 1

    def allocate(self, ip: str) -> str | None:
        """Reserve ``ip``; None if done, else the reason it cannot be had."""
        try:
            addr = ipaddress.ip_address(ip)
        except ValueError:
            return f"failed to allocate IP {ip}: the provided IP ({ip}) is not in the valid range. " \
                   f"The range of valid IPs is {self.cidr}"
        n = int(addr) - self._base
        if addr not in self.network or not 0 <= n < self._range.size:
            return f"failed to allocate IP {ip}: the provided IP ({ip}) is not in the valid range. " \
                   f"The range of valid IPs is {self.cidr}"
        if not self._range.allocate(n):
            return f"failed to allocate IP {ip}: provided IP is already allocated"
        return None

    def allocate_next(self) -> str | None:
        n = self._range.allocate_next()
        return None if n is None else str(ipaddress.ip_address(self._base + n))

    def release(self, ip) -> None:
        try:
            self._range.release(int(ipaddress.ip_address(ip)) - self._base)
        except ValueError:
            pass


class NodePortAllocator:
    """NodePorts from ``[base, last]`` (30000-32767 by default)."""

    def __init__(self, base: int, last: int, rng: random.Random):
        self.base, self.last = base, last
        size = last - base + 1
        self._range = RangeAllocator(size, min(max(16, size // 32), 128), rng)

    def allocate(self, port: int) -> str | None:
        if not self.base <= port <= self.last:
            return f"provided port is not in the valid range. The range of valid ports is {self.base}-{self.last}"
        if not self._range.allocate(port - self.base):
            return "provided port is already allocated"
        return None

    def allocate_next(self) -> int | None:
        n = self._range.allocate_next()
        return None if n is None else self.base + n

    def release(self, port) -> None:
        if isinstance(port, int):
            self._range.release(port - self.base)
