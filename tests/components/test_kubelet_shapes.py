"""The kubelet's per-pod shortcuts give what the general computation gives.

A pod without ``dnsConfig`` gets the /etc/resolv.conf of its shape (namespace, dnsPolicy,
hostNetwork, the kubelet's settings and the node's file), made once; sandbox namespaces are
named from a random 128-bit number without building a UUID object.
"""

from __future__ import annotations

import itertools
import random
import uuid

import pytest

from k8slab.api.meta import uuid_text
from k8slab.components.kubelet_dns import pod_dns_config, pod_resolv_conf

NODE_FILES = [None, "", "nameserver 172.18.0.1\noptions ndots:0\n",
              "# c\nsearch example.com. corp.local\nnameserver 1.1.1.1\nnameserver 8.8.8.8\noptions edns0 ndots:2\n"]
POLICIES = [None, "", "ClusterFirst", "ClusterFirstWithHostNet", "Default", "None", "Bogus"]
SETTINGS = [("cluster.local", ("10.96.0.10",)), ("", ("10.96.0.10",)), ("cluster.local", ()),
            ("k8s.example", ["10.0.0.10", "10.0.0.11", "10.0.0.12", "10.0.0.13"])]


def _general(pod, domain, dns, node, expanded):
    return pod_dns_config(pod, domain, dns, node, expanded).render(node or "")


@pytest.mark.parametrize("node", NODE_FILES)
def test_resolv_conf_by_shape_is_the_general_one(node):
    for policy, host_net, ns, (domain, dns), expanded in itertools.product(
            POLICIES, (None, False, True), ("default", "kube-system", "x" * 60), SETTINGS, (True, False)):
        spec = {"hostNetwork": host_net} if host_net is not None else {}
        if policy is not None:
            spec["dnsPolicy"] = policy
        pod = {"metadata": {"name": "p", "namespace": ns}, "spec": spec}
        want = _general(pod, domain, dns, node, expanded)
        assert pod_resolv_conf(pod, domain, dns, node, expanded) == want
        assert pod_resolv_conf(pod, domain, dns, node, expanded) == want   # the remembered answer too


@pytest.mark.parametrize("pod", [
    {"metadata": {"name": "p"}, "spec": {}},                                        # no namespace
    {"metadata": {"name": "p", "namespace": "a"}},                                  # no spec
    {"metadata": {"name": "p", "namespace": "a"}, "spec": {"dnsConfig": {
        "nameservers": ["1.2.3.4"], "searches": ["a.b"], "options": [{"name": "ndots", "value": "1"}]}}},
    {"metadata": {"name": "p", "namespace": "a"}, "spec": {"dnsPolicy": "None", "dnsConfig": {
        "nameservers": ["1.2.3.4", "1.2.3.5", "1.2.3.6", "1.2.3.7"], "searches": [f"s{i}.example" for i in range(40)]}}},
    {"metadata": {"name": "p", "namespace": "a"}, "spec": {"dnsPolicy": {"not": "a string"}}},   # odd input
    {"metadata": {"name": "p", "namespace": ["odd"]}, "spec": {}},
])
def test_odd_pods_take_the_general_path_or_agree_with_it(pod):
    for node in NODE_FILES:
        assert pod_resolv_conf(pod, node_resolv_conf=node) == _general(pod, "cluster.local", ("10.96.0.10",),
                                                                          node, True)


def test_uuid_text_is_str_of_uuid():
    rng = random.Random(4)
    for n in [0, 1, 2**128 - 1, 2**64, *(rng.getrandbits(128) for _ in range(500))]:
        assert uuid_text(n) == str(uuid.UUID(int=n))
