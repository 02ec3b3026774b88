"""A route table's per-prefix device counts (``RouteTable._devs``) stay what the routes say.

``add_kernel`` asks them whether a prefix already has a route through the device before it
reads any route there (a node's gateway /32 has one per pod veth). These tests drive a table
through random inserts, kernel adds (duplicates among them) and removes, and compare the
counts and every add_kernel decision with a plain scan of the routes.
"""

from __future__ import annotations

import random
from collections import Counter
from ipaddress import IPv4Address

from k8slab.linux.kernel import Kernel
from k8slab.linux.route import RT_TABLE_LOCAL, Route, RouteTable


def _plain_counts(table: RouteTable) -> dict:
    """For each prefix with several routes, how many go through each device."""
    out = {}
    for key, v in table._routes.items():
        if type(v) is not Route:
            out[key] = dict(Counter(r.dev for r in v))
    return out


def test_device_counts_and_kernel_duplicates_through_random_changes():
    rnd = random.Random(5)
    ns = Kernel(seed=1).add_netns("n")
    devs = [ns.add_dummy(f"d{i}") for i in range(6)] + [None]
    srcs = [IPv4Address("10.0.0.1"), IPv4Address("10.0.0.2")]
    prefixes = [(0x0A000001, 32), (0x0A000000, 24), (0x0A0000FF, 32)]
    for _ in range(30):
        table = RouteTable(RT_TABLE_LOCAL)
        live: list[Route] = []
        for _ in range(rnd.randrange(1, 120)):
            op = rnd.random()
            dst, plen = rnd.choice(prefixes)
            dev, src = rnd.choice(devs), rnd.choice(srcs)
            typ = rnd.choice(("local", "broadcast"))
            if live and op < 0.3:
                r = live.pop(rnd.randrange(len(live)))
                table.remove(r)
            elif op < 0.7:
                dup = any(r.dev is dev and r.type == typ and r.src == src and r.proto == "kernel"
                          for r in table.at(dst, plen))
                before = list(table.at(dst, plen))
                table.add_kernel(dst, plen, typ, dev, src, 254)
                after = list(table.at(dst, plen))
                if dup:
                    assert after == before
                else:
                    new = [r for r in after if r not in before]
                    assert len(new) == 1 and len(after) == len(before) + 1
                    assert new[0].dev is dev and new[0].type == typ and new[0].src == src
                    live.append(new[0])
            else:
                r = Route(dst, plen, typ, RT_TABLE_LOCAL, None, dev, src, 254, rnd.choice(("kernel", "boot")),
                          metric=rnd.choice((0, 0, 10)))
                table.insert(r)
                live.append(r)
            assert (table._devs or {}) == _plain_counts(table)
        assert Counter(map(id, table.unordered())) == Counter(map(id, live))
