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
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from typing import TYPE_CHECKING

from k8slab.linux.errors import NetlinkError

if TYPE_CHECKING:  # pragma: no cover
    from k8slab.linux.link import Link
    from k8slab.linux.netns import NetNS

SCOPES = {"global": 0, "universe": 0, "site": 200, "link": 253, "host": 254, "nowhere": 255}
SCOPE_NAMES = {0: "global", 200: "site", 253: "link", 254: "host", 255: "nowhere"}


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
        return IPv4Interface((self.local, self.prefixlen)).network

    @property
    def cidr(self) -> str:
        return f"{self.local}/{self.prefixlen}"

    def __repr__(self) -> str:
        return f"<Address {self.cidr} dev {self.dev.name}{' secondary' if self.secondary else ''}>"


def add_address(ns: NetNS, dev: Link, cidr: str | IPv4Interface, scope: str | int = "global",
                broadcast: str | None = None) -> Address:
    """``ip addr add CIDR dev DEV [scope S] [brd B]`` with the kernel's side effects."""
    iface = IPv4Interface(cidr) if not isinstance(cidr, IPv4Interface) else cidr
    scope_n = SCOPES[scope] if isinstance(scope, str) else scope
    secondary = False
    for a in dev.addresses:
        if a.prefixlen == iface.network.prefixlen and a.network == iface.network:
            if a.local == iface.ip:
                raise NetlinkError.extack("ipv4: Address already assigned.", "EEXIST")
            if not a.secondary:
                secondary = True
    bcast = None
    if broadcast == "+":
        bcast = iface.network.broadcast_address
    elif broadcast:
        bcast = IPv4Address(broadcast)
    addr = Address(iface.ip, iface.network.prefixlen, dev, scope_n, bcast, secondary)
    if secondary:
        dev.addresses.append(addr)
    else:
        pos = 0
        for i, a in enumerate(dev.addresses):
            if not a.secondary and scope_n <= a.scope:
                pos = i + 1
        dev.addresses.insert(pos, addr)
    ns.routes_for_new_address(addr)
    return addr


def find_address(dev: Link, cidr: str) -> Address | None:
    iface = IPv4Interface(cidr)
    for a in dev.addresses:
        if a.local == iface.ip and a.prefixlen == iface.network.prefixlen:
            return a
    return None


def del_address(ns: NetNS, dev: Link, cidr: str | IPv4Interface) -> Address:
    """``ip addr del CIDR dev DEV``. Deleting a primary also deletes its secondaries (the
    kernel default, ``promote_secondaries=0``), and the routes that came with them."""
    iface = IPv4Interface(cidr) if not isinstance(cidr, IPv4Interface) else cidr
    target = None
    for a in dev.addresses:
        if a.local == iface.ip and a.prefixlen == iface.network.prefixlen:
            target = a
            break
    if target is None:
        raise NetlinkError.extack("ipv4: Address not found.", "EADDRNOTAVAIL")
    doomed = [target]
    if not target.secondary:
        doomed += [a for a in dev.addresses if a.secondary and a.prefixlen == target.prefixlen
                   and a.network == target.network]
    for a in doomed:
        dev.addresses.remove(a)
        ns.routes_for_removed_address(a)
    return target


def select_source(ns: NetNS, dev: Link | None, dst: IPv4Address | None, scope: int) -> IPv4Address | None:
    """The kernel's ``inet_select_addr``: the first primary address on ``dev`` whose scope
    fits ``scope`` (the route's scope), preferring one in the same subnet as ``dst`` (the
    next hop); failing that, any primary address of non-link scope on another device."""
    found = None
    if dev is not None:
        for a in dev.addresses:
            if a.secondary or min(a.scope, 253) > scope:
                continue
            if dst is None or dst in a.network:
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
