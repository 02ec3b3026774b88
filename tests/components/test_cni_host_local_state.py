"""host-local keeps its record of the state directory between calls, listing the directory
only when its version moved: files a learner adds or removes between ADDs are still seen."""

import json
import re

import pytest

from k8slab.components.cni import CNIError, add_network_list, del_network_list
from k8slab.components.cni.runtime import Host
from k8slab.linux.fs import FileSystem
from k8slab.linux.kernel import Kernel

STATE = "/run/cni-ipam-state/kindnet"
CONFLIST = json.dumps({
    "cniVersion": "0.3.1", "name": "kindnet",
    "plugins": [{"type": "ptp", "ipam": {"type": "host-local", "dataDir": "/run/cni-ipam-state",
                                          "ranges": [[{"subnet": "10.244.1.0/29"}]]}}],
})


@pytest.fixture
def host():
    k = Kernel(seed=3)
    return Host(k.add_netns("node"), FileSystem())


def add(host, n):
    host.netns.kernel.add_netns(f"p{n}")
    return add_network_list(host, CONFLIST, f"id{n}", f"/var/run/netns/p{n}")["ips"][0]["address"]


def test_files_changed_by_hand_between_adds_are_seen(host):
    assert add(host, 1) == "10.244.1.2/29"                        # .1 is the gateway, .7 broadcast
    host.fs.write(f"{STATE}/10.244.1.3", "someone\r\neth0")       # reserved by hand
    assert add(host, 2) == "10.244.1.4/29"
    host.fs.write(f"{STATE}/10.244.1.5", "other\r\neth0")
    assert add(host, 3) == "10.244.1.6/29"
    with pytest.raises(CNIError, match="no IP addresses available"):
        add(host, 4)                                              # wrapped: all taken
    host.fs.remove(f"{STATE}/10.244.1.3")                         # freed by hand
    assert add(host, 5) == "10.244.1.3/29"


def test_duplicate_and_delete_after_changes_by_hand(host):
    add(host, 1)
    host.fs.write(f"{STATE}/10.244.1.6", "id7\r\neth0")           # id7 holds an address written by hand
    host.netns.kernel.add_netns("p7")
    with pytest.raises(CNIError, match="10.244.1.6 has been allocated to id7"):
        add_network_list(host, CONFLIST, "id7", "/var/run/netns/p7")
    del_network_list(host, CONFLIST, "id7", "/var/run/netns/p7")
    assert not host.fs.exists(f"{STATE}/10.244.1.6")
    del_network_list(host, CONFLIST, "id1", "/var/run/netns/p1")
    assert sorted(host.fs.listdir(STATE)) == ["last_reserved_ip.0"]
    assert host.ipam_files[STATE] == {}


RANGES = [{"subnet": "10.244.1.0/24"}, {"subnet": "10.244.1.77/24"}, {"subnet": "10.1.0.0/16", "gateway": "10.1.0.254"},
          {"subnet": "10.0.0.0/24", "rangeStart": "10.0.0.5", "rangeEnd": "10.0.0.9"}, {"subnet": "10.0.0.0/31"},
          {"subnet": "10.0.0.0/33"}, {"subnet": None}, {"subnet": ["10.0.0.0/24"]}, {"subnet": {"a": 1}}, {},
          {"subnet": "010.0.0.0/24"}]


@pytest.mark.parametrize("r", RANGES)
def test_range_numbers_are_the_fields_read_each_time(r):
    """host-local's range, worked out once per distinct fields, is what reading them gives
    (errors included), on every call."""
    import ipaddress

    from k8slab.components.cni.host_local import _range

    def plain():
        if "subnet" not in r:
            return "invalid CIDR None: 'subnet'"
        try:
            iface = ipaddress.IPv4Interface(r["subnet"])
        except ValueError as e:
            return f"invalid CIDR {r['subnet']}: {e}"
        net = iface.network
        first, last = int(net.network_address) + 1, int(net.broadcast_address) - 1
        start = int(ipaddress.IPv4Address(r["rangeStart"])) if "rangeStart" in r else first
        end = int(ipaddress.IPv4Address(r["rangeEnd"])) if "rangeEnd" in r else last
        gw = int(ipaddress.IPv4Address(r["gateway"])) if "gateway" in r else first
        return net.prefixlen, start, end, gw

    for _ in range(3):
        try:
            got = _range({"ipam": {"ranges": [[r]]}})
        except CNIError as e:
            got = e.msg
        assert got == plain()


@pytest.mark.parametrize("field", ["rangeStart", "rangeEnd", "gateway"])
@pytest.mark.parametrize("bad", ["10.244.1", "nope", "10.244.1.300", "::1x"])
def test_a_range_ip_that_is_not_an_ip_fails_as_the_plugin_does_and_reserves_nothing(host, field, bad):
    conf = json.loads(CONFLIST)
    conf["plugins"][0]["ipam"]["ranges"][0][0][field] = bad
    host.netns.kernel.add_netns("p1")
    with pytest.raises(CNIError, match=f"failed \\(add\\): invalid IP address: {re.escape(bad)}$"):
        add_network_list(host, json.dumps(conf), "id1", "/var/run/netns/p1")
    assert not host.fs.exists(f"{STATE}/10.244.1.2")


@pytest.mark.parametrize("empty", ["", None])
def test_an_empty_or_null_range_ip_is_as_if_not_given(host, empty):
    conf = json.loads(CONFLIST)
    conf["plugins"][0]["ipam"]["ranges"][0][0].update(rangeStart=empty, gateway=empty)
    host.netns.kernel.add_netns("p1")
    assert add_network_list(host, json.dumps(conf), "id1", "/var/run/netns/p1")["ips"][0]["address"] == "10.244.1.2/29"


def test_range_fields_that_compare_equal_but_differ_in_type_are_read_apart():
    """1 and 1.0 are equal keys to an untyped cache, but 1 reads as an address and 1.0 as no
    CIDR: each, in either order, answers as reading it afresh does."""
    from k8slab.components.cni import host_local

    def answer(fn, fields):
        try:
            return fn(*fields)
        except CNIError as e:
            return e.msg

    for order in ([1, 1.0], [1.0, 1]):
        host_local._range_numbers.cache_clear()
        for subnet in order:
            for fields in [(subnet, None, None, None), ("10.0.0.0/24", subnet, None, None),
                           ("10.0.0.0/24", None, None, subnet)]:
                assert answer(host_local._range_numbers, fields) == \
                    answer(host_local._range_numbers.__wrapped__, fields)
