"""What the kubelet answers from memos: the qosClass it writes (by the store's memo of a defaulted
containers list, which the pods of a template share) is the one qos_class gives for every pod,
whichever lists come in whatever order; the image name app_for reads is the plain parse of every image."""

from __future__ import annotations

import random
from types import SimpleNamespace

from k8slab.api.defaults import apply_defaults, qos_class
from k8slab.components.apps import _image_name
from k8slab.components.kubelet import Kubelet
from tests.components.test_kubelet_status import Recorder


def _containers(rng: random.Random) -> list:
    out = []
    for name in rng.sample(["web", "side", "log"], rng.randint(0, 3)):
        c = {"name": name, "image": "nginx"}
        if rng.random() < 0.6:
            c["resources"] = rng.choice([{}, {"requests": {"cpu": "1"}}, {"limits": {"cpu": "1"}},
                                         {"limits": {"cpu": "1"}, "requests": {"cpu": "1"}},
                                         {"limits": {"cpu": "2"}, "requests": {"cpu": "1"}},
                                         {"limits": {"cpu": "1", "memory": "1Gi"}},
                                         {"limits": {"cpu": "1", "memory": "1Gi"},
                                          "requests": {"cpu": "1", "memory": "1Gi"}}])
        out.append(c)
    return out


def test_qos_class_of_shared_and_fresh_lists():
    rng = random.Random(11)
    clock = SimpleNamespace(now=1000.0)
    machine = SimpleNamespace(name="n", ip="172.18.0.2", fs=None, host=None, netns=SimpleNamespace(kernel=clock))
    kubelet = Kubelet(machine)
    kubelet.store = Recorder()
    pool = [_containers(rng) for _ in range(6)]
    for containers in pool:   # defaulted by the store, as a template's pods' list is: its qosClass is known
        apply_defaults({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "t"}, "spec": {"containers": containers}})
    seen = set()
    for i in range(2000):
        if rng.random() < 0.8:
            containers = rng.choice(pool)   # a template's list, shared by its pods
        else:
            containers = _containers(rng)   # a pod of its own
        spec = {"containers": containers} if containers or rng.random() < 0.5 else {}
        pod = {"metadata": {"name": f"p{i}", "namespace": "default", "uid": f"u{i}"}, "spec": spec}
        kubelet.sync_status(pod)
        got = kubelet.store.written[-1]["qosClass"]
        assert got == qos_class(pod["spec"])
        seen.add(got)
    assert seen == {"BestEffort", "Burstable", "Guaranteed"}


def _plain_image_name(image: str) -> str:
    last = image.rsplit("/", 1)[-1]
    return last.split("@", 1)[0].split(":", 1)[0]


def test_image_name_is_the_plain_parse():
    rng = random.Random(3)
    parts = ["", "nginx", "agnhost", "registry.k8s.io", "e2e-test-images", "localhost:5000", ":1.27", "@sha256:ab",
             "/", ":", "@", "busybox:1.36@sha256:cd", "http-echo"]
    for _ in range(3000):
        image = "".join(rng.choice(parts) for _ in range(rng.randint(0, 5)))
        assert _image_name(image) == _plain_image_name(image)
        assert _image_name(image) == _plain_image_name(image)   # asked again: the kept answer
