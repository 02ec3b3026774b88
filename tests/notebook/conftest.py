"""Clusters for the notebook tests: the kind and flannel presets with a client and a web pod."""

from __future__ import annotations

import pytest

PODS = """
apiVersion: v1
kind: Pod
metadata: {name: client}
spec: {nodeName: kind-worker, containers: [{name: shell, image: nicolaka/netshoot}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec: {nodeName: kind-worker2, containers: [{name: nginx, image: nginx, ports: [{containerPort: 80}]}]}
"""


def make(preset: str):
    import k8slab
    from k8slab.notebook.magics import run_kubectl

    c = getattr(k8slab, preset)(workers=2)
    out, err, _ = run_kubectl(c, "apply -f -", PODS)
    assert err == "", err
    return c


@pytest.fixture(scope="module")
def kind_cluster():
    return make("kind")


@pytest.fixture(scope="module")
def flannel_cluster():
    return make("flannel")
