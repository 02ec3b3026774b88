"""The data plane's number fast paths give what the general (text, ipaddress) paths give.

Callers that hold addresses as ints (the CNI plugins) pass them to ``add_route``/``del_route``
and ``add_address`` directly; MACs and device names are checked and made without per-character
Python loops. Each is compared here with the general path on ordinary and odd inputs.
"""

from __future__ import annotations

import random
from ipaddress import AddressValueError, IPv4Address

import pytest

from k8slab.linux.errors import NetlinkError
from k8slab.linux.ipv4 import parse_ip, parse_prefix
from k8slab.linux.kernel import Kernel
from k8slab.linux.link import valid_ifname, veth_pair
from k8slab.linux.netns import _parse_dst


@pytest.mark.parametrize("n", [0, 1, 0x0A000001, 0xFFFFFFFF, 2**32, -1, 2**40])
def test_parse_ip_int_is_ipaddress(n):
    try:
        want = int(IPv4Address(n))
    except AddressValueError as e:
        with pytest.raises(AddressValueError, match=str(e).split(" ")[0]):
            parse_ip(n)
    else:
        assert parse_ip(n) == want


@pytest.mark.parametrize("text", ["10.244.1.0/24", "0.0.0.0/0", "10.244.1.7/32", "10.0.0.0/8", "255.255.255.255/32",
                                  "10.244.1.1/24", "192.168.0.0/16", "10.128.0.0/11", "10.130.0.0/11"])
def test_parse_dst_tuple_is_text(text):
    try:
        want = _parse_dst(text)
    except NetlinkError as e:   # host bits set: the same error for the numbers
        ip, plen = text.split("/")
        with pytest.raises(NetlinkError) as got:
            _parse_dst((int(IPv4Address(ip)), int(plen)))
        assert str(got.value) == str(e)
    else:
        assert _parse_dst(want) == want == parse_prefix(text)


@pytest.mark.parametrize("bad", [(2**32, 0), (-1, 8), (0, 33), (0, -1), ("10.0.0.0", 8), (0.0, 0)])
def test_parse_dst_bad_tuple(bad):
    with pytest.raises(ValueError):
        _parse_dst(bad)


def _pod(seed=3):
    k = Kernel(seed=seed)
    node, pod = k.add_netns("node"), k.add_netns("pod")
    host, eth0 = veth_pair(node, "veth0", pod, "eth0")
    for ns, dev in ((node, host), (pod, eth0)):
        ns.set_link_up(dev)
    pod.add_address(eth0, "10.244.1.5/24")
    return node, pod, host, eth0


def _ptp_routes(as_numbers: bool):
    """ptp's route edits, given as text or as numbers: the same table must result."""
    node, pod, host, eth0 = _pod()
    n = (lambda s: parse_ip(s)) if as_numbers else (lambda s: s)
    d = (lambda s: parse_prefix(s)) if as_numbers else (lambda s: s)
    pod.del_route(d("10.244.1.0/24"), dev=eth0)
    pod.add_route(d("10.244.1.1/32"), dev=eth0, scope="link", src=n("10.244.1.5"))
    pod.add_route(d("10.244.1.0/24"), via=n("10.244.1.1"), dev=eth0, src=n("10.244.1.5"))
    pod.add_route(d("0.0.0.0/0"), via=n("10.244.1.1"), dev=eth0)
    node.add_address(host, parse_prefix("10.244.1.1/32") if as_numbers else "10.244.1.1/32")
    node.add_route(d("10.244.1.5/32"), dev=host, scope="host")
    errors = []
    for kw in ({"via": n("10.9.9.9")}, {"src": n("10.244.1.77")}, {"via": n("10.244.1.5"), "onlink": True},
               {"dev": eth0}):
        try:
            pod.add_route(d("10.1.0.0/16") if "dev" not in kw else d("10.244.1.0/24"), **({"dev": eth0} | kw))
        except NetlinkError as e:
            errors.append(str(e))
    try:
        pod.del_route(d("10.7.0.0/16"), dev=eth0)
    except NetlinkError as e:
        errors.append(str(e))
    return ([r.line(show_table=True) for t in (pod, node) for tid in ("main", "local") for r in t.routes(tid)],
            errors)


def test_route_edits_by_number_are_route_edits_by_text():
    by_text, by_number = _ptp_routes(False), _ptp_routes(True)
    assert by_number == by_text
    assert len(by_text[1]) == 5   # every odd case failed, the same way


def _old_random_mac(rng: random.Random) -> str:
    b = rng.getrandbits(48).to_bytes(6, "big")
    first = (b[0] & 0xFE) | 0x02
    return ":".join(f"{x:02x}" for x in (first,) + tuple(b[1:]))


def test_random_mac_same_draws_same_text():
    k, rng = Kernel(seed=11), random.Random(11)
    for _ in range(2000):
        assert k.random_mac() == _old_random_mac(rng)
    assert k.random.random() == rng.random()   # the same number of draws


@pytest.mark.parametrize("name", ["eth0", "veth1a2b3c4d", "", ".", "..", "a/b", "a:b", "a b", "a\tb", "a\nb",
                                  "x" * 15, "x" * 16, "...", "é", "-"])
def test_valid_ifname_is_dev_valid_name(name):
    want = 0 < len(name) < 16 and name not in (".", "..") and not any(c in name for c in "/: \t\n")
    assert valid_ifname(name) is want
