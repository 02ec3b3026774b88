"""Building clusters (issue: kind(workers=2) with 30 pods under 0.3 s; 5,000 nodes and 150,000 pods
under 60 s within 4 GiB).

Each size is built in a fresh interpreter so one measurement's memory does not count in the next;
the scaling series (100 and 200 workers, 30 pods each) shows how far the large target is.
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
t1 = time.perf_counter()
c = k8slab.kind(workers=workers)
t2 = time.perf_counter()
if pods:
    out = c.kubectl(f"create deployment web --image=nginx --replicas={pods}")
    assert out == "deployment.apps/web created\\n", out
t3 = time.perf_counter()
running = sum(1 for p in c.store.list("pods", "default") if p.get("status", {}).get("phase") == "Running")
print(json.dumps({"import": t1 - t0, "build": t2 - t1, "pods": t3 - t2, "running": running,
                  "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(workers: int, pods: int) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(workers), str(pods)], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench() -> list[dict]:
    small = [run(2, 30) for _ in range(5)]
    results = [
        {"name": "kind(workers=2) + 30 pods (Deployment)", "size": "3 nodes, 30 pods",
         "seconds": [r["build"] + r["pods"] for r in small], "target": 0.3},
        {"name": "  of which kind(workers=2)", "size": "3 nodes", "seconds": [r["build"] for r in small]},
        {"name": "  import k8slab (first use)", "size": "", "seconds": [r["import"] for r in small]},
    ]
    for workers in (100, 200):
        r = run(workers, workers * 30)
        assert r["running"] == workers * 30
        results.append({"name": f"kind(workers={workers}) + {workers * 30} pods", "size":
                        f"{workers + 1} nodes, {workers * 30} pods, {r['maxrss_mib']:.0f} MiB",
                        "seconds": r["build"] + r["pods"]})
    return results


if __name__ == "__main__":
    t = time.perf_counter()
    for r in bench():
        print(r)
    print("total", time.perf_counter() - t)
