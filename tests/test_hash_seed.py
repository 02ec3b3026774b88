"""The same scenario gives the same cluster in every process, whatever Python's string hash seed.

Sets of names iterate in an order that depends on PYTHONHASHSEED (random per process unless set): a
controller that walks one to decide what to do first would draw generated names, or pick nodes, in
another order in another process. Several Services over one Deployment that scales past an
EndpointSlice's 100 endpoints exercise the EndpointSlice controller's requeues, the scheduler's
spreading and kube-proxy's rules.
"""

from __future__ import annotations

import os
import subprocess
import sys

SCENARIO = """
import hashlib, k8slab
c = k8slab.kind(workers=3)
c.kubectl("create deployment web --image=nginx --replicas=3")
c.kubectl("create deployment api --image=nginx --replicas=2")
for n in ("a", "b", "c", "d"):
    c.kubectl(f"expose deployment web --name={n} --port=80")
c.kubectl("expose deployment api --port=8080 --target-port=80")
c.kubectl("scale deployment web --replicas=250")
c.kubectl("scale deployment api --replicas=7")
out = [c.kubectl("get endpointslices"), c.kubectl("get pods -o wide"), c.exec("kind-worker", "iptables-save")]
print(hashlib.sha256("".join(out).encode()).hexdigest())
"""


def _digest(hash_seed: int) -> str:
    env = dict(os.environ, PYTHONHASHSEED=str(hash_seed))
    done = subprocess.run([sys.executable, "-c", SCENARIO], env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_same_cluster_whatever_the_hash_seed():
    digests = {_digest(seed) for seed in (0, 1, 2, 3)}
    assert len(digests) == 1, digests
