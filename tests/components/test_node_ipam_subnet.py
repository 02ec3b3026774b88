"""NodeIPAM.subnet prints aligned subnets without an IPv4Network: the same text as
str(IPv4Network(...)) for every cluster CIDR and mask size, and the same error where that fails."""

from ipaddress import IPv4Network

import pytest

from k8slab.components.node_ipam import NodeIPAM


def _general(n: NodeIPAM, i: int) -> str:
    return f"{IPv4Network((n.base + (i << (32 - n.mask_size)), n.mask_size))}"


@pytest.mark.parametrize("cidr,mask", [
    ("10.244.0.0/16", 24), ("10.128.0.0/11", 24), ("0.0.0.0/0", 8), ("255.255.255.0/24", 28),
    ("10.0.0.0/8", 32), ("192.168.1.0/24", 24), ("10.244.0.0/16", 16), ("172.16.0.0/12", 30),
])
def test_subnet_prints_as_ipv4network(cidr, mask):
    n = NodeIPAM(cidr, mask)
    picks = sorted(i for i in {0, 1, 2, 255, 256, 4095, n.count // 2, n.count - 2, n.count - 1} if 0 <= i < n.count)
    for i in picks:
        assert n.subnet(i) == _general(n, i)


@pytest.mark.parametrize("cidr,mask", [("10.244.1.0/25", 24), ("10.244.0.0/16", 33), ("10.244.0.0/16", 8)])
def test_odd_masks_fail_as_before(cidr, mask):
    n = NodeIPAM(cidr, mask)
    try:
        want = ("ok", _general(n, 0))
    except ValueError as e:
        want = ("err", type(e), str(e))
    try:
        got = ("ok", n.subnet(0))
    except ValueError as e:
        got = ("err", type(e), str(e))
    assert got == want
