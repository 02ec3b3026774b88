"""ip_numbers reads a gateway's text through a cache shared by a node's pods: every answer,
error included (raised again each time), is parse_ip's."""

import pytest

from k8slab.components.cni.common import ip_numbers
from k8slab.linux.ipv4 import parse_interface, parse_ip


def _plain(ip: dict):
    value, plen = parse_interface(ip["address"])
    return value, value & (0xFFFFFFFF << (32 - plen)) & 0xFFFFFFFF, plen, parse_ip(ip["gateway"])


@pytest.mark.parametrize("gateway", ["10.244.1.1", "10.244.2.1", "0.0.0.0", "255.255.255.255", "10.244.1.1",
                                     176161025, "010.244.1.1", "10.244.1", "nonsense", "", " 10.244.1.1"])
def test_gateway_numbers_and_errors_are_parse_ips(gateway):
    ip = {"address": "10.244.1.7/24", "gateway": gateway}
    for _ in range(2):   # the second answer comes from the cache (or fails again)
        try:
            want = ("ok", _plain(ip))
        except ValueError as e:
            want = ("error", type(e), str(e))
        try:
            got = ("ok", ip_numbers(ip))
        except ValueError as e:
            got = ("error", type(e), str(e))
        assert got == want
