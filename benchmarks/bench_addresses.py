"""Address benchmarks: bind kube-proxy IPVS mode's ClusterIPs to the ``kube-ipvs0`` dummy device.

``bench()`` returns ``[{"name", "size", "seconds"}, ...]``; run this file to print them.
Each ClusterIP is a /32 on ``kube-ipvs0`` (``ip addr add 10.96.x.y/32 dev kube-ipvs0``), with its
``local`` route in table local; before the per-namespace address index this was O(n) per address
(about 400 s for 10,000).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from k8slab.linux.kernel import Kernel  # noqa: E402


def _cidr(i: int) -> str:
    return f"10.{96 + i // 65536}.{i // 256 % 256}.{i % 256}/32"


def bench(addresses: int = 10_000) -> list[dict]:
    ns = Kernel(seed=1).add_netns("node")
    dev = ns.add_dummy("kube-ipvs0")

    t0 = time.perf_counter()
    for i in range(addresses):
        ns.add_address(dev, _cidr(i))
    add = time.perf_counter() - t0

    extra = [_cidr(addresses + i) for i in range(100)]
    t0 = time.perf_counter()
    for c in extra:
        ns.add_address(dev, c)
    add_100 = time.perf_counter() - t0

    t0 = time.perf_counter()
    for c in extra:
        ns.del_address(dev, c)
    del_100 = time.perf_counter() - t0

    return [
        {"name": "ip addr add /32 to kube-ipvs0 (all)", "size": f"{addresses} addresses", "seconds": add},
        {"name": "ip addr add x100 onto a full kube-ipvs0", "size": f"{addresses} addresses", "seconds": add_100},
        {"name": "ip addr del x100 (newest) from kube-ipvs0", "size": f"{addresses} addresses",
         "seconds": del_100},
    ]


if __name__ == "__main__":
    for r in bench():
        print(f"{r['name']:<45} size={r['size']:<16} {r['seconds'] * 1000:9.2f} ms")
