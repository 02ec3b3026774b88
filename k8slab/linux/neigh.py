"""The neighbour (ARP) table of a namespace: IPv4 address + device -> link-layer address.

States are the kernel's NUD states as ``ip neigh`` names them. The packet walk resolves
next hops itself (sending ARP requests through the data plane); this module stores what it
learns and what CNI plugins write (flannel writes ``PERMANENT`` entries on ``flannel.1``).
Proxy entries (``ip neigh add proxy ADDR dev DEV``, the kernel's ``pneigh`` table) are kept
apart and listed only by ``ip neigh show proxy``. Ageing runs on the virtual clock:
:meth:`NeighTable.age` turns REACHABLE entries older than ``reachable_time`` into STALE, as
the kernel's timer does.

>>> from k8slab.linux.kernel import Kernel
>>> ns = Kernel().add_netns("n")
>>> eth = ns.add_dummy("eth0")
>>> _ = ns.neigh.add("10.0.0.2", eth, "02:00:00:00:00:02", "REACHABLE", now=0.0)
>>> ns.neigh.lookup("10.0.0.2", eth).state
'REACHABLE'
>>> ns.neigh.age(now=60.0); ns.neigh.lookup("10.0.0.2", eth).state
'STALE'
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from ipaddress import IPv4Address
from typing import TYPE_CHECKING

from k8slab.linux.errors import NetlinkError
from k8slab.linux.link import normalize_mac

if TYPE_CHECKING:  # pragma: no cover
    from k8slab.linux.link import Link

STATES = ("PERMANENT", "NOARP", "REACHABLE", "STALE", "DELAY", "PROBE", "FAILED", "INCOMPLETE", "NONE")
WITH_LLADDR = ("PERMANENT", "NOARP", "REACHABLE", "STALE", "DELAY", "PROBE")
HIDDEN_BY_DEFAULT = ("NOARP", "NONE")  # ``ip neigh show`` leaves these out


@dataclass(slots=True, eq=False)
class Neighbour:
    """One entry: ``dst`` on ``dev`` is at ``lladdr`` (None while INCOMPLETE/FAILED)."""

    dst: IPv4Address
    dev: Link
    lladdr: str | None
    state: str
    updated: float = 0.0
    router: bool = False

    @property
    def usable(self) -> bool:
        """Whether a frame can be addressed with this entry right now (STALE still can)."""
        return self.lladdr is not None and self.state in WITH_LLADDR

    def line(self, omit_dev: bool = False) -> str:
        """The ``ip neigh show`` line (iproute2 6.1.0, trailing space)."""
        out = [str(self.dst)]
        if not omit_dev:
            out.append(f"dev {self.dev.name}")
        if self.lladdr is not None and self.state not in ("INCOMPLETE", "FAILED"):
            out.append(f"lladdr {self.lladdr}")
        if self.router:
            out.append("router")
        out.append(self.state)
        return " ".join(out) + " "


@dataclass(slots=True, eq=False)
class ProxyNeighbour:
    """A proxy entry: the kernel answers ARP for ``dst`` arriving on ``dev`` (None: any device)."""

    dst: IPv4Address
    dev: Link | None

    def line(self, omit_dev: bool = False) -> str:
        """The ``ip neigh show proxy`` line (iproute2 6.1.0: no lladdr, no state, trailing space)."""
        out = [str(self.dst)]
        if self.dev is not None and not omit_dev:
            out.append(f"dev {self.dev.name}")
        out.append("proxy")
        return " ".join(out) + " "


class NeighTable:
    """Entries keyed by (ifindex, address), listed in insertion order (the kernel lists in
    hash order, which a learner cannot predict either)."""

    __slots__ = ("_entries", "_proxies", "reachable_time")

    def __init__(self) -> None:
        self._entries: dict[tuple[int, int], Neighbour] = {}
        self._proxies: dict[tuple[int, int], ProxyNeighbour] = {}
        self.reachable_time = 30.0

    # -- proxy entries (pneigh) -----------------------------------------------------------------
    def proxies(self) -> list[ProxyNeighbour]:
        return list(self._proxies.values())

    def add_proxy(self, dst: str | IPv4Address, dev: Link | None, replace: bool = False) -> ProxyNeighbour:
        """``ip neigh add proxy``: ``File exists`` if present and not ``replace``."""
        dst = IPv4Address(dst)
        key = (id(dev) if dev is not None else 0, int(dst))
        if key in self._proxies and not replace:
            raise NetlinkError.rtnl("File exists", "EEXIST")
        entry = self._proxies[key] = ProxyNeighbour(dst, dev)
        return entry

    def delete_proxy(self, dst: str | IPv4Address, dev: Link | None) -> ProxyNeighbour:
        key = (id(dev) if dev is not None else 0, int(IPv4Address(dst)))
        if key not in self._proxies:
            raise NetlinkError.rtnl("No such file or directory", "ENOENT")
        return self._proxies.pop(key)

    def proxy_lookup(self, dst: str | IPv4Address, dev: Link) -> ProxyNeighbour | None:
        """``pneigh_lookup``: an entry for ``dst`` on ``dev`` or on any device."""
        if not self._proxies:
            return None
        n = int(IPv4Address(dst))
        return self._proxies.get((id(dev), n)) or self._proxies.get((0, n))

    def __iter__(self) -> Iterator[Neighbour]:
        return iter(list(self._entries.values()))

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, dst: str | IPv4Address, dev: Link) -> Neighbour | None:
        """The entry for ``dst`` on ``dev`` or None."""
        return self._entries.get((id(dev), int(IPv4Address(dst))))

    def add(self, dst: str | IPv4Address, dev: Link, lladdr: str | None = None, state: str = "PERMANENT",
            now: float = 0.0, replace: bool = False, router: bool = False) -> Neighbour:
        """``ip neigh add|replace``: ``File exists`` if present and not ``replace``."""
        dst = IPv4Address(dst)
        state = state.upper()
        if state not in STATES:
            raise NetlinkError(f'Error: argument "{state.lower()}" is wrong: nud state is bad', 255)
        if lladdr is not None:
            lladdr = normalize_mac(lladdr)
        key = (id(dev), int(dst))
        if key in self._entries and not replace:
            raise NetlinkError.rtnl("File exists", "EEXIST")
        if lladdr is None and state in ("PERMANENT", "NOARP", "REACHABLE", "STALE"):
            raise NetlinkError.extack("No link layer address given.", "EINVAL")
        entry = Neighbour(dst, dev, lladdr, state, now, router)
        self._entries[key] = entry
        return entry

    def update(self, dst: str | IPv4Address, dev: Link, lladdr: str | None, state: str,
               now: float = 0.0) -> Neighbour:
        """What ARP does: create or refresh an entry (never downgrading a PERMANENT one)."""
        existing = self.lookup(dst, dev)
        if existing is not None and existing.state in ("PERMANENT", "NOARP"):
            return existing
        return self.add(dst, dev, lladdr, state, now, replace=True)

    def delete(self, dst: str | IPv4Address, dev: Link) -> Neighbour:
        key = (id(dev), int(IPv4Address(dst)))
        if key not in self._entries:
            raise NetlinkError.rtnl("No such file or directory", "ENOENT")
        return self._entries.pop(key)

    def flush_dev(self, dev: Link) -> None:
        """Forget every entry on ``dev`` (the kernel does when it goes down or away)."""
        for key in [k for k, e in self._entries.items() if e.dev is dev]:
            del self._entries[key]
        for key in [k for k, e in self._proxies.items() if e.dev is dev]:
            del self._proxies[key]

    def age(self, now: float) -> None:
        """REACHABLE entries not confirmed within ``reachable_time`` become STALE."""
        for e in self._entries.values():
            if e.state == "REACHABLE" and now - e.updated >= self.reachable_time:
                e.state = "STALE"
