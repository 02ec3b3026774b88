import pytest

from k8slab.api import Store, VirtualClock


@pytest.fixture
def clock():
    return VirtualClock()


@pytest.fixture
def store(clock):
    return Store(clock=clock, seed=42)


def pod(name="x", labels=None, namespace=None, image="nginx", **spec):
    meta = {"name": name}
    if labels is not None:
        meta["labels"] = labels
    if namespace:
        meta["namespace"] = namespace
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": {"containers": [{"name": "c", "image": image}], **spec}}


def deployment(name="web", labels=None, selector=None, replicas=None):
    labels = labels if labels is not None else {"app": name}
    spec = {"selector": {"matchLabels": selector if selector is not None else labels},
            "template": {"metadata": {"labels": labels},
                         "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}}}
    if replicas is not None:
        spec["replicas"] = replicas
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name}, "spec": spec}


def service(name="web", ports=None, **spec):
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
            "spec": {"selector": {"app": name}, "ports": ports if ports is not None else [{"port": 80}], **spec}}
