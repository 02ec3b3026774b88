"""A route table's per-prefix device counts (``RouteTable._devs``) stay what the routes say.

``add_kernel`` asks them whether a prefix already has a route through the device before it
reads any route there (a node's gateway /32 has one per pod veth). These tests drive a table
through random inserts, kernel adds (duplicates among them) and removes, and compare the
counts and every add_kernel decision with a plain scan of the routes.
"""

from __future__ import annotations

import random
from collections import Counter
from ipaddress import IPv4Address, IPv4Network

import pytest

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


def test_routes_keep_their_destination_in_the_key_that_files_them():
    """A route's ``dst_ip``/``dst_len`` are what it was made with, and every route to a prefix
    holds the very int object its table files the prefix under (one per prefix, not one a
    route), through random inserts, kernel adds and removes."""
    rnd = random.Random(6)
    ns = Kernel(seed=2).add_netns("n")
    devs = [ns.add_dummy(f"d{i}") for i in range(4)]
    src = IPv4Address("10.0.0.1")
    table = RouteTable(RT_TABLE_LOCAL)
    made: dict[int, tuple[int, int]] = {}
    live: list[Route] = []
    for _ in range(600):
        plen = rnd.choice((0, 8, 24, 32))
        dst = rnd.choice((0x0A000001, 0x0A0000FF, 0x7F000001)) & (0xFFFFFFFF << (32 - plen) & 0xFFFFFFFF)
        if live and rnd.random() < 0.3:
            table.remove(live.pop(rnd.randrange(len(live))))
        elif rnd.random() < 0.5:
            r = Route(dst, plen, dev=rnd.choice(devs), metric=rnd.choice((0, 5)))
            table.insert(r)
            live.append(r)
            made[id(r)] = (dst, plen)
        else:
            before = set(map(id, table.at(dst, plen)))
            table.add_kernel(dst, plen, "local", rnd.choice(devs), src, 254)
            for r in table.at(dst, plen):
                if id(r) not in before:
                    live.append(r)
                    made[id(r)] = (dst, plen)
        for key, v in table._routes.items():
            for r in ((v,) if type(v) is Route else v):
                assert r.key is key and (r.dst_ip, r.dst_len) == made[id(r)]
                assert r.dst == IPv4Network(made[id(r)])


def test_removing_a_route_not_there_fails_and_changes_nothing():
    """The prefix's only route is dropped at once; an equal route that is not the one filed (or
    one to a prefix with several routes) is refused with ValueError and leaves the table."""
    table = RouteTable(RT_TABLE_LOCAL)
    one, twin = Route(0x0A000000, 24), Route(0x0A000000, 24)
    table.insert(one)
    with pytest.raises(ValueError):
        table.remove(twin)
    assert table.at(0x0A000000, 24) == (one,)
    table.insert(twin)
    stranger = Route(0x0A000000, 24)
    with pytest.raises(ValueError):
        table.remove(stranger)
    assert table.at(0x0A000000, 24) == (one, twin) and table._devs == {one.key: {None: 2}}
    table.remove(one)
    assert table.at(0x0A000000, 24) == (twin,) and table._devs == {}
    table.remove(twin)
    assert table.at(0x0A000000, 24) == () and not table
