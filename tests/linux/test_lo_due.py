"""A fresh lo brought up gets 127.0.0.1/8 only when something first reads or writes where it
would show (NetNS.lo_address_now). Through random sequences of device, address and route
changes and lookups, a kernel whose namespaces add it late answers every step and ends
exactly as one that adds it at once."""

from __future__ import annotations

import random

from k8slab.linux.errors import NetlinkError
from k8slab.linux.kernel import Kernel
from k8slab.linux.link import veth_pair

_ADDRS = ("127.0.0.1/8", "127.0.0.2/8", "127.0.0.1/32", "127.1.0.1/16", "127.0.0.9/7", "127.0.0.1/7", "10.0.0.1/24",
          "10.0.0.2/24", "10.0.0.1/32", "192.168.5.5/16")
_DSTS = ("127.0.0.0/8", "127.0.0.1/32", "127.255.255.255/32", "127.1.0.0/16", "126.0.0.0/7", "10.0.0.0/24",
         "default", "0.0.0.0/1", "10.0.0.9/32")
_PROBES = ("127.0.0.1", "127.0.0.2", "127.9.9.9", "127.255.255.255", "10.0.0.1", "10.0.0.7", "10.0.0.255",
           "192.168.5.5", "8.8.8.8")


def _observe(k: Kernel) -> list:
    """Everything about every namespace: its tables, addresses, index, lookups, link states."""
    out = []
    for name, ns in k.namespaces.items():
        out.append(name)
        for t in sorted(ns.tables):
            out.append(len(ns.tables[t]))   # before anything else reads the table
            out += [r.line(show_table=True) for r in ns.routes(t)]
        out += [f"{a.cidr} {a.dev.name} {a.scope} {a.secondary}" for a in ns.addresses()]
        out.append(sorted((ip, [a.cidr for a in v]) for ip, v in ns.address_index.by_ip.items()))
        out.append(sorted((key, [a.cidr for a in v]) for key, v in ns.address_index.subnets.items()))
        for link in ns.links_by_index():
            out.append((link.name, link.admin_up, link.running_seq, [a.cidr for a in link.addresses]))
        for ip in _PROBES:
            out.append((ip, ns.local_address_type(ip), repr(ns.route_lookup(ip))))
    return out


def _play(seed: int, at_once: bool) -> list:
    """A random sequence of steps on a fresh kernel; with ``at_once`` every due lo address is
    added right after the step that made it due (as the kernel does). Returns each step's
    answer and the final state."""
    rnd, k = random.Random(seed), Kernel(seed=seed)
    names, out = [], []

    def settle():
        if at_once:
            for ns in k.namespaces.values():
                if ns.lo_due:
                    ns.lo_address_now()

    for i in range(rnd.randint(1, 40)):
        op = rnd.random()
        try:
            if op < 0.12 or not names:
                names.append(f"ns{i}")
                ns = k.add_netns(names[-1])
                if rnd.random() < 0.7:
                    ns.set_link_up("lo")
                out.append("add_netns")
            else:
                ns = k.namespaces[rnd.choice(names)]
                devs = [d.name for d in ns.links_by_index()]
                if op < 0.22:
                    (ns.set_link_up if rnd.random() < 0.6 else ns.set_link_down)(rnd.choice(devs))
                    out.append("link")
                elif op < 0.30:
                    other = k.namespaces[rnd.choice(names)]
                    if other is not ns:
                        a, b = veth_pair(ns, f"v{i}", other, f"p{i}")
                        ns.set_link_up(a)
                        other.set_link_up(b)
                    else:
                        ns.add_dummy(f"d{i}")
                    out.append("dev")
                elif op < 0.50:
                    out.append(repr(ns.add_address(rnd.choice(devs), rnd.choice(_ADDRS),
                                                   scope=rnd.choice(("global", "host", "link")))))
                elif op < 0.58:
                    out.append(repr(ns.del_address(rnd.choice(devs), rnd.choice(_ADDRS))))
                elif op < 0.72:
                    out.append(repr(ns.add_route(rnd.choice(_DSTS), dev=rnd.choice(devs),
                                                 table=rnd.choice(("main", "local")),
                                                 type=rnd.choice(("unicast", "local", "broadcast")),
                                                 metric=rnd.choice((0, 0, 10)))))
                elif op < 0.80:
                    out.append(repr(ns.del_route(rnd.choice(_DSTS), table=rnd.choice(("main", "local")))))
                elif op < 0.86:
                    dev = rnd.choice(devs)
                    if dev != "lo":
                        ns.del_link(dev)
                    out.append("del_link")
                else:
                    ip = rnd.choice(_PROBES)
                    owners = [a.cidr for a in ns.addresses_of_ip(ip)]   # before the lookups
                    out.append((ip, owners, ns.local_address_type(ip), repr(ns.route_lookup(ip))))
        except (NetlinkError, ValueError) as e:
            out.append(f"error {e}")
        settle()
    return out + _observe(k)


def test_a_due_lo_address_answers_as_one_added_at_once():
    for seed in range(400):
        assert _play(seed, at_once=False) == _play(seed, at_once=True), seed


def test_a_fresh_pod_namespace_keeps_it_due_through_cni_like_setup():
    """A pod's setup (lo up, eth0 with an address, routes via the gateway, lookups of pod and
    node addresses) leaves lo's address due; the first look at lo adds it."""
    k = Kernel(seed=3)
    node, pod = k.add_netns("node"), k.add_netns("pod")
    host, eth0 = veth_pair(node, "veth1", pod, "eth0")
    for ns, dev in ((node, host), (pod, "lo"), (pod, eth0)):
        ns.set_link_up(dev)
    pod.add_address(eth0, "10.244.1.2/24")
    pod.add_route("default", via="10.244.1.1", dev=eth0)
    pod.add_route((0x0AF40101, 32), dev=eth0, scope="link", src="10.244.1.2")
    assert pod.route_lookup("10.244.1.1").dev is eth0 and pod.local_address_type("10.244.1.2") == "local"
    assert pod.lo_due
    assert [a.cidr for a in pod.link("lo").addresses] == ["127.0.0.1/8"] and not pod.lo_due
    assert pod.local_address_type("127.0.0.1") == "local"


def test_a_route_filed_straight_into_table_local_comes_after_the_due_ones():
    """RouteTable.insert and add_kernel of a prefix in 127.0.0.0/8 add the due address first, so
    the new route ranks after lo's own, as it would have."""
    from k8slab.linux.route import Route

    for write in ("insert", "add_kernel"):
        ns = Kernel(seed=1).add_netns("n")
        ns.set_link_up("lo")
        dummy = ns.add_dummy("d0")
        local = ns.tables[255]
        assert ns.lo_due and local.due is ns
        if write == "insert":
            local.insert(Route(0x7F000001, 32, "local", 255, None, dummy, None, 254, "boot"))
        else:
            local.add_kernel(0x7F000001, 32, "local", dummy, None, 254)
        assert not ns.lo_due and local.due is None
        assert [r.dev.name for r in local.at(0x7F000001, 32)] == ["lo", "d0"]
