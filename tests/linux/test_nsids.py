"""A namespace's netnsids (kept in a tuple while few, a dict past that) are what a plain dict
allocating the lowest free id on first use gives, through random asks across namespaces, and
``nsid`` looks one up without allocating it."""

import random

from k8slab.linux import netns as netns_module
from k8slab.linux.kernel import Kernel
from k8slab.linux.link import veth_pair


def test_nsids_equal_a_plain_dict_through_random_asks():
    rnd = random.Random(4)
    k = Kernel(seed=1)
    spaces = [k.add_netns(f"n{i}") for i in range(3 * netns_module._FEW_NSIDS)]
    plain: dict = {ns: {} for ns in spaces}
    for _ in range(3000):
        a, b = rnd.choice(spaces), rnd.choice(spaces)
        if rnd.random() < 0.3:
            assert a.nsid(b) == plain[a].get(b)     # looking does not allocate
            continue
        want = plain[a].setdefault(b, len(plain[a]))
        assert a.nsid_of(b) == want
        assert a.nsids == plain[a]
    assert all(type(ns._nsids) is dict for ns in spaces)   # each went past the tuple


def test_a_pod_namespace_keeps_its_one_nsid_in_a_tuple():
    k = Kernel(seed=2)
    node = k.add_netns("node")
    pods = [k.add_netns(f"p{i}") for i in range(20)]
    for i, p in enumerate(pods):
        veth_pair(node, f"veth{i}", p, "eth0")
        assert p._nsids == (node,) and p.nsid(node) == 0 and node.nsid(p) == i
    assert type(node._nsids) is dict and node.nsids == {p: i for i, p in enumerate(pods)}
