"""Building clusters (issue: kind(workers=2) with 30 pods under 0.3 s; 5,000 nodes and 150,000 pods
under 60 s within 4 GiB).

Each size is built in a fresh interpreter so one measurement's memory does not count in the next.
The large sizes use ``pod_routes="gateway"``: one route per node on the network's router, as clusters
of that size route pods (kindnet's own way, a route to every other node on every node, is N²: 25
million routes at 5,000 nodes), and a /11 cluster CIDR (kind's /16 holds only 256 nodes' /24s).
``python benchmarks/bench_cluster.py WORKERS PODS [option=value ...]`` measures one size.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

CHILD = """
import json, resource, sys, time
t0 = time.perf_counter()
import k8slab
workers, pods = int(sys.argv[1]), int(sys.argv[2])
options = dict(a.split("=", 1) for a in sys.argv[3:])
t1 = time.perf_counter()
c = k8slab.kind(workers=workers, **options)
t2 = time.perf_counter()
if pods:
    out = c.kubectl(f"create deployment web --image=nginx --replicas={pods}")
    assert out == "deployment.apps/web created\\n", out
t3 = time.perf_counter()
running = sum(1 for p in c.store.list("pods", "default") if p.get("status", {}).get("phase") == "Running")
print(json.dumps({"import": t1 - t0, "build": t2 - t1, "pods": t3 - t2, "running": running,
                  "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(workers: int, pods: int, *options: str) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(workers), str(pods), *options], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench() -> list[dict]:
    small = [run(2, 30) for _ in range(5)]
    results = [
        {"name": "kind(workers=2) + 30 pods (Deployment)", "size": "3 nodes, 30 pods",
         "seconds": [r["build"] + r["pods"] for r in small], "target": 0.3},
        {"name": "  of which kind(workers=2)", "size": "3 nodes", "seconds": [r["build"] for r in small]},
        {"name": "  import k8slab (first use)", "size": "", "seconds": [r["import"] for r in small]},
    ]
    for workers, pods in ((200, 6000), (1000, 30_000), (4999, 150_000)):
        r = run(workers, pods, "pod_routes=gateway", "pod_subnet=10.128.0.0/11")
        assert r["running"] == pods
        big = workers == 4999
        results.append({"name": f"kind(workers={workers}, pod_routes='gateway', /11) + {pods} pods",
                        "size": f"{workers + 1} nodes, {pods} pods, {r['maxrss_mib']:.0f} MiB"
                        + (" (target 4096 MiB)" if big else ""),
                        "seconds": r["build"] + r["pods"], **({"target": 60.0} if big else {})})
    return results


if __name__ == "__main__":
    if len(sys.argv) > 2:
        print(run(int(sys.argv[1]), int(sys.argv[2]), *sys.argv[3:]))
        sys.exit()
    t = time.perf_counter()
    for r in bench():
        print(r)
    print("total", time.perf_counter() - t)
