"""A sandbox's containers are a tuple behind a mapping view (Sandbox.containers): through random
puts, replacements, deletions and reads it answers as a plain dict by name would, in the same
order, and a running cluster files each pod's containers under their names."""

from __future__ import annotations

import random

import pytest

import k8slab
from k8slab.components.apps import App
from k8slab.components.kubelet import Container, Sandbox


def _ctr(name: str, n: int) -> Container:
    return Container(name, f"containerd://{n:064x}", App(name, "cmd"), "nginx")


def test_view_answers_as_a_dict():
    rng = random.Random(7)
    for _ in range(300):
        sb, plain = Sandbox("id", None, "10.0.0.1", ()), {}
        for n in range(rng.randint(0, 12)):
            name = rng.choice(["web", "side", "a", "b", ""])
            op = rng.random()
            if op < 0.6:
                ctr = _ctr(name, n)
                if rng.random() < 0.5:
                    sb.containers[name] = ctr
                else:
                    sb.put(ctr)
                plain[name] = ctr
            elif op < 0.8:
                if name in plain:
                    del sb.containers[name]
                    del plain[name]
                else:
                    with pytest.raises(KeyError):
                        del sb.containers[name]
            for probe in ("web", "side", "a", "b", "", "none"):
                assert sb.containers.get(probe) is plain.get(probe)
                assert sb.container(probe) is plain.get(probe)
                assert (probe in sb.containers) == (probe in plain)
                if probe not in plain:
                    with pytest.raises(KeyError):
                        sb.containers[probe]
            assert list(sb.containers) == list(plain)
            assert list(sb.containers.items()) == list(plain.items())
            assert list(sb.containers.values()) == list(plain.values())
            assert len(sb.containers) == len(plain) == len(sb._containers)
            assert dict(sb.containers) == plain and repr(sb.containers) == repr(plain)


def test_a_container_is_filed_under_its_own_name():
    sb = Sandbox("id", None, "10.0.0.1", ())
    with pytest.raises(ValueError):
        sb.containers["other"] = _ctr("web", 1)
    assert len(sb.containers) == 0


def test_cluster_files_containers_by_name():
    c = k8slab.kind(workers=1)
    c.store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "two", "namespace": "default"},
                    "spec": {"containers": [{"name": "web", "image": "nginx"},
                                            {"name": "sh", "image": "busybox", "command": ["sleep", "1d"]}]}})
    c.settle()
    sb = c.sandbox("two")
    assert list(sb.containers) == ["web", "sh"] and type(sb._containers) is tuple
    assert [ctr.name for ctr in sb.containers.values()] == ["web", "sh"]
    before = sb.containers["sh"]
    c.kubelets["kind-worker"].restart_container(c.store.get("pods", "two"), "sh")
    assert list(sb.containers) == ["web", "sh"] and sb.containers["sh"] is not before
    assert sb.containers["sh"].restarts == 1
