"""Route tables and the lookup the packet walk uses: longest prefix, metric, onlink,
route types, rules order (local before main), source selection, and the kernel's checks."""

import pytest

from k8slab.linux.errors import NetlinkError
from k8slab.linux.iproute2 import ip
from k8slab.linux.kernel import Kernel
from k8slab.linux.link import veth_pair


@pytest.fixture
def ns():
    """A namespace with eth0 172.18.0.2/16 up (its peer up too) and lo up."""
    k = Kernel(seed=5)
    a, b = k.add_netns("a"), k.add_netns("b")
    ea, eb = veth_pair(a, "eth0", b, "eth0")
    b.set_link_up(eb)
    a.set_link_up("lo")
    a.add_address(ea, "172.18.0.2/16")
    a.set_link_up(ea)
    return a


def test_more_specific_prefix_wins(ns):
    """/24 beats /16 beats default, whatever the insertion order."""
    ns.add_route("default", via="172.18.0.1")
    ns.add_route("10.244.0.0/16", via="172.18.0.5")
    ns.add_route("10.244.2.0/24", via="172.18.0.4")
    assert str(ns.route_lookup("10.244.2.9").gateway) == "172.18.0.4"
    assert str(ns.route_lookup("10.244.3.9").gateway) == "172.18.0.5"
    assert str(ns.route_lookup("8.8.8.8").gateway) == "172.18.0.1"
    assert ns.route_lookup("10.244.2.9").line == "10.244.2.0/24 via 172.18.0.4 dev eth0 "


def test_metric_breaks_ties_and_dump_order(ns):
    """Same prefix: the lower metric is used and listed first (observed order)."""
    ns.add_route("10.53.0.0/16", via="172.18.0.5", metric=100)
    ns.add_route("10.53.0.0/16", via="172.18.0.6", metric=50)
    assert str(ns.route_lookup("10.53.1.1").gateway) == "172.18.0.6"
    assert ip(ns, "route show 10.53.0.0/16")[0] == (
        "10.53.0.0/16 via 172.18.0.6 dev eth0 metric 50 \n"
        "10.53.0.0/16 via 172.18.0.5 dev eth0 metric 100 \n")


def test_dump_order_same_address_longer_prefix_first(ns):
    """Observed: routes sort by address, then the longer prefix first, then metric."""
    for r in ("10.0.0.0/16", "10.0.0.0/8", "10.0.0.0/24"):
        ns.add_route(r, dev="eth0")
    ns.add_route("10.0.0.0/24", dev="eth0", metric=5)
    assert ip(ns, "route")[0] == (
        "10.0.0.0/24 dev eth0 scope link \n"
        "10.0.0.0/24 dev eth0 scope link metric 5 \n"
        "10.0.0.0/16 dev eth0 scope link \n"
        "10.0.0.0/8 dev eth0 scope link \n"
        "172.18.0.0/16 dev eth0 proto kernel scope link src 172.18.0.2 \n")


def test_route_types_and_their_errors(ns):
    """unreachable/blackhole/prohibit match like routes and fail with their errno (observed)."""
    ns.add_route("default", via="172.18.0.1")
    ip(ns, "route add unreachable 10.50.0.0/16")
    ip(ns, "route add blackhole 10.51.0.0/16")
    ip(ns, "route add prohibit 10.52.0.0/16")
    assert ip(ns, "route")[0].startswith(
        "default via 172.18.0.1 dev eth0 \nunreachable 10.50.0.0/16 \nblackhole 10.51.0.0/16 \n"
        "prohibit 10.52.0.0/16 \n")
    r = ns.route_lookup("10.50.1.1")
    assert (r.ok, r.type, r.errno) == (False, "unreachable", "EHOSTUNREACH")
    assert ip(ns, "route get 10.50.1.1") == ("", "RTNETLINK answers: No route to host\n", 2)
    assert ip(ns, "route get 10.51.1.1") == ("", "RTNETLINK answers: Invalid argument\n", 2)
    assert ip(ns, "route get 10.52.1.1") == ("", "RTNETLINK answers: Permission denied\n", 2)


def test_no_route_is_network_unreachable(ns):
    r = ns.route_lookup("8.8.8.8")
    assert (r.ok, r.type, r.errno) == (False, "none", "ENETUNREACH")
    assert ip(ns, "route get 8.8.8.8") == ("", "RTNETLINK answers: Network is unreachable\n", 2)


def test_onlink_gateway_need_not_be_connected(ns):
    """Without onlink a gateway must be on a connected route; with it any gateway goes."""
    before = ip(ns, "route")[0]
    with pytest.raises(NetlinkError) as e:
        ns.add_route("10.57.0.0/16", via="10.99.0.1", dev="eth0")
    assert e.value.message == "Error: Nexthop has invalid gateway."
    assert ip(ns, "route")[0] == before
    ns.add_route("10.57.0.0/16", via="10.99.0.1", dev="eth0", onlink=True)
    r = ns.route_lookup("10.57.1.1")
    assert (str(r.nexthop), str(r.src), r.line) == (
        "10.99.0.1", "172.18.0.2", "10.57.0.0/16 via 10.99.0.1 dev eth0 onlink ")


def test_gateway_resolves_the_device(ns):
    """kindnetd adds routes without a device: the kernel finds it through the gateway."""
    ns.add_route("10.244.1.0/24", via="172.18.0.3")
    assert ns.routes()[0].dev.name == "eth0"


def test_local_table_is_checked_before_main(ns):
    """A /32 in main does not hide a local address: rule 0 (local) comes first."""
    ns.add_route("172.18.0.2/32", via="172.18.0.1")
    r = ns.route_lookup("172.18.0.2")
    assert (r.type, r.dev.name, r.table_name) == ("local", "lo", "local")
    assert r.line == "local 172.18.0.2 dev eth0 proto kernel scope host src 172.18.0.2 "


def test_source_selection(ns):
    """No `src`: the first primary address on the out device in the gateway's subnet, else the
    first fitting one; link-scope addresses are not used for global routes; `src` wins."""
    ns.add_address("eth0", "10.9.0.2/24")
    ns.add_address("eth0", "10.8.0.9/24", scope="link")
    ns.add_route("default", via="10.9.0.1")
    ns.add_route("10.60.0.0/16", via="172.18.0.9")
    assert str(ns.route_lookup("1.1.1.1").src) == "10.9.0.2"       # gateway 10.9.0.1 is in 10.9.0.0/24
    assert str(ns.route_lookup("10.60.0.1").src) == "172.18.0.2"   # gateway in 172.18.0.0/16
    ns.add_route("10.61.0.0/16", via="172.18.0.9", src="10.9.0.2")
    assert str(ns.route_lookup("10.61.0.1").src) == "10.9.0.2"
    # a link-scope route may use the link-scope address (it is first in the kernel's order)
    ns.add_route("10.62.0.0/16", dev="eth0")
    assert str(ns.route_lookup("10.62.0.1").src) == "10.8.0.9"


def test_source_from_another_device():
    """A device without addresses (flannel.1 before its /32) borrows a global one elsewhere."""
    k = Kernel()
    ns = k.add_netns("n")
    d = ns.add_dummy("d0")
    ns.set_link_up(d)
    e = ns.add_dummy("e0")
    ns.add_address(e, "192.168.5.5/24")
    ns.add_route("10.0.0.0/8", dev="d0")
    assert str(ns.route_lookup("10.1.1.1").src) == "192.168.5.5"


def test_src_must_be_local_for_output(ns):
    """`from` a foreign address: ENETUNREACH; from 127.0.0.1 to elsewhere: EINVAL (observed)."""
    ns.add_route("default", via="172.18.0.1")
    assert ns.route_lookup("8.8.8.8", src="172.18.0.7").errno == "ENETUNREACH"
    assert ns.route_lookup("8.8.8.8", src="127.0.0.1").errno == "EINVAL"
    r = ns.route_lookup("8.8.8.8", src="172.18.0.2")
    assert (r.ok, str(r.src)) == (True, "172.18.0.2")


def test_oif_restricts_and_falls_back_on_link(ns):
    """With oif only routes out of it match; if none does the kernel assumes on-link."""
    ns.add_route("default", via="172.18.0.1")
    d = ns.add_dummy("d0")
    ns.set_link_up(d)
    r = ns.route_lookup("8.8.8.8", oif="d0")
    assert (r.ok, r.dev.name, r.gateway, r.route) == (True, "d0", None, None)
    ns.set_link_down(d)
    assert ns.route_lookup("8.8.8.8", oif="d0").errno == "ENETUNREACH"


def test_input_route_needs_ip_forward(ns):
    """A packet in on eth0 for elsewhere is forwarded only with ip_forward=1."""
    ns.add_route("default", via="172.18.0.1")
    r = ns.route_lookup("8.8.8.8", src="172.18.0.9", iif="eth0")
    assert (r.ok, r.type, r.error) == (False, "forwarding-disabled", "No route to host")
    ns.set_sysctl("net.ipv4.ip_forward", "1")
    r = ns.route_lookup("8.8.8.8", src="172.18.0.9", iif="eth0")
    assert (r.ok, str(r.gateway), r.iif.name) == (True, "172.18.0.1", "eth0")
    assert ns.route_lookup("172.18.0.2", src="172.18.0.9", iif="eth0").type == "local"


def test_add_route_errors_leave_state_unchanged(ns):
    """The kernel's refusals, with the observed texts."""
    ns.add_route("10.244.2.0/24", via="172.18.0.4")
    before = ip(ns, "route show table all")[0]
    cases = [
        (dict(dst="10.244.2.0/24", via="172.18.0.4"), "RTNETLINK answers: File exists"),
        (dict(dst="10.9.0.0/24", via="192.168.9.1"), "Error: Nexthop has invalid gateway."),
        (dict(dst="10.9.0.0/24", via="172.18.0.1", scope="link"), "Error: Nexthop has invalid gateway."),
        (dict(dst="10.9.0.0/24", dev="eth9"), 'Cannot find device "eth9"'),
        (dict(dst="10.9.0.0/24"), "RTNETLINK answers: No such device"),
        (dict(dst="10.9.0.1/24", dev="eth0"), "Error: Invalid prefix for given prefix length."),
        (dict(dst="10.59.0.0/16", via="172.18.0.5", src="1.2.3.4"), "Error: Invalid prefsrc address."),
    ]
    for kw, msg in cases:
        with pytest.raises(NetlinkError) as e:
            ns.add_route(**kw)
        assert e.value.message == msg, kw
    assert ip(ns, "route show table all")[0] == before


def test_device_down_errors(ns):
    """Observed: a route via a down device is refused with these two texts."""
    d = ns.add_dummy("d0")
    with pytest.raises(NetlinkError, match="Device for nexthop is not up."):
        ns.add_route("10.6.0.0/24", dev=d)
    with pytest.raises(NetlinkError, match="Nexthop device is not up."):
        ns.add_route("10.7.0.0/24", via="10.5.0.1", dev=d, onlink=True)


def test_replace_and_delete(ns):
    """`replace` swaps a same-metric route; `del` removes the first match, then ESRCH."""
    ns.add_route("10.1.0.0/16", via="172.18.0.4")
    ns.add_route("10.1.0.0/16", via="172.18.0.5", replace=True)
    lines = [r.line() for r in ns.routes() if str(r.dst) == "10.1.0.0/16"]
    assert lines == ["10.1.0.0/16 via 172.18.0.5 dev eth0 "]
    ns.del_route("10.1.0.0/16")
    with pytest.raises(NetlinkError, match="RTNETLINK answers: No such process"):
        ns.del_route("10.1.0.0/16")


def test_numbered_table(ns):
    """Routes can go in table 100; `table all` lists it first (observed) with `table 100`."""
    ip(ns, "route add 10.58.0.0/16 via 172.18.0.5 table 100")
    assert ip(ns, "route show table 100")[0] == "10.58.0.0/16 via 172.18.0.5 dev eth0 \n"
    assert ip(ns, "route show table all")[0].startswith("10.58.0.0/16 via 172.18.0.5 dev eth0 table 100 \n")
    assert ns.route_lookup("10.58.0.1").ok is False  # the default rules do not consult table 100


def test_printing_of_proto_src_metric(ns):
    """Observed field order: via, dev, proto, scope, src, metric, flags."""
    ip(ns, "route add 10.11.0.0/16 via 172.18.0.1 src 172.18.0.2 metric 7 proto static")
    ip(ns, "route add 10.56.0.0/16 dev eth0 proto boot scope link")
    assert ip(ns, "route")[0] == (
        "10.11.0.0/16 via 172.18.0.1 dev eth0 proto static src 172.18.0.2 metric 7 \n"
        "10.56.0.0/16 dev eth0 scope link \n"
        "172.18.0.0/16 dev eth0 proto kernel scope link src 172.18.0.2 \n")
    assert ip(ns, "route show dev eth0")[0] == (
        "10.11.0.0/16 via 172.18.0.1 proto static src 172.18.0.2 metric 7 \n"
        "10.56.0.0/16 scope link \n"
        "172.18.0.0/16 proto kernel scope link src 172.18.0.2 \n")
    assert ip(ns, "route get fibmatch 10.11.3.3")[0] == (
        "10.11.0.0/16 via 172.18.0.1 dev eth0 proto static src 172.18.0.2 metric 7 \n")


def test_lookup_is_indexed():
    """Thousands of routes: a lookup probes prefix lengths, not every route."""
    k = Kernel()
    ns = k.add_netns("n")
    d = ns.add_dummy("d0")
    ns.set_link_up(d)
    for i in range(5000):
        ns.add_route(f"10.{i // 256}.{i % 256}.0/24", dev=d)
    table = ns.table("main")
    assert len(table) == 5000
    assert str(ns.route_lookup("10.19.135.7").route.dst) == "10.19.135.0/24"
