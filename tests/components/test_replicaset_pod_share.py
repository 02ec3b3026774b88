"""pod_share (a matching pod's share of its ReplicaSet's tally, in one look at its status) equals
is_active and is_ready asked apart, on pods with every phase, no status, conditions missing, None,
empty, other types before Ready, two Ready conditions, odd statuses and deletion timestamps."""

from __future__ import annotations

import itertools

from k8slab.components.replicaset import COUNTED, FULL, READY, is_active, is_ready, pod_share

PHASES = [None, "Pending", "Running", "Unknown", "Succeeded", "Failed", ""]
CONDITIONS = [None, [], [{"type": "PodScheduled", "status": "True"}],
              [{"type": "Ready", "status": "True"}], [{"type": "Ready", "status": "False"}],
              [{"type": "Ready", "status": "Unknown"}], [{"type": "Ready"}],
              [{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "True"}],
              [{"type": "Ready", "status": "False"}, {"type": "Ready", "status": "True"}],
              [{"type": "ContainersReady", "status": "True"}, {"type": "Ready", "status": "true"}]]


def _pods():
    for phase, conditions, deleting, bare in itertools.product(PHASES, CONDITIONS, (None, "", "2024-01-01T00:00:00Z"),
                                                               (False, True)):
        status: dict = {}
        if phase is not None:
            status["phase"] = phase
        if conditions is not None:
            status["conditions"] = conditions
        meta: dict = {"name": "p"}
        if deleting is not None:
            meta["deletionTimestamp"] = deleting
        pod: dict = {"metadata": meta}
        if not bare:
            pod["status"] = status
        elif status:
            pod["status"] = None
        yield pod


def test_pod_share_is_is_active_and_is_ready():
    seen = set()
    for pod in _pods():
        for full in (0, FULL):
            want = COUNTED | full | (READY if is_ready(pod) else 0) if is_active(pod) else 0
            assert pod_share(pod, full) == want, (pod, full)
            seen.add(want)
    assert seen == {0, COUNTED, COUNTED | FULL, COUNTED | READY, COUNTED | FULL | READY}
