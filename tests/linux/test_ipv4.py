"""The int fast path for addresses agrees with ipaddress on what it accepts and means."""

import random
from ipaddress import IPv4Address, IPv4Interface, IPv4Network

import pytest

from k8slab.linux.ipv4 import canonical_ip, format_ip, format_prefix, parse_interface, parse_ip, parse_prefix


def _same(fast, slow, text):
    """Both accept ``text`` and agree, or both raise ValueError with the same message."""
    try:
        want = slow(text)
    except ValueError as e:
        with pytest.raises(ValueError) as got:
            fast(text)
        assert str(got.value) == str(e)
        return
    assert fast(text) == want


SPELLINGS = ["10.244.1.2", "0.0.0.0", "255.255.255.255", "256.1.1.1", "010.0.0.1", "1.2.3", "1.2.3.4.5",
             "1.2.3.04", " 1.2.3.4", "1.2.3.4 ", "1.2.3.٤", "0x1.2.3.4", "1..2.3", "", "1.2.3.4/24",
             "10.0.0.0/8", "10.0.0.0/08", "10.0.0.1/24", "10.0.0.0/33", "10.0.0.0/255.0.0.0", "10.0.0.0/",
             "0.0.0.0/0", "1.2.3.4/32", "1.2.3.4/-1"]


@pytest.mark.parametrize("text", SPELLINGS)
def test_parsers_agree_with_ipaddress(text):
    _same(parse_ip, lambda t: int(IPv4Address(t)), text)
    _same(canonical_ip, lambda t: str(IPv4Address(t)), text)
    _same(parse_prefix, lambda t: (int(IPv4Network(t).network_address), IPv4Network(t).prefixlen), text)
    _same(lambda t: parse_prefix(t, strict=False),
          lambda t: (int(IPv4Network(t, strict=False).network_address), IPv4Network(t, strict=False).prefixlen), text)
    _same(parse_interface, lambda t: (int(IPv4Interface(t).ip), IPv4Interface(t).network.prefixlen), text)


def test_formatting_round_trips():
    rng = random.Random(1)
    for _ in range(500):
        n, plen = rng.getrandbits(32), rng.randint(0, 32)
        assert format_ip(n) == str(IPv4Address(n))
        assert parse_ip(format_ip(n)) == n
        net = IPv4Network((n, plen), strict=False)
        assert format_prefix(int(net.network_address), plen) == str(net)
        assert parse_prefix(str(net)) == (int(net.network_address), plen)
