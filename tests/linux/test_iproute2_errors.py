"""`ip` argv front end: iproute2's own messages and exit codes for bad input (all observed
with iproute2 6.1.0), state unchanged, no Python exceptions."""

import pytest

from k8slab.linux.iproute2 import ip
from k8slab.linux.kernel import Kernel
from k8slab.linux.link import veth_pair


@pytest.fixture
def ns():
    k = Kernel()
    a, b = k.add_netns("a"), k.add_netns("b")
    ea, eb = veth_pair(a, "eth0", b, "eth0")
    b.set_link_up(eb)
    a.set_link_up(ea)
    a.add_address(ea, "172.18.0.2/16")
    return a


@pytest.mark.parametrize("cmd, err, rc", [
    ("route add 10.9.0.0/24 via 192.168.9.1", "Error: Nexthop has invalid gateway.", 2),
    ("route add 10.9.0.0/24 dev eth9", 'Cannot find device "eth9"', 1),
    ("route add 10.9.0.0/24 via 10.0.0.300", 'Error: inet address is expected rather than "10.0.0.300".', 1),
    ("route add 10.0.0.300/24 dev eth0",
     'Error: any valid prefix is expected rather than "10.0.0.300/24".', 1),
    ("route add 10.9.0.0/33 dev eth0", 'Error: any valid prefix is expected rather than "10.9.0.0/33".', 1),
    ("route add 10.9.0.0/24 foo bar", 'Error: either "to" is duplicate, or "foo" is a garbage.', 255),
    ("route add 10.9.0.1/24 dev eth0", "Error: Invalid prefix for given prefix length.", 2),
    ("route del 10.99.0.0/24", "RTNETLINK answers: No such process", 2),
    ("route add 10.9.0.0/24", "RTNETLINK answers: No such device", 2),
    ("route get 10.0.0.300", 'Error: any valid prefix is expected rather than "10.0.0.300".', 1),
    ("route get", "need at least a destination address", 1),
    ("route show table foo", 'Error: argument "foo" is wrong: table id value is invalid\n', 255),
    ("route add 10.9.0.0/24 via 172.18.0.1 metric abc",
     'Error: argument "abc" is wrong: "metric" value is invalid\n', 255),
    ("route frob", 'Command "frob" is unknown, try "ip route help".', 255),
    ("addr add 172.18.0.2/16 dev eth0", "Error: ipv4: Address already assigned.", 2),
    ("addr add 10.0.0.300/24 dev eth0",
     'Error: any valid prefix is expected rather than "10.0.0.300/24".', 1),
    ("addr add 10.0.0.1/24 dev eth9", 'Cannot find device "eth9"', 1),
    ("addr add 10.0.0.1/24", 'Not enough information: "dev" argument is required.', 1),
    ("addr del 10.0.0.1/24 dev eth0", "Error: ipv4: Address not found.", 2),
    ("addr frob", 'Command "frob" is unknown, try "ip address help".', 255),
    ("addr show dev eth9", 'Device "eth9" does not exist.', 1),
])
def test_error_messages(ns, cmd, err, rc):
    before = (ip(ns, "route show table all")[0], ip(ns, "addr")[0])
    assert ip(ns, cmd) == ("", err + "\n", rc)
    assert (ip(ns, "route show table all")[0], ip(ns, "addr")[0]) == before


def test_wildcard_address_delete_warns(ns):
    """`ip addr del 10.0.0.1 dev eth0` (no prefix length): iproute2's four-line warning."""
    out, err, rc = ip(ns, "addr del 10.0.0.1 dev eth0")
    assert rc == 2 and err == (
        "Warning: Executing wildcard deletion to stay compatible with old scripts.\n"
        "         Explicitly specify the prefix length (10.0.0.1/32) to avoid this warning.\n"
        "         This special behaviour is likely to disappear in further releases,\n"
        "         fix your scripts!\n"
        "Error: ipv4: Address not found.\n")
    assert ip(ns, "addr del 172.18.0.2 dev eth0")[2] == 0
    assert ns.link("eth0").addresses == []


def test_usage_and_abbreviations(ns):
    """`ip route add` alone prints the usage (exit 255); `ip a`, `ip r`, `ip l`, `ip n` work."""
    out, err, rc = ip(ns, "route add")
    assert rc == 255 and err.startswith("Usage: ip route { list | flush } SELECTOR\n")
    assert ip(ns, "r")[0] == ip(ns, "route show")[0] == (
        "172.18.0.0/16 dev eth0 proto kernel scope link src 172.18.0.2 \n")
    assert ip(ns, "a")[0] == ip(ns, "addr show")[0]
    assert ip(ns, "l")[0] == ip(ns, "link list")[0]
    assert ip(ns, "n") == ("", "", 0)
    assert ip(ns, "rule") == ("0:\tfrom all lookup local\n32766:\tfrom all lookup main\n"
                              "32767:\tfrom all lookup default\n", "", 0)
    assert ip(ns, "route get 10.11.3.3/24") == (
        "", "Warning: /24 as prefix is invalid, only /32 (or none) is supported.\n"
        "RTNETLINK answers: Network is unreachable\n", 2)


def test_cni_style_commands(ns):
    """What a CNI plugin / learner types: add, replace, del, link set."""
    assert ip(ns, "route add 10.244.2.0/24 via 172.18.0.4") == ("", "", 0)
    assert ip(ns, "route add 10.244.2.0/24 via 172.18.0.4") == ("", "RTNETLINK answers: File exists\n", 2)
    assert ip(ns, "route replace 10.244.2.0/24 via 172.18.0.5") == ("", "", 0)
    assert ip(ns, "route del 10.244.2.0/24") == ("", "", 0)
    assert ip(ns, "link set dev eth0 mtu 1400") == ("", "", 0)
    assert ns.link("eth0").mtu == 1400
    assert ip(ns, "link set eth0 down") == ("", "", 0)
    assert ip(ns, "route") == ("", "", 0)
