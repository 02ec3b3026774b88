"""Neighbour table: states, ageing on the virtual clock, `ip neigh` text (observed)."""

import pytest

from k8slab.linux.errors import NetlinkError
from k8slab.linux.iproute2 import ip
from k8slab.linux.kernel import Kernel


@pytest.fixture
def ns():
    k = Kernel()
    n = k.add_netns("n")
    n.add_dummy("eth0")
    n.set_link_up("eth0")
    return n


def test_states_text(ns):
    """Each NUD state as iproute2 6.1.0 prints it; NOARP is hidden unless asked for."""
    ip(ns, "neigh add 172.18.0.3 lladdr 02:42:ac:12:00:03 dev eth0")
    ip(ns, "neigh replace 172.18.0.4 lladdr 02:42:ac:12:00:04 dev eth0 nud reachable")
    ip(ns, "neigh replace 172.18.0.5 lladdr 02:42:ac:12:00:05 dev eth0 nud stale")
    ip(ns, "neigh replace 172.18.0.6 dev eth0 nud incomplete")
    ip(ns, "neigh replace 172.18.0.7 dev eth0 nud failed")
    ip(ns, "neigh replace 172.18.0.8 lladdr 02:42:ac:12:00:08 dev eth0 nud noarp")
    assert ip(ns, "neigh")[0] == (
        "172.18.0.3 dev eth0 lladdr 02:42:ac:12:00:03 PERMANENT \n"
        "172.18.0.4 dev eth0 lladdr 02:42:ac:12:00:04 REACHABLE \n"
        "172.18.0.5 dev eth0 lladdr 02:42:ac:12:00:05 STALE \n"
        "172.18.0.6 dev eth0 INCOMPLETE \n"
        "172.18.0.7 dev eth0 FAILED \n")
    assert ip(ns, "neigh show dev eth0 nud stale")[0] == "172.18.0.5 lladdr 02:42:ac:12:00:05 STALE \n"
    assert ip(ns, "-4 neigh show 172.18.0.3")[0] == (
        "172.18.0.3 dev eth0 lladdr 02:42:ac:12:00:03 PERMANENT \n")
    assert "172.18.0.8 dev eth0 lladdr 02:42:ac:12:00:08 NOARP \n" in ip(ns, "neigh show nud all")[0]


def test_errors(ns):
    """Observed texts; the table is unchanged after each."""
    ip(ns, "neigh add 172.18.0.3 lladdr 02:42:ac:12:00:03 dev eth0")
    assert ip(ns, "neigh add 172.18.0.3 lladdr 02:42:ac:12:00:03 dev eth0") == (
        "", "RTNETLINK answers: File exists\n", 2)
    assert ip(ns, "neigh add 10.0.0.5 lladdr zz dev eth0") == ("", '"zz" is invalid lladdr.\n', 1)
    assert ip(ns, "neigh add 172.18.0.9 dev eth0") == ("", "Error: No link layer address given.\n", 2)
    assert ip(ns, "neigh del 172.18.0.99 dev eth0") == (
        "", "RTNETLINK answers: No such file or directory\n", 2)
    assert ip(ns, "neigh show dev eth9") == ("", 'Cannot find device "eth9"\n', 1)
    assert len(ns.neigh) == 1


def test_walk_api_update_and_age(ns):
    """ARP learning: update() creates/refreshes; PERMANENT is never overwritten; REACHABLE
    turns STALE after reachable_time; link down flushes the device's entries."""
    eth0 = ns.link("eth0")
    ns.neigh.update("10.0.0.2", eth0, "02:00:00:00:00:02", "REACHABLE", now=0.0)
    ns.neigh.add("10.0.0.3", eth0, "02:00:00:00:00:03")
    ns.neigh.update("10.0.0.3", eth0, "02:00:00:00:00:99", "REACHABLE", now=0.0)
    assert ns.neigh.lookup("10.0.0.3", eth0).lladdr == "02:00:00:00:00:03"
    ns.neigh.age(now=29.0)
    assert ns.neigh.lookup("10.0.0.2", eth0).state == "REACHABLE"
    ns.neigh.age(now=30.0)
    assert ns.neigh.lookup("10.0.0.2", eth0).state == "STALE"
    assert ns.neigh.lookup("10.0.0.2", eth0).usable
    with pytest.raises(NetlinkError):
        ns.neigh.delete("10.0.0.9", eth0)
    ns.set_link_down(eth0)
    assert len(ns.neigh) == 0
