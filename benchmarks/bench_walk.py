"""The packet walk on a small topology (issue: a walk on a 3-node topology under 2 ms).

Three hosts joined by flannel-style VXLAN, one pod each; a TCP SYN from pod1 to pod3 crosses
veth, bridge, routing, VXLAN encapsulation, the LAN bridge, decapsulation, and back (the
SYN-ACK walks the reverse path). Timed per request walk, reply included.
"""

from __future__ import annotations

import statistics
import time

from k8slab.linux.packet import TCP, IPv4
from k8slab.linux.topologies import vxlan_hosts
from k8slab.linux.walk import send


def bench() -> list[dict]:
    net = vxlan_hosts(hosts=3, seed=1)
    net.pods[2].sockets.bind("tcp", "0.0.0.0", 8080, "web")
    pkt = IPv4(src="10.244.0.2", dst="10.244.2.2")
    send(net.pods[0], pkt / TCP(sport=30000, dport=8080))  # warm: ARP entries, FDB learning
    times, hops = [], 0
    for i in range(200):
        t0 = time.perf_counter()
        w = send(net.pods[0], pkt / TCP(sport=30001 + i, dport=8080))
        times.append(time.perf_counter() - t0)
        assert w.verdict == "delivered" and w.reply.verdict == "delivered"
        hops = len(w.hops) + len(w.reply.hops)
    return [{"name": "walk pod->pod over VXLAN, with reply", "size": f"3 hosts, {hops} hops",
             "seconds": times, "target": 0.002}]


if __name__ == "__main__":
    r = bench()[0]
    print(r["name"], r["size"], f"{statistics.median(r['seconds']) * 1000:.3f} ms")
