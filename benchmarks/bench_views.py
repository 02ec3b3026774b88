"""The notebook views (issue 6): building the topology view of the kind preset under 300 ms.

Timed from the cluster to the finished static picture: the view model (boxes, edges, the
``ip addr``/``ip route`` texts a click shows) and its SVG. Also timed, for reference: the
packet player's model for a pod-to-pod trace on the flannel preset (every step's panel is
built up front, so a step in the browser is a class change; the browser test measures that).
"""

from __future__ import annotations

import statistics
import time

import k8slab

PODS = [("client", "kind-worker"), ("web", "kind-worker2"), ("web2", "kind-worker")]


def _cluster(preset: str):
    c = getattr(k8slab, preset)(workers=2)
    for name, node in PODS:
        c.store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"app": name}},
                        "spec": {"nodeName": node, "containers": [{"name": "c", "image": "nginx"}]}})
    c.settle()
    return c


def bench() -> list[dict]:
    from k8slab.notebook.player import PacketPlayer
    from k8slab.notebook.views import TopologyView

    c = _cluster("kind")
    TopologyView(c).svg()  # warm imports
    topo = []
    for _ in range(30):
        t0 = time.perf_counter()
        v = TopologyView(c)
        v.svg()
        v.text()
        topo.append(time.perf_counter() - t0)
    f = _cluster("flannel")
    tr = f.trace("pod/client", "pod/web", 80)
    player = []
    for _ in range(20):
        t0 = time.perf_counter()
        p = PacketPlayer(tr, f)
        p.svg()
        player.append(time.perf_counter() - t0)
    hops = len(tr.hops) + len(tr.reply.hops)
    return [
        {"name": "topology view (model + SVG + text)", "size": "kind preset, 3 nodes, 3 pods", "seconds": topo,
         "target": 0.3},
        {"name": "packet player (all steps + SVG)", "size": f"flannel pod->pod, {hops} hops", "seconds": player},
    ]


if __name__ == "__main__":
    for r in bench():
        print(r["name"], r["size"], f"{statistics.median(r['seconds']) * 1000:.2f} ms")
