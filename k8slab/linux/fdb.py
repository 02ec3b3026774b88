"""Forwarding databases: a bridge's MAC table and a VXLAN device's remote-VTEP table.

A bridge learns the source MAC of every frame a port receives (:meth:`BridgeFdb.learn`) and
forwards frames to a known MAC out of that one port, flooding unknown ones; learned entries
age out after ``ageing_time`` (300 s) on the virtual clock. Each port's own MAC (and the
bridge's, unless it equals a port's) is a permanent *local* entry: frames to it are for the
host itself. ``bridge fdb show`` lists them as ``MAC dev PORT master BRIDGE [permanent]``.

A VXLAN device's FDB maps an inner destination MAC to the underlay IP of the remote VTEP
(``bridge fdb append MAC dev flannel.1 dst 172.18.0.3``); ``00:00:00:00:00:00`` is the
default destination for unknown MACs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from ipaddress import IPv4Address
from typing import TYPE_CHECKING

from k8slab.linux.errors import NetlinkError
from k8slab.linux.link import normalize_mac

if TYPE_CHECKING:  # pragma: no cover
    from k8slab.linux.link import Bridge, Link, Vxlan


@dataclass(slots=True, eq=False)
class FdbEntry:
    """A bridge FDB entry: ``port`` None means the bridge device itself."""

    mac: str
    port: Link | None
    local: bool = False      # one of our own MACs: deliver up the stack (permanent)
    static: bool = False     # added by hand with ``static``
    updated: float = 0.0

    @property
    def state(self) -> str:
        """``permanent``, ``static`` or ``""`` (learned), as ``bridge fdb`` prints it."""
        return "permanent" if self.local else ("static" if self.static else "")


class BridgeFdb:
    """The MAC table of one bridge."""

    __slots__ = ("bridge", "_learned")

    def __init__(self, bridge: Bridge) -> None:
        self.bridge = bridge
        self._learned: dict[str, FdbEntry] = {}

    def local_entries(self) -> list[FdbEntry]:
        """Permanent entries for our own MACs: the bridge's, then each port's."""
        out = []
        port_macs = {p.mac for p in self.bridge.ports}
        if self.bridge.mac not in port_macs:
            out.append(FdbEntry(self.bridge.mac, None, local=True))
        for p in self.bridge.ports:
            out.append(FdbEntry(p.mac, p, local=True))
        return out

    def entries(self, now: float | None = None) -> list[FdbEntry]:
        """All entries (learned ones that have not aged out when ``now`` is given)."""
        learned = [e for e in self._learned.values()
                   if now is None or e.static or now - e.updated < self.bridge.ageing_time]
        return self.local_entries() + learned

    def lookup(self, mac: str, now: float) -> FdbEntry | None:
        """The entry for destination ``mac``: local entries first, then learned ones."""
        mac = mac.lower()
        if mac == self.bridge.mac and mac not in {p.mac for p in self.bridge.ports}:
            return FdbEntry(mac, None, local=True)
        for p in self.bridge.ports:
            if p.mac == mac:
                return FdbEntry(mac, p, local=True)
        e = self._learned.get(mac)
        if e is None:
            return None
        if not e.static and now - e.updated >= self.bridge.ageing_time:
            del self._learned[mac]
            return None
        return e

    def learn(self, mac: str, port: Link, now: float) -> FdbEntry | None:
        """Record that ``mac`` was seen as a source on ``port`` (own MACs are never moved)."""
        mac = mac.lower()
        if mac == self.bridge.mac or any(p.mac == mac for p in self.bridge.ports):
            return None
        if int(mac.split(":")[0], 16) & 1:  # multicast/broadcast sources are not learned
            return None
        e = self._learned.get(mac)
        if e is not None and e.static:
            return e
        e = FdbEntry(mac, port, updated=now)
        self._learned[mac] = e
        return e

    def add_static(self, mac: str, port: Link, now: float = 0.0) -> FdbEntry:
        """``bridge fdb add MAC dev PORT master static``."""
        e = FdbEntry(normalize_mac(mac), port, static=True, updated=now)
        self._learned[e.mac] = e
        return e

    def forget_port(self, port: Link) -> None:
        for mac in [m for m, e in self._learned.items() if e.port is port]:
            del self._learned[mac]

    def delete(self, mac: str, port: Link) -> None:
        e = self._learned.get(normalize_mac(mac))
        if e is None or e.port is not port:
            raise NetlinkError.rtnl("No such file or directory", "ENOENT")
        del self._learned[e.mac]


@dataclass(slots=True, eq=False)
class VxlanFdbEntry:
    """``MAC dst IP [via DEV] self permanent``: frames to ``mac`` go to VTEP ``dst``."""

    mac: str
    dst: IPv4Address
    via: Link | None = None
    permanent: bool = True
    updated: float = 0.0

    @property
    def state(self) -> str:
        return "permanent" if self.permanent else ""


class VxlanFdb:
    """The FDB of one VXLAN device; one MAC may have several remotes (``append``)."""

    __slots__ = ("vxlan", "_entries")

    def __init__(self, vxlan: Vxlan) -> None:
        self.vxlan = vxlan
        self._entries: list[VxlanFdbEntry] = []

    def __iter__(self) -> Iterator[VxlanFdbEntry]:
        return iter(list(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, mac: str) -> list[VxlanFdbEntry]:
        """The remotes for ``mac``; falls back to the all-zeros default entry; [] if none."""
        mac = mac.lower()
        found = [e for e in self._entries if e.mac == mac]
        if not found:
            found = [e for e in self._entries if e.mac == "00:00:00:00:00:00"]
        return found

    def add(self, mac: str, dst: str | IPv4Address, via: Link | None = None, permanent: bool = True,
            append: bool = False, replace: bool = False, now: float = 0.0) -> VxlanFdbEntry:
        """``bridge fdb add|append|replace MAC dev VXLAN dst IP [self permanent]``."""
        mac = normalize_mac(mac)
        dst = IPv4Address(dst)
        same_mac = [e for e in self._entries if e.mac == mac]
        if any(e.dst == dst for e in same_mac) and not replace:
            raise NetlinkError.rtnl("File exists", "EEXIST")
        if same_mac and not append and not replace:
            raise NetlinkError.rtnl("File exists", "EEXIST")
        if replace:
            for e in same_mac:
                self._entries.remove(e)
        e = VxlanFdbEntry(mac, dst, via, permanent, now)
        self._entries.append(e)
        return e

    def learn(self, mac: str, dst: str | IPv4Address, now: float) -> VxlanFdbEntry | None:
        """What a ``learning`` VXLAN device does on receive (``nolearning`` devices don't)."""
        if not self.vxlan.learning:
            return None
        mac = mac.lower()
        for e in self._entries:
            if e.mac == mac:
                if not e.permanent:
                    e.dst, e.updated = IPv4Address(dst), now
                return e
        e = VxlanFdbEntry(mac, IPv4Address(dst), None, False, now)
        self._entries.append(e)
        return e

    def delete(self, mac: str, dst: str | IPv4Address | None = None) -> None:
        mac = normalize_mac(mac)
        doomed = [e for e in self._entries if e.mac == mac and (dst is None or e.dst == IPv4Address(dst))]
        if not doomed:
            raise NetlinkError.rtnl("No such file or directory", "ENOENT")
        for e in doomed:
            self._entries.remove(e)
