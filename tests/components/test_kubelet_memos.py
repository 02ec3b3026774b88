"""What the kubelet keeps from one pod for the next: the qosClass of the last containers list
(the pods of a template share it) is the one _qos gives for every pod, whichever lists come
in whatever order; the image name app_for reads is the plain parse of every image."""

from __future__ import annotations

import random
from types import SimpleNamespace

from k8slab.components.apps import _image_name
from k8slab.components.kubelet import Kubelet, _qos
from tests.components.test_kubelet_status import Recorder


def _containers(rng: random.Random) -> list:
    out = []
    for name in rng.sample(["web", "side", "log"], rng.randint(0, 3)):
        c = {"name": name, "image": "nginx"}
        if rng.random() < 0.6:
            c["resources"] = rng.choice([{}, {"requests": {"cpu": "1"}}, {"limits": {"cpu": "1"}},
                                         {"limits": {"cpu": "1"}, "requests": {"cpu": "1"}},
                                         {"limits": {"cpu": "2"}, "requests": {"cpu": "1"}}])
        out.append(c)
    return out


def test_qos_class_of_shared_and_fresh_lists():
    rng = random.Random(11)
    clock = SimpleNamespace(now=1000.0)
    machine = SimpleNamespace(name="n", ip="172.18.0.2", fs=None, host=None, netns=SimpleNamespace(kernel=clock))
    kubelet = Kubelet(machine)
    kubelet.store = Recorder()
    pool = [_containers(rng) for _ in range(6)]
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
        assert got == _qos(pod)
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
