"""IPv4 addresses on links, and the routes the kernel adds and removes with them.

``ip addr add 10.244.1.2/24 dev eth0`` does more than store an address. The kernel also
writes (observed with iproute2 6.1.0 on Linux 6.x):

* always, in table local: ``local 10.244.1.2 dev eth0 proto kernel scope host src 10.244.1.2``;
* when the device is up and the address is primary: the prefix route in main
  ``10.244.1.0/24 dev eth0 proto kernel scope link src 10.244.1.2`` (none for a /32) and, for
  prefixes shorter than /31, ``broadcast 10.244.1.255 dev eth0 ... scope link``. On ``lo`` the
  prefix route is a ``local`` route in table local (``local 127.0.0.0/8 dev lo``).

A second address in the same subnet (same prefix length) is *secondary*: it gets only its
local route, with the primary as ``src``. Addresses are kept in the kernel's order: a new
primary goes after the last primary of the same or a narrower scope, secondaries at the end.

Each namespace keeps an :class:`AddressIndex` (by IP, by device and subnet, primaries per
scope), so adding or deleting an address costs O(1) dict work whatever the number of
addresses (kube-proxy's IPVS mode binds every ClusterIP to ``kube-ipvs0``).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from typing import TYPE_CHECKING

from k8slab.linux.errors import NetlinkError
from k8slab.linux.ipv4 import ALL_ONES, MASKS, broadcast_of, parse_interface, shared_ip

if TYPE_CHECKING:  # pragma: no cover
    from k8slab.linux.link import Link
    from k8slab.linux.netns import NetNS

SCOPES = {"global": 0, "universe": 0, "site": 200, "link": 253, "host": 254, "nowhere": 255}
SCOPE_NAMES = {0: "global", 200: "site", 253: "link", 254: "host", 255: "nowhere"}
_LOOPBACK_NET = 127  # the first byte of 127.0.0.0/8, where a due lo's address goes (AddressIndex.due)


@dataclass(slots=True, eq=False)
class Address:
    """One ``inet`` line of ``ip addr``: ``local``/``prefixlen`` on ``dev``."""

    local: IPv4Address
    prefixlen: int
    dev: Link
    scope: int = 0
    broadcast: IPv4Address | None = None  # only when given (``brd``); iproute2 6.1 sets none
    secondary: bool = False

    @property
    def network(self) -> IPv4Network:
        return IPv4Network((int(self.local) & MASKS[self.prefixlen], self.prefixlen))

    @property
    def cidr(self) -> str:
        return f"{self.local}/{self.prefixlen}"

    def __repr__(self) -> str:
        return f"<Address {self.cidr} dev {self.dev.name}{' secondary' if self.secondary else ''}>"


def _as_tuple(v) -> tuple:
    """An AddressIndex value as a tuple: none, its one Address, or the tuple it is."""
    return () if v is None else (v,) if type(v) is Address else v


class AddressIndex:
    """A namespace's addresses indexed two ways, kept in step with ``dev.addresses``: by
    local IP (an int) and by subnet (device, network and prefix length packed in one int, see
    :meth:`key`), each to its addresses in list order (the primary first). Both live in one
    dict, ``_keys``: an IP is below 2**32 and a subnet key above (ifindexes start at 1), and
    one small dict costs half what two do (a pod namespace holds two addresses, kube-ipvs0
    thousands). A key with one address (most have) stores the Address itself, several a
    tuple; :meth:`owners` and :meth:`subnet` give a tuple either way, ``by_ip`` and
    ``subnets`` a dict of tuples (for inspection). Until a second address comes, ``_keys``
    is not a dict but None (no address) or the one Address, its two keys worked out from it
    when asked (:meth:`_get`): a pod namespace keeps one address, and a dict for it costs
    ~260 bytes.

    A device's primaries come first in ``dev.addresses``, ordered by narrowing scope (host
    before global), then its secondaries; :meth:`primary_position` finds a new primary's place
    by bisection on that order."""

    __slots__ = ("_keys", "due")

    def __init__(self) -> None:
        self._keys: dict[int, Address | tuple[Address, ...]] | Address | None = None
        # The namespace whose lo's 127.0.0.1/8 is due, else None: whatever would see it adds it
        # first (NetNS.lo_address_now; its keys, IP and subnet, are in 127.0.0.0/8).
        self.due: NetNS | None = None

    @staticmethod
    def key(dev: Link, ip: int, prefixlen: int) -> int:
        """The subnet key of ``ip/prefixlen`` on ``dev`` (ifindexes are unique within a
        namespace and never reused)."""
        return (dev.ifindex << 38) | (prefixlen << 32) | (ip & MASKS[prefixlen])

    def _get(self, key: int) -> Address | tuple[Address, ...] | None:
        """What is filed under ``key`` (an IP or a subnet key), whatever form ``_keys`` has."""
        keys = self._keys
        if type(keys) is dict:
            return keys.get(key)
        if keys is None:
            return None
        ip = int(keys.local)
        if key == ip if key <= ALL_ONES else key == self.key(keys.dev, ip, keys.prefixlen):
            return keys
        return None

    def _dict(self) -> dict[int, Address | tuple[Address, ...]]:
        """``_keys`` as the dict (made from the one address, IP then subnet, if need be)."""
        keys = self._keys
        if type(keys) is not dict:
            one = keys
            keys = self._keys = {}
            if one is not None:
                ip = int(one.local)
                keys[ip] = keys[self.key(one.dev, ip, one.prefixlen)] = one
        return keys

    def owners(self, ip: int) -> tuple[Address, ...]:
        """The addresses whose local IP is ``ip`` (as an int)."""
        if self.due is not None and ip >> 24 == _LOOPBACK_NET:
            self.due.lo_address_now()
        return _as_tuple(self._get(ip))

    def subnet(self, dev: Link, ip: int, prefixlen: int) -> tuple[Address, ...]:
        """The addresses of the subnet ``ip/prefixlen`` on ``dev``, the primary first."""
        return self.in_subnet(self.key(dev, ip, prefixlen))

    def in_subnet(self, key: int) -> tuple[Address, ...]:
        """:meth:`subnet` by its :meth:`key`, for a caller that holds it already."""
        if self.due is not None and key >> 24 & 0xFF == _LOOPBACK_NET:
            self.due.lo_address_now()
        return _as_tuple(self._get(key))

    @property
    def by_ip(self) -> dict[int, tuple[Address, ...]]:
        """Local IP -> its addresses (a fresh dict, for inspection)."""
        if self.due is not None:
            self.due.lo_address_now()
        return {k: _as_tuple(v) for k, v in self._dict().items() if k <= ALL_ONES}

    @property
    def subnets(self) -> dict[int, tuple[Address, ...]]:
        """:meth:`key` -> the subnet's addresses (a fresh dict, for inspection)."""
        if self.due is not None:
            self.due.lo_address_now()
        return {k: _as_tuple(v) for k, v in self._dict().items() if k > ALL_ONES}

    @property
    def scopes(self) -> dict[Link, dict[int, int]]:
        """Primaries per device and scope (derived from ``by_ip``; for inspection)."""
        out: dict[Link, dict[int, int]] = {}
        for group in self.by_ip.values():
            for a in group:
                if not a.secondary:
                    counts = out.setdefault(a.dev, {})
                    counts[a.scope] = counts.get(a.scope, 0) + 1
        return out

    @staticmethod
    def primary_position(dev: Link, scope: int) -> int:
        """Where ``dev.addresses`` gets a new primary of ``scope`` (as the kernel's
        ``__inet_insert_ifa``: after the last primary of the same or a narrower scope)."""
        return bisect_right(dev.addresses, (False, -scope), key=_place)

    def add(self, addr: Address, ip: int, subnet_key: int) -> None:
        """Index ``addr`` under its local IP ``ip`` (as an int) and its subnet's :meth:`key`
        (the caller has both at hand). An address in 127.0.0.0/8 (both keys there, or the
        subnet's network below it) files after a due lo's, as it would have come after it."""
        if self.due is not None and ip >> 24 == _LOOPBACK_NET:
            self.due.lo_address_now()
        if self._keys is None:
            self._keys = addr   # the first address: filed under its keys as they are worked out
            return
        keys = self._dict()
        for key in (ip, subnet_key):
            v = keys.get(key)
            keys[key] = addr if v is None else (v, addr) if type(v) is Address else (*v, addr)

    def remove(self, addr: Address) -> None:
        if self._keys is addr:
            self._keys = None
            return
        ip, keys = int(addr.local), self._dict()   # (taking out another address commutes with a due one)
        for key in (ip, self.key(addr.dev, ip, addr.prefixlen)):
            v = keys[key]
            rest = tuple(a for a in _as_tuple(v) if a is not addr)
            if len(rest) > 1:
                keys[key] = rest
            elif rest:
                keys[key] = rest[0]
            else:
                del keys[key]


def _place(a: Address) -> tuple[bool, int]:
    """Sort key under which ``dev.addresses`` is ordered: primaries by narrowing scope, then
    secondaries."""
    return (a.secondary, -a.scope if not a.secondary else 0)


def _interface(cidr: str | IPv4Interface | tuple[int, int]) -> tuple[int, int]:
    """``10.0.0.1/24``, an ``IPv4Interface`` or already (address as int, prefix length)."""
    if type(cidr) is tuple:
        return cidr
    if isinstance(cidr, IPv4Interface):
        return int(cidr.ip), cidr.network.prefixlen
    return parse_interface(cidr)


def add_address(ns: NetNS, dev: Link, cidr: str | IPv4Interface | tuple[int, int], scope: str | int = "global",
                broadcast: str | None = None) -> Address:
    """``ip addr add CIDR dev DEV [scope S] [brd B]`` with the kernel's side effects."""
    ip, plen = cidr if type(cidr) is tuple else _interface(cidr)
    scope_n = SCOPES[scope] if isinstance(scope, str) else scope
    index = ns.address_index
    subnet_key = index.key(dev, ip, plen)
    secondary = False
    for a in index.in_subnet(subnet_key):
        if int(a.local) == ip:
            raise NetlinkError.extack("ipv4: Address already assigned.", "EEXIST")
        if not a.secondary:
            secondary = True
    bcast = None
    if broadcast == "+":
        bcast = IPv4Address(broadcast_of(ip, plen))
    elif broadcast:
        bcast = IPv4Address(broadcast)
    addr = Address(shared_ip(ip), plen, dev, scope_n, bcast, secondary)
    if not dev.addresses:
        dev.addresses = [addr]   # sized to the one address most devices keep (append reserves 4)
    elif secondary:
        dev.addresses.append(addr)
    else:
        dev.addresses.insert(AddressIndex.primary_position(dev, scope_n), addr)
    index.add(addr, ip, subnet_key)
    ns.routes_for_new_address(addr)
    return addr


def find_address(dev: Link, cidr: str) -> Address | None:
    ip, plen = _interface(cidr)
    for a in dev.netns.address_index.subnet(dev, ip, plen):
        if int(a.local) == ip:
            return a
    return None


def del_address(ns: NetNS, dev: Link, cidr: str | IPv4Interface) -> Address:
    """``ip addr del CIDR dev DEV``. Deleting a primary also deletes its secondaries (the
    kernel default, ``promote_secondaries=0``), and the routes that came with them."""
    ip, plen = _interface(cidr)
    group = ns.address_index.subnet(dev, ip, plen)
    target = next((a for a in group if int(a.local) == ip), None)
    if target is None:
        raise NetlinkError.extack("ipv4: Address not found.", "EADDRNOTAVAIL")
    doomed = [target]
    if not target.secondary:
        doomed += [a for a in group if a.secondary]
    for a in doomed:
        dev.addresses.remove(a)
        ns.address_index.remove(a)
        ns.routes_for_removed_address(a)
    return target


def select_source(ns: NetNS, dev: Link | None, dst: IPv4Address | None, scope: int) -> IPv4Address | None:
    """The kernel's ``inet_select_addr``: the first primary address on ``dev`` whose scope
    fits ``scope`` (the route's scope), preferring one in the same subnet as ``dst`` (the
    next hop); failing that, any primary address of non-link scope on another device."""
    found = None
    if dev is not None:
        d = int(dst) if dst is not None else None
        for a in dev.addresses:
            if a.secondary or min(a.scope, 253) > scope:
                continue
            if d is None or (d ^ int(a.local)) & MASKS[a.prefixlen] == 0:
                return a.local
            if found is None:
                found = a.local
        if found is not None:
            return found
    for link in ns.iter_links():
        for a in link.addresses:
            if not a.secondary and a.scope != 253 and a.scope <= scope:
                return a.local
    return None
