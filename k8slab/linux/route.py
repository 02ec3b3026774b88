"""Routing tables, longest-prefix match and the kernel's route lookup.

A namespace has table ``local`` (255: local and broadcast routes the kernel adds with each
address), ``main`` (254: what ``ip route`` shows) and ``default`` (253), looked up in the
order of the default rule list ``0: local``, ``32766: main``, ``32767: default``. Numbered
tables can be filled (``table 100``) and shown, but only the default rules consult tables.

Within a table the most specific prefix wins; among routes to the same prefix the lowest
metric wins. :func:`lookup` is what the packet walk calls:

>>> from k8slab.linux.kernel import Kernel
>>> from k8slab.linux.link import veth_pair
>>> k = Kernel(seed=0)
>>> a, b = k.add_netns("a"), k.add_netns("b")
>>> ea, eb = veth_pair(a, "eth0", b, "eth0")
>>> a.set_link_up(ea); b.set_link_up(eb)
>>> _ = a.add_address("eth0", "10.0.0.1/24")
>>> _ = a.add_route("default", via="10.0.0.254")
>>> r = a.route_lookup("8.8.8.8")
>>> r.line, r.dev.name, str(r.nexthop), str(r.src)
('default via 10.0.0.254 dev eth0 ', 'eth0', '10.0.0.254', '10.0.0.1')
"""

from __future__ import annotations

import functools
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network
from typing import TYPE_CHECKING

from k8slab.linux.address import SCOPE_NAMES, select_source
from k8slab.linux.ipv4 import ALL_ONES, MASKS, format_ip, format_prefix, parse_ip

if TYPE_CHECKING:  # pragma: no cover
    from k8slab.linux.link import Link
    from k8slab.linux.netns import NetNS

RT_TABLE_DEFAULT, RT_TABLE_MAIN, RT_TABLE_LOCAL = 253, 254, 255
TABLE_NAMES = {RT_TABLE_DEFAULT: "default", RT_TABLE_MAIN: "main", RT_TABLE_LOCAL: "local"}
TABLE_IDS = {v: k for k, v in TABLE_NAMES.items()}
ROUTE_TYPES = ("unicast", "local", "broadcast", "multicast", "blackhole", "unreachable", "prohibit",
               "throw", "nat", "anycast")
NO_NEXTHOP_TYPES = ("blackhole", "unreachable", "prohibit", "throw")
PROTOS = {"unspec": 0, "redirect": 1, "kernel": 2, "boot": 3, "static": 4}
# What a lookup that ends on such a route answers (errno name, strerror).
TYPE_ERRORS = {
    "unreachable": ("EHOSTUNREACH", "No route to host"),
    "blackhole": ("EINVAL", "Invalid argument"),
    "prohibit": ("EACCES", "Permission denied"),
    "throw": ("EAGAIN", "Resource temporarily unavailable"),
}


_LOOPBACK_NET = 127  # the first byte of 127.0.0.0/8, where a loopback's due routes go (RouteTable.due)


def _rank(r: Route) -> tuple[int, int]:
    """Order among routes to one prefix: tos, then metric (then age: the older first)."""
    attrs = r.attrs
    return (attrs[4], attrs[2])


@functools.lru_cache(maxsize=1024)
def _route_attrs(table: int, proto: str, metric: int, onlink: bool, tos: int) -> tuple[int, str, int, bool, int]:
    """One tuple for each distinct (table, proto, metric, onlink, tos) of a :class:`Route`,
    shared by every route holding it (an immutable value): every pod's kernel routes in
    table local hold the same one."""
    return table, proto, metric, onlink, tos


# What add_kernel's routes in the three standard tables hold, without a call each.
_KERNEL_ATTRS = {t: _route_attrs(t, "kernel", 0, False, 0) for t in TABLE_NAMES}


class Route:
    """One route. The destination is kept as one int, ``key`` (prefix length and network packed
    as ``dst_len << 32 | dst_ip``: the int that files the route in its table, one object for
    both), read as ``dst_ip``/``dst_len`` (``dst`` builds the ``IPv4Network`` on demand);
    ``dev`` is the Link object (so renames show through);
    ``gateway`` is the ``via`` address; ``src`` the preferred source; ``scope`` a number (0
    global, 253 link, 254 host); ``proto`` a name (kernel, boot, static, or a number as text).
    ``table``, ``proto``, ``metric``, ``onlink`` and ``tos`` never change and take few distinct
    values: they are kept together in one shared tuple, ``attrs`` (:func:`_route_attrs`; a pod's
    seven routes hold two or three such tuples between them), and read through properties
    (the lookups read only ``key``, ``type``, ``scope`` and ``dev``)."""

    __slots__ = ("key", "type", "gateway", "dev", "src", "scope", "attrs")

    def __init__(self, dst_ip: int, dst_len: int, type: str = "unicast", table: int = RT_TABLE_MAIN,
                 gateway: IPv4Address | None = None, dev: Link | None = None, src: IPv4Address | None = None,
                 scope: int = 0, proto: str = "boot", metric: int = 0, onlink: bool = False,
                 tos: int = 0, attrs: tuple[int, str, int, bool, int] | None = None) -> None:
        self.key = dst_len << 32 | dst_ip
        self.type = type
        self.gateway = gateway
        self.dev = dev
        self.src = src
        self.scope = scope
        # (a caller that holds the shared tuple of these values passes it as ``attrs``)
        self.attrs = attrs if attrs is not None else _route_attrs(table, proto, metric, onlink, tos)

    # Read-only views of ``attrs``, in its order (see _route_attrs).
    table, proto, metric, onlink, tos = (property(lambda self, i=i: self.attrs[i]) for i in range(5))

    @property
    def dst_ip(self) -> int:
        return self.key & ALL_ONES

    @property
    def dst_len(self) -> int:
        return self.key >> 32

    @property
    def dst(self) -> IPv4Network:
        return IPv4Network((self.dst_ip, self.dst_len))

    @property
    def linkdown(self) -> bool:
        """RTNH_F_LINKDOWN: the nexthop device is up but has no carrier (a device that is
        administratively down keeps only scope host routes, shown without the flag)."""
        return (self.dev is not None and self.type != "local" and self.dev.admin_up
                and not self.dev.carrier)

    def line(self, show_table: bool = False, omit_dev: bool = False) -> str:
        """The line ``ip route show`` prints for this route (iproute2 6.1.0, trailing space)."""
        out = []
        if self.type != "unicast":
            out.append(self.type)
        ip, plen = self.key & ALL_ONES, self.key >> 32
        if plen == 0 and self.type == "unicast":
            out.append("default")
        elif plen == 32:
            out.append(format_ip(ip))
        else:
            out.append(format_prefix(ip, plen))
        if self.tos:
            out.append(f"tos 0x{self.tos:02x}")
        if self.gateway is not None:
            out.append(f"via {self.gateway}")
        if self.dev is not None and not omit_dev:
            out.append(f"dev {self.dev.name}")
        if show_table and self.table != RT_TABLE_MAIN:
            out.append(f"table {TABLE_NAMES.get(self.table, self.table)}")
        if self.proto != "boot":
            out.append(f"proto {self.proto}")
        if self.scope != 0:
            out.append(f"scope {SCOPE_NAMES.get(self.scope, self.scope)}")
        if self.src is not None:
            out.append(f"src {self.src}")
        if self.metric:
            out.append(f"metric {self.metric}")
        if self.onlink:
            out.append("onlink")
        if self.linkdown:
            out.append("linkdown")
        return " ".join(out) + " "

    def sort_key(self) -> tuple:
        """The order a table dump follows: address, then longer prefix, tos, metric (a
        stable sort keeps older routes first among equals)."""
        attrs = self.attrs
        return (self.key & ALL_ONES, -(self.key >> 32), attrs[4], attrs[2])

    def __repr__(self) -> str:
        return f"<Route {self.line(show_table=True).strip()}>"


class RouteTable:
    """Routes in one dict keyed by prefix length and network address packed in an int
    (``plen << 32 | network``): a lookup is at most one probe per prefix length in use,
    whatever the table size. ``_plens`` is the tuple of prefix lengths ever used, longest
    first (one that empties stays: probing it finds nothing); equal tuples are one shared
    object (:func:`_with_plen`: every pod's tables use the same few). Most prefixes have
    one route, stored as itself; several routes to one prefix are a tuple ordered by
    :func:`_rank`, and ``_devs`` counts the devices of such a prefix's routes (kept by
    :meth:`_put` and :meth:`remove`; None until a prefix first has two): :meth:`add_kernel`
    then tells a new device's route from a duplicate without reading every route there (a
    node's gateway /32 has one per pod veth)."""

    __slots__ = ("id", "_routes", "_plens", "_devs", "due")

    def __init__(self, table_id: int) -> None:
        self.id = table_id
        self._routes: dict[int, Route | tuple[Route, ...]] = {}
        self._plens: tuple[int, ...] = ()
        self._devs: dict[int, dict[Link | None, int]] | None = None
        # The namespace whose lo's 127.0.0.1/8 (and so its routes here) is due, else None:
        # whatever would see them adds it first (NetNS.lo_address_now; prefixes in 127.0.0.0/8
        # are the only ones it touches).
        self.due: NetNS | None = None

    def __len__(self) -> int:
        if self.due is not None:
            self.due.lo_address_now()
        return sum(1 if type(v) is Route else len(v) for v in self._routes.values())

    def __bool__(self) -> bool:   # ``if table:`` must not count every route
        if self.due is not None:
            self.due.lo_address_now()
        return bool(self._routes)

    def __iter__(self) -> Iterator[Route]:
        """All routes in the order ``ip route show`` lists them: by address, longer prefix
        first, then as ranked within a prefix (the sort is stable)."""
        return iter(sorted(self.unordered(), key=Route.sort_key))

    def unordered(self) -> list[Route]:
        """All routes in no particular order (for a caller that removes some: the order of
        removals does not change what is left, and sorting a node's table costs more)."""
        if self.due is not None:
            self.due.lo_address_now()
        return [r for v in self._routes.values() for r in ((v,) if type(v) is Route else v)]

    def candidates(self, dst: IPv4Network) -> tuple[Route, ...]:
        """The routes to exactly this prefix (best first)."""
        return self.at(int(dst.network_address), dst.prefixlen)

    def at(self, ip: int, plen: int) -> tuple[Route, ...]:
        """The routes to exactly ``ip/plen`` (network as int; best first)."""
        if self.due is not None and ip >> 24 == _LOOPBACK_NET:
            self.due.lo_address_now()
        v = self._routes.get(plen << 32 | ip)
        if v is None:
            return ()
        return (v,) if type(v) is Route else v

    def insert(self, route: Route) -> None:
        """Add ``route`` after the routes to its prefix that rank before it or equal to it."""
        if self.due is not None and route.key >> 24 & 0xFF == _LOOPBACK_NET:
            self.due.lo_address_now()
        self._put(self._routes.get(route.key), route)

    def add_kernel(self, dst: int, plen: int, type_: str, dev: Link, src: IPv4Address, scope: int) -> None:
        """A route the kernel adds with an address (proto kernel), unless that same route
        (device, type, source) is there already, as the kernel's fib_magic finds it."""
        if self.due is not None and dst >> 24 == _LOOPBACK_NET:
            self.due.lo_address_now()
        key = plen << 32 | dst
        v = self._routes.get(key)
        if v is not None and (v.dev is dev if type(v) is Route else dev in self._devs[key]):
            for r in ((v,) if type(v) is Route else v):
                if r.dev is dev and r.type == type_ and r.src == src and r.proto == "kernel":
                    return
        attrs = _KERNEL_ATTRS.get(self.id) or _route_attrs(self.id, "kernel", 0, False, 0)
        self._put(v, Route(dst, plen, type_, self.id, None, dev, src, scope, "kernel", 0, False, 0, attrs))

    def _put(self, v: Route | tuple[Route, ...] | None, route: Route) -> None:
        """:meth:`insert` once the prefix's routes ``v`` (``_routes[route.key]``) are known."""
        if v is None:
            self._routes[route.key] = route   # the route's own int keys it
            plen = route.key >> 32
            if plen not in self._plens:
                self._plens = _with_plen(self._plens, plen)
            return
        routes = (v,) if type(v) is Route else v
        key = route.key = routes[0].key   # the prefix's routes share one int
        devs = self._devs
        if devs is None:
            devs = self._devs = {}
        counts = devs.get(key)
        if counts is None:   # the prefix's second route
            counts = devs[key] = {v.dev: 1}
        counts[route.dev] = counts.get(route.dev, 0) + 1
        rank = _rank(route)
        if _rank(routes[-1]) <= rank:   # the usual case: it goes last (kernel routes all rank (0, 0))
            self._routes[key] = (*routes, route)
        else:
            i = bisect_right(routes, rank, key=_rank)
            self._routes[key] = routes[:i] + (route,) + routes[i:]

    def remove(self, route: Route) -> None:
        key = route.key   # (taking out another route commutes with adding a due one)
        v = self._routes[key]
        if v is route:   # the prefix's only route
            del self._routes[key]
            return
        routes = (v,) if type(v) is Route else v
        rest = tuple(r for r in routes if r is not route)
        if len(rest) == len(routes):
            raise ValueError(f"{route!r} is not in table {self.id}")
        if len(rest) > 1:
            self._routes[key] = rest
            counts = self._devs[key]
            if counts[route.dev] > 1:
                counts[route.dev] -= 1
            else:
                del counts[route.dev]
        else:   # one left (a tuple holds two or more)
            self._routes[key] = rest[0]
            del self._devs[key]

    def match(self, dst: IPv4Address | int, oif: Link | None = None, min_scope: int = 0) -> Route | None:
        """Longest-prefix match for ``dst`` (an address or its int). Routes through a device
        that is down are not usable; with ``oif`` only routes out of that device (or without
        one) match; ``min_scope`` limits to routes at least that narrow (the gateway check)."""
        d = dst if type(dst) is int else int(dst)
        if self.due is not None and d >> 24 == _LOOPBACK_NET:
            self.due.lo_address_now()
        routes = self._routes
        for plen in self._plens:
            v = routes.get(plen << 32 | (d & MASKS[plen]))
            if v is None:
                continue
            for r in ((v,) if type(v) is Route else v):
                if r.scope < min_scope:
                    continue
                if r.dev is not None and r.type != "local" and not r.dev.admin_up:
                    continue
                if oif is not None and r.dev is not None and r.dev is not oif and r.type != "local":
                    continue
                return r
        return None


@functools.lru_cache(maxsize=1024)
def _with_plen(plens: tuple[int, ...], plen: int) -> tuple[int, ...]:
    """``plens`` (longest first) with ``plen`` added, worked out once per distinct question:
    every new pod's tables ask the same few."""
    return _shared_plens(tuple(sorted((*plens, plen), reverse=True)))


@functools.lru_cache(maxsize=1024)
def _shared_plens(plens: tuple[int, ...]) -> tuple[int, ...]:
    """One object for each distinct tuple of prefix lengths (an immutable value): a pod's
    tables hold the same ones as every other pod's ((32, 8) in local, (32, 24, 0) in main)."""
    return plens


@dataclass(slots=True)
class RouteResult:
    """What a route lookup decided.

    ``type``: ``unicast`` (forward/send out ``dev`` to ``nexthop``), ``local`` (deliver here;
    ``dev`` is ``lo``), ``broadcast``, or a failure: ``unreachable``, ``blackhole``,
    ``prohibit`` (a route of that type matched) or ``none`` (no route: ENETUNREACH),
    ``forwarding-disabled`` (input route, ``ip_forward`` is 0), ``invalid-source``.
    For failures ``errno``/``error`` hold what ``ip route get`` prints after
    ``RTNETLINK answers:``. ``route`` is the matching :class:`Route` (None for an on-link
    guess made because of ``oif``), ``line`` its ``ip route show table X`` line."""

    type: str
    dst: IPv4Address
    route: Route | None = None
    dev: Link | None = None
    gateway: IPv4Address | None = None
    src: IPv4Address | None = None
    table: int | None = None
    iif: Link | None = None
    errno: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.errno is None

    @property
    def nexthop(self) -> IPv4Address:
        """The address to resolve with ARP: the gateway, or the destination itself."""
        return self.gateway if self.gateway is not None else self.dst

    @property
    def line(self) -> str | None:
        return self.route.line() if self.route is not None else None

    @property
    def table_name(self) -> str | None:
        return None if self.table is None else str(TABLE_NAMES.get(self.table, self.table))


def _fail(kind: str, dst: IPv4Address, route: Route | None = None, table: int | None = None,
          errno: tuple[str, str] = ("ENETUNREACH", "Network is unreachable"), iif=None) -> RouteResult:
    return RouteResult(kind, dst, route=route, table=table, errno=errno[0], error=errno[1], iif=iif)


def fib_lookup(ns: NetNS, dst: IPv4Address | int, oif: Link | None = None,
               min_scope: int = 0) -> tuple[Route | None, int | None]:
    """Walk the rule list (local, main, default) and return the first match and its table."""
    for _prio, table_id in ns.rules:
        table = ns.table_or_none(table_id)
        if table is None:
            continue
        r = table.match(dst, oif, min_scope)
        if r is not None:
            return r, table_id
    return None, None


def lookup(ns: NetNS, dst: str | IPv4Address, src: str | IPv4Address | None = None,
           oif: Link | str | None = None, iif: Link | str | None = None) -> RouteResult:
    """Route ``dst`` in ``ns`` as the kernel does.

    Without ``iif`` this is an output lookup (a socket in ``ns`` sending): the source is
    ``src`` if given (it must be a local address) or chosen from the route (its ``src``, else
    the first fitting primary address of the out device, see
    :func:`~k8slab.linux.address.select_source`). With ``iif`` (the device a packet came in
    on) it is an input lookup: local and broadcast destinations are delivered, anything else
    is forwarded only if ``net.ipv4.ip_forward`` is 1."""
    dst = _addr(dst)
    src = _addr(src) if src is not None else None
    if isinstance(oif, str):
        oif = ns.link(oif)
    if isinstance(iif, str):
        iif = ns.link(iif)
    if iif is not None:
        return _input(ns, dst, src, iif)
    if src is not None and not src.is_unspecified:
        if ns.local_address_type(src) != "local":
            return _fail("invalid-source", dst)
        if src.is_loopback and not dst.is_loopback:
            return _fail("invalid-source", dst, errno=("EINVAL", "Invalid argument"))
    route, table = fib_lookup(ns, dst, oif)
    if route is None:
        if oif is not None and oif.running:
            # "Apparently, routing tables are wrong. Assume, that the destination is on link."
            s = src or select_source(ns, oif, None, 253)
            return RouteResult("unicast", dst, None, oif, None, s, None)
        return _fail("none", dst)
    if route.type in TYPE_ERRORS:
        return _fail(route.type, dst, route, table, TYPE_ERRORS[route.type])
    if route.type in ("local", "broadcast"):
        dev = ns.link("lo") if route.type == "local" else route.dev
        s = src or route.src or dst
        return RouteResult(route.type, dst, route, dev, None, s, table)
    s = src or route.src or select_source(ns, route.dev, route.gateway, route.scope)
    return RouteResult("unicast", dst, route, route.dev, route.gateway, s, table)


def _addr(value: str | IPv4Address) -> IPv4Address:
    return value if isinstance(value, IPv4Address) else IPv4Address(parse_ip(value))


def _input(ns: NetNS, dst: IPv4Address, src: IPv4Address | None, iif: Link) -> RouteResult:
    if src is not None and ns.local_address_type(src) == "local" and not src.is_unspecified:
        return _fail("invalid-source", dst, errno=("EINVAL", "Invalid argument"), iif=iif)
    route, table = fib_lookup(ns, dst)
    if route is None:
        return _fail("none", dst, iif=iif)
    if route.type in TYPE_ERRORS:
        return _fail(route.type, dst, route, table, TYPE_ERRORS[route.type], iif=iif)
    if route.type in ("local", "broadcast"):
        dev = ns.link("lo") if route.type == "local" else route.dev
        return RouteResult(route.type, dst, route, dev, None, src, table, iif)
    if ns.sysctl("net.ipv4.ip_forward") != "1":
        return _fail("forwarding-disabled", dst, route, table, ("EHOSTUNREACH", "No route to host"), iif)
    return RouteResult("unicast", dst, route, route.dev, route.gateway, src, table, iif)
