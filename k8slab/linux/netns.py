"""Network namespaces: one network stack each (a node, a pod sandbox, an outside host).

A :class:`NetNS` holds its devices (``lo`` is created with it, down, ifindex 1; each
namespace counts ifindexes on its own), routing tables and rules, the neighbour table,
sysctls, netnsids of the namespaces its veths lead to, and the listening sockets the packet
walk delivers to. The methods mirror what ``ip`` asks the kernel for, with the kernel's side
effects (routes that come and go with addresses and link state); on error they raise
:class:`~k8slab.linux.errors.NetlinkError` and change nothing.

>>> from k8slab.linux.kernel import Kernel
>>> from k8slab.linux.link import veth_pair
>>> k = Kernel(seed=7)
>>> node, pod = k.add_netns("node"), k.add_netns("pod")
>>> host, eth0 = veth_pair(node, "veth0a1b2c3d", pod, "eth0")
>>> for ns, dev in ((node, host), (pod, eth0)): ns.set_link_up(dev)
>>> _ = pod.add_address("eth0", "10.244.1.2/24")
>>> [r.line() for r in pod.routes()]
['10.244.1.0/24 dev eth0 proto kernel scope link src 10.244.1.2 ']
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from operator import attrgetter
from typing import TYPE_CHECKING

from k8slab.linux import address as _address
from k8slab.linux import route as _route
from k8slab.linux.address import SCOPES, Address
from k8slab.linux.errors import NetlinkError
from k8slab.linux.ipv4 import ALL_ONES, MASKS, broadcast_of, network_of, parse_ip, parse_prefix, shared_ip
from k8slab.linux.link import Bridge, Dummy, Link, Loopback, Veth, Vxlan, normalize_mac, valid_ifname
from k8slab.linux.neigh import NeighTable
from k8slab.linux.route import (
    PROTOS,
    RT_TABLE_DEFAULT,
    RT_TABLE_LOCAL,
    RT_TABLE_MAIN,
    TABLE_IDS,
    Route,
    RouteResult,
    RouteTable,
)
from k8slab.linux.sockets import Sockets

if TYPE_CHECKING:  # pragma: no cover
    from k8slab.linux.kernel import Kernel

DEFAULT_SYSCTLS = {
    "net.ipv4.ip_forward": "0",
    "net.ipv4.conf.all.forwarding": "0",
    "net.ipv4.conf.all.rp_filter": "0",
    "net.ipv6.conf.all.disable_ipv6": "0",
    # exists once br_netfilter is loaded; its default is 1 (observed)
    "net.bridge.bridge-nf-call-iptables": "1",
    "net.bridge.bridge-nf-call-ip6tables": "1",
}


SCOPE_LINK = SCOPES["link"]
_RUNNING = attrgetter("running")
_NOT_RUNNING, _NEITHER_RUNNING = (False,), (False, False)
DEFAULT_RULES = ((0, RT_TABLE_LOCAL), (32766, RT_TABLE_MAIN), (32767, RT_TABLE_DEFAULT))  # ip rule
_LOOPBACK = 0x7F000001  # 127.0.0.1
_FEW_NSIDS = 8  # netnsids kept in a tuple up to this many (NetNS.nsid_of)


def parse_table(table: int | str) -> int:
    """``main``/``local``/``default`` or a number -> table id (ValueError otherwise)."""
    if isinstance(table, int):
        return table
    if table in TABLE_IDS:
        return TABLE_IDS[table]
    n = int(table, 0)
    if not 0 <= n < 2 ** 32:
        raise ValueError(table)
    return n


class NetNS:
    """One network namespace."""

    __slots__ = ("kernel", "name", "links", "_by_index", "_ifindex", "local_table", "main_table",
                 "_tables", "rules", "_neigh",
                 "_sysctls", "_sockets", "_nsids", "_named_netns", "_running_seq", "_netfilter",
                 "address_index", "lo_due")

    def __init__(self, kernel: Kernel, name: str) -> None:
        self.kernel = kernel
        self.name = name
        self.lo_due = False  # see set_link_up
        self.links: dict[str, Link] = {}
        self._by_index: list[Link | None] = []  # devices at ifindex - 1 (None: deleted; never reused)
        self._ifindex = 0
        # Tables local and main are held in their own slots; the dict of all tables (see
        # ``tables``) is made when first asked for or when another table is. Table default
        # (253) is made on first use, like any other numbered table: empty, it shows and
        # routes nothing. So are the neighbour table, the sockets and a copy of the sysctls:
        # an idle pod namespace costs little.
        self.local_table = RouteTable(RT_TABLE_LOCAL)
        self.main_table = RouteTable(RT_TABLE_MAIN)
        self._tables: dict[int, RouteTable] | None = None
        self.rules: tuple[tuple[int, int], ...] = DEFAULT_RULES
        self._neigh: NeighTable | None = None
        self._sysctls: dict[str, str] | None = None  # None: DEFAULT_SYSCTLS, copied on first write
        self._sockets: Sockets | None = None
        self._nsids: tuple[NetNS, ...] | dict[NetNS, int] = ()  # see nsid_of
        self._named_netns: dict[str, NetNS] | None = None
        self._running_seq = 0
        self._netfilter = None
        self.address_index = _address.AddressIndex()  # by IP, by (device, subnet); see address.py
        lo = Loopback(self, self.next_ifindex(), "lo", "00:00:00:00:00:00", 65536)
        self.register_link(lo)

    def __repr__(self) -> str:
        return f"<NetNS {self.name}>"

    @property
    def tables(self) -> dict[int, RouteTable]:
        """Table id -> its table: local and main first, then the others in the order they
        were made. Made on first use and kept (a pod namespace's two tables live in
        ``local_table`` and ``main_table``; a dict for them would cost ~200 bytes a pod)."""
        if self._tables is None:
            self._tables = {RT_TABLE_LOCAL: self.local_table, RT_TABLE_MAIN: self.main_table}
        return self._tables

    def table_or_none(self, tid: int) -> RouteTable | None:
        """The table ``tid`` if it exists (no dict is made for local and main)."""
        if tid == RT_TABLE_MAIN:
            return self.main_table
        if tid == RT_TABLE_LOCAL:
            return self.local_table
        return self._tables.get(tid) if self._tables is not None else None

    def all_tables(self):
        """Every table (local, main, then the others), without making the dict."""
        tables = self._tables
        return (self.local_table, self.main_table) if tables is None else tables.values()

    @property
    def neigh(self) -> NeighTable:
        """The neighbour (ARP) table, made on first use."""
        if self._neigh is None:
            self._neigh = NeighTable()
        return self._neigh

    @property
    def sockets(self) -> Sockets:
        """The listening sockets, made on first use."""
        if self._sockets is None:
            self._sockets = Sockets()
        return self._sockets

    @property
    def sysctls(self) -> dict[str, str]:
        """The sysctls (this namespace's own copy of the defaults, made on first use)."""
        if self._sysctls is None:
            self._sysctls = dict(DEFAULT_SYSCTLS)
        return self._sysctls

    @property
    def named_netns(self) -> dict[str, NetNS]:
        """What ``ip netns list`` sees from here (the /run/netns a process in this namespace
        sees): iproute2 prints "link-netns NAME" for peers found here, else "link-netnsid N".
        Made on first use (a pod's namespace names none)."""
        if self._named_netns is None:
            self._named_netns = {}
        return self._named_netns

    @property
    def netfilter(self):
        """This namespace's netfilter (iptables tables, conntrack), made on first use."""
        if self._netfilter is None:
            from k8slab.linux.netfilter import Netfilter

            self._netfilter = Netfilter()
        return self._netfilter

    # -- devices ---------------------------------------------------------------------------
    def next_ifindex(self) -> int:
        self._ifindex += 1
        return self._ifindex

    def register_link(self, link: Link) -> None:
        self.links[link.name] = link
        slots, i = self._by_index, link.ifindex - 1
        while len(slots) <= i:
            slots.append(None)
        slots[i] = link

    def link(self, name: str | Link) -> Link:
        """The device called ``name`` (``Cannot find device`` error if there is none)."""
        if isinstance(name, Link):
            return name
        dev = self.links.get(name)
        if dev is None:
            raise NetlinkError.no_device(name)
        return dev

    def get_link(self, name: str) -> Link | None:
        return self.links.get(name)

    def link_by_index(self, ifindex: int) -> Link | None:
        slots = self._by_index
        return slots[ifindex - 1] if 0 < ifindex <= len(slots) else None

    def iter_links(self):
        """Iterate devices in ifindex order without copying."""
        return filter(None, self._by_index)

    def links_by_index(self) -> list[Link]:
        """Devices in ifindex order."""
        return list(filter(None, self._by_index))

    def nsid_of(self, other: NetNS) -> int:
        """The netnsid this namespace uses for ``other`` (allocated on first use, lowest free:
        ids are never released here, so that is the number given out so far).

        The namespaces given one are kept in id order in a tuple while there are at most
        :data:`_FEW_NSIDS` (a pod's namespace has one, its node's: a dict would cost four
        times as much), then in a dict namespace -> id (a node's, one per pod)."""
        ids = self._nsids
        if type(ids) is tuple:
            if other in ids:
                return ids.index(other)
            if len(ids) < _FEW_NSIDS:
                self._nsids = (*ids, other)
                return len(ids)
            ids = self._nsids = dict(zip(ids, range(len(ids))))
        n = ids.get(other)
        if n is None:
            n = ids[other] = len(ids)
        return n

    def nsid(self, other: NetNS) -> int | None:
        """The netnsid given to ``other`` here, None if it has none (none is allocated)."""
        ids = self._nsids
        if type(ids) is tuple:
            return ids.index(other) if other in ids else None
        return ids.get(other)

    @property
    def nsids(self) -> dict[NetNS, int]:
        """Namespace -> the netnsid it has here (a fresh dict, for inspection)."""
        ids = self._nsids
        return dict(zip(ids, range(len(ids)))) if type(ids) is tuple else dict(ids)

    def _new_link(self, cls, name: str, mac: str | None, mtu: int = 1500, **kw) -> Link:
        if not valid_ifname(name):
            raise NetlinkError(f'Error: argument "{name}" is wrong: "name" not a valid ifname', 255)
        if name in self.links:
            raise NetlinkError.rtnl("File exists", "EEXIST")
        mac_n = normalize_mac(mac) if mac else self.kernel.random_mac()
        link = cls(self, self.next_ifindex(), name, mac_n, mtu, **kw)
        link.mac_set = mac is not None
        self.register_link(link)
        return link

    def add_bridge(self, name: str, mac: str | None = None) -> Bridge:
        """``ip link add NAME type bridge`` (random MAC until a port joins, unless ``mac``)."""
        return self._new_link(Bridge, name, mac)

    def add_dummy(self, name: str, mac: str | None = None) -> Dummy:
        """``ip link add NAME type dummy``."""
        return self._new_link(Dummy, name, mac)

    def add_vxlan(self, name: str, vni: int, dstport: int = 8472, local: str | None = None,
                  dev: str | Link | None = None, learning: bool = True, remote: str | None = None,
                  ttl: int = 0, mac: str | None = None, mtu: int | None = None) -> Vxlan:
        """``ip link add NAME type vxlan id VNI dstport P [local IP] [dev DEV] [nolearning]``.
        With an underlay ``dev`` the MTU defaults to its MTU - 50 (the VXLAN overhead)."""
        under = self.link(dev) if dev is not None else None
        if mtu is None:
            mtu = under.mtu - 50 if under is not None else 1500
        vx = self._new_link(Vxlan, name, mac, mtu, vni=vni, dstport=dstport,
                            local=IPv4Address(local) if local else None,
                            remote=IPv4Address(remote) if remote else None, dev=under,
                            learning=learning, ttl=ttl)
        if vx.remote is not None:
            vx.fdb.add("00:00:00:00:00:00", vx.remote, via=under)
        return vx

    def del_link(self, link: str | Link) -> None:
        """``ip link del DEV``: its addresses, routes, neighbours go too; a veth's peer too."""
        link = self.link(link)
        if isinstance(link, Loopback):
            raise NetlinkError.rtnl("Operation not supported", "EOPNOTSUPP")
        doomed = [link]
        if isinstance(link, Veth) and link.peer is not None:
            doomed.append(link.peer)
        for dev in doomed:
            ns = dev.netns
            if dev.admin_up:
                ns.set_link_down(dev)
            if dev.master is not None:
                ns.set_master(dev, None)
            if isinstance(dev, Bridge):
                for p in list(dev.ports):
                    ns.set_master(p, None)
            for a in list(dev.addresses):
                dev.addresses.remove(a)
                ns.address_index.remove(a)
            for table in ns.all_tables():
                for r in [r for r in table.unordered() if r.dev is dev]:
                    table.remove(r)
            if ns._neigh is not None:
                ns._neigh.flush_dev(dev)
            del ns.links[dev.name]
            ns._by_index[dev.ifindex - 1] = None

    # -- link state ------------------------------------------------------------------------
    def _affected(self, link: Link) -> list[Link]:
        out = [link]
        if isinstance(link, Veth) and link.peer is not None:
            out.append(link.peer)
        for d in list(out):
            if d.master is not None:
                out.append(d.master)
        return out

    def _note_running(self, before: list[bool], links: list[Link]) -> None:
        for d, was in zip(links, before):
            if not was and d.running:
                d.netns._running_seq += 1
                d.running_seq = d.netns._running_seq

    def set_link_up(self, link: str | Link) -> None:
        """``ip link set DEV up``: kernel routes for its addresses appear (and 127.0.0.1/8 on lo)."""
        link = self.link(link)
        if link.admin_up:
            return
        # Down, the link is not running, nor is a veth peer (its carrier needs this end up):
        # only their masters (a bridge runs while any port does) may already be.
        peer = link.peer if type(link) is Veth else None
        if link.master is None and (peer is None or peer.master is None):
            affected, before = ((link,), _NOT_RUNNING) if peer is None else ((link, peer), _NEITHER_RUNNING)
        else:
            affected = self._affected(link)
            before = list(map(_RUNNING, affected))
        link.admin_up = True
        link.ever_up = True
        primaries = link.primary_addresses() if link.addresses else ()
        if isinstance(link, Loopback):
            if not link.addresses:   # a fresh lo: its 127.0.0.1/8 is due (see lo_address_now)
                self.lo_due = True
                self.local_table.due = self.address_index.due = self
            else:
                for a in primaries:
                    if int(a.local) == _LOOPBACK:
                        break
                else:
                    _address.add_address(self, link, (_LOOPBACK, 8), scope="host")  # with its routes: lo is up
        for a in primaries:
            self._add_prefix_routes(a)
        self._note_running(before, affected)

    def lo_address_now(self) -> None:
        """Add the 127.0.0.1/8 that ``lo`` coming up is due (with its three local routes).

        A fresh ``lo`` brought up gets it, as the kernel gives it, but it is added only when
        something first reads or writes where it would show: ``lo``'s addresses, an address
        index key or a table local prefix in 127.0.0.0/8, or the whole of table local or the
        index (:class:`~k8slab.linux.route.RouteTable` and
        :class:`~k8slab.linux.address.AddressIndex` call this through their ``due``), or ``lo``
        going down. Nothing else can see it or be changed by it (its keys are its own, and
        what was filed under others before it keeps its place), so every answer is the one it
        would be had it been added at once; a pod's namespace that nobody looks into never
        pays for it."""
        self.lo_due = False
        self.local_table.due = self.address_index.due = None
        _address.add_address(self, self._by_index[0], (_LOOPBACK, 8), scope="host")

    def set_link_down(self, link: str | Link) -> None:
        """``ip link set DEV down``: routes through it go, except scope host ones (local
        routes stay); its neighbours are flushed; a bridge forgets what it learned there."""
        link = self.link(link)
        if not link.admin_up:
            return
        if self.lo_due and type(link) is Loopback:
            self.lo_address_now()   # added while it was up (its local routes stay)
        link.admin_up = False
        for table in self.all_tables():
            for r in [r for r in table.unordered()
                      if r.dev is link and r.scope != SCOPES["host"] and r.type != "local"]:
                table.remove(r)
        if self._neigh is not None:
            self._neigh.flush_dev(link)
        if link.master is not None:
            link.master.fdb.forget_port(link)

    def set_mtu(self, link: str | Link, mtu: int) -> None:
        link = self.link(link)
        if mtu > link.max_mtu and link.max_mtu:
            raise NetlinkError.extack("mtu greater than device maximum.", "EINVAL")
        if mtu < link.min_mtu:
            raise NetlinkError.extack("mtu less than device minimum.", "EINVAL")
        link.mtu = mtu

    def set_mac(self, link: str | Link, mac: str) -> None:
        link = self.link(link)
        link.mac = normalize_mac(mac)
        link.mac_set = True
        if link.master is not None:
            link.master.recalc_mac()

    def rename(self, link: str | Link, new: str) -> None:
        link = self.link(link)
        if link.admin_up:
            raise NetlinkError.rtnl("Device or resource busy", "EBUSY")
        if new in self.links:
            raise NetlinkError.rtnl("File exists", "EEXIST")
        del self.links[link.name]
        link.name = new
        self.links[new] = link

    def set_master(self, link: str | Link, bridge: str | Bridge | None) -> None:
        """``ip link set DEV master BR`` (or ``nomaster`` with None)."""
        link = self.link(link)
        br = self.link(bridge) if bridge is not None else None
        if br is not None and not isinstance(br, Bridge):
            raise NetlinkError.extack("Device does not allow enslaving to a master device.", "EOPNOTSUPP")
        if br is link:
            raise NetlinkError.rtnl("Invalid argument", "EINVAL")
        affected = self._affected(link) + ([br] if br is not None else [])
        before = [d.running for d in affected]
        old = link.master
        if old is not None:
            old.ports.remove(link)
            old.fdb.forget_port(link)
            link.promiscuity -= 1
            link.allmulti -= 1
            link.master = None
            old.recalc_mac()
        if br is not None:
            link.master = br
            br.ports.append(link)
            link.promiscuity += 1
            link.allmulti += 1
            br.recalc_mac(added=link)
        self._note_running(before, affected)

    # -- addresses ---------------------------------------------------------------------------
    def add_address(self, dev: str | Link, cidr: str | tuple[int, int], scope: str | int = "global",
                    broadcast: str | None = None) -> Address:
        """``ip addr add CIDR dev DEV``; see :mod:`k8slab.linux.address`."""
        return _address.add_address(self, self.link(dev), cidr, scope, broadcast)

    def del_address(self, dev: str | Link, cidr: str) -> Address:
        return _address.del_address(self, self.link(dev), cidr)

    def addresses(self) -> list[Address]:
        return [a for link in self.links_by_index() for a in link.addresses]

    def addresses_of_ip(self, ip: str | IPv4Address) -> list[Address]:
        """The addresses with this local IP on any device here (O(1), from the index)."""
        return list(self.address_index.owners(parse_ip(ip)))

    def local_address_type(self, ip: str | IPv4Address | int) -> str | None:
        """``local`` if ``ip`` is one of ours, ``broadcast`` for a broadcast address, else None
        (what table local says about a /32)."""
        r = self.local_table.match(ip if type(ip) is int else parse_ip(ip))
        return r.type if r is not None else None

    def _drop_kernel_route(self, table: int, type_: str, dst: int, plen: int, dev: Link,
                           src: IPv4Address) -> None:
        t = self.table_or_none(table)
        for r in t.at(dst, plen):
            if r.type == type_ and r.dev is dev and r.src == src and r.proto == "kernel":
                t.remove(r)
                return

    def _primary_for(self, addr: Address) -> Address:
        if not addr.secondary:
            return addr
        for a in self.address_index.subnet(addr.dev, int(addr.local), addr.prefixlen):
            if not a.secondary:
                return a
        return addr

    def routes_for_new_address(self, addr: Address) -> None:
        """The kernel's fib_add_ifaddr: the local route, and prefix/broadcast routes if up."""
        prim = self._primary_for(addr) if addr.secondary else addr
        self.local_table.add_kernel(int(addr.local), 32, "local", addr.dev, prim.local, 254)
        if not addr.secondary and addr.dev.admin_up:
            self._add_prefix_routes(addr)

    def _add_prefix_routes(self, addr: Address) -> None:
        dev, ip, plen, src = addr.dev, int(addr.local), addr.prefixlen, addr.local
        local = self.local_table
        if plen < 32:
            if isinstance(dev, Loopback):
                local.add_kernel(network_of(ip, plen), plen, "local", dev, src, 254)
            else:
                self.main_table.add_kernel(network_of(ip, plen), plen, "unicast", dev, src, 253)
        if plen < 31:
            local.add_kernel(broadcast_of(ip, plen), 32, "broadcast", dev, src, 253)
        if addr.broadcast is not None and int(addr.broadcast) != ALL_ONES:
            local.add_kernel(int(addr.broadcast), 32, "broadcast", dev, src, 253)

    def routes_for_removed_address(self, addr: Address) -> None:
        """The kernel's fib_del_ifaddr, for the routes this address brought."""
        prim = self._primary_for(addr)
        dev, ip, plen = addr.dev, int(addr.local), addr.prefixlen
        self._drop_kernel_route(RT_TABLE_LOCAL, "local", ip, 32, dev, prim.local)
        if addr.secondary:
            return
        net = network_of(ip, plen)
        self._drop_kernel_route(RT_TABLE_MAIN, "unicast", net, plen, dev, addr.local)
        self._drop_kernel_route(RT_TABLE_LOCAL, "local", net, plen, dev, addr.local)
        self._drop_kernel_route(RT_TABLE_LOCAL, "broadcast", broadcast_of(ip, plen), 32, dev, addr.local)
        if addr.broadcast is not None:
            self._drop_kernel_route(RT_TABLE_LOCAL, "broadcast", int(addr.broadcast), 32, dev, addr.local)

    # -- routes ------------------------------------------------------------------------------
    def table(self, table: int | str = RT_TABLE_MAIN) -> RouteTable:
        tid = parse_table(table)
        t = self.table_or_none(tid)
        if t is None:
            t = self.tables[tid] = RouteTable(tid)
        return t

    def routes(self, table: int | str = RT_TABLE_MAIN) -> list[Route]:
        """The routes of one table in ``ip route show`` order."""
        t = self.table_or_none(parse_table(table))
        return list(t) if t is not None else []

    def add_route(self, dst: str | tuple[int, int], via: str | int | None = None, dev: str | Link | None = None,
                  src: str | int | None = None, metric: int = 0, table: int | str = "main",
                  type: str = "unicast", scope: str | int | None = None, proto: str = "boot",
                  onlink: bool = False, replace: bool = False) -> Route:
        """``ip route add|replace`` with the kernel's checks: a gateway must be reachable
        through a connected (link or host scope) route unless ``onlink``; the device must be
        up; ``src`` must be a local address; an existing route to the same prefix with the
        same metric is ``File exists`` (``replace`` overwrites it). ``dst`` may be given as
        (network as int, prefix length) and ``via``/``src`` as ints, as callers holding the
        numbers already do."""
        net, plen = _parse_dst(dst)
        tid = parse_table(table)
        gw_n = parse_ip(via) if via is not None else None
        gw = shared_ip(gw_n) if via is not None else None
        link = self.link(dev) if dev is not None else None
        if isinstance(proto, int):
            proto = {v: k for k, v in PROTOS.items()}.get(proto, str(proto))
        if scope is None:
            if type == "local":
                scope_n = SCOPES["host"]
            elif type in ("broadcast", "multicast", "anycast") or (type == "unicast" and gw is None):
                scope_n = SCOPES["link"]
            else:
                scope_n = 0
        else:
            scope_n = SCOPES[scope] if isinstance(scope, str) else int(scope)
        if type in _route.NO_NEXTHOP_TYPES:
            gw, link = None, None
        else:
            if gw is None and link is None:
                raise NetlinkError.rtnl("No such device", "ENODEV")
            if gw is not None:
                if onlink:
                    if link is None:
                        raise NetlinkError.extack("Nexthop device required for onlink", "EINVAL")
                    if not link.admin_up:
                        raise NetlinkError.extack("Nexthop device is not up.", "ENETDOWN")
                    if self.local_address_type(gw_n) in ("local", "broadcast"):
                        raise NetlinkError.extack("Nexthop has invalid gateway.", "EINVAL")
                else:
                    min_scope = scope_n + 1 if scope_n >= SCOPE_LINK else SCOPE_LINK
                    tbl = self.table_or_none(tid) if tid != RT_TABLE_MAIN else None
                    hit = tbl.match(gw_n, link, min_scope) if tbl is not None else None
                    if hit is None:
                        hit, _ = _route.fib_lookup(self, gw_n, link, min_scope)
                    if hit is None or hit.type not in ("unicast", "local") or hit.dev is None:
                        raise NetlinkError.extack("Nexthop has invalid gateway.", "EINVAL")
                    if link is None:
                        link = hit.dev
                    if not link.admin_up:
                        raise NetlinkError.extack("Nexthop device is not up.", "ENETDOWN")
            elif not link.admin_up and type == "unicast":
                raise NetlinkError.extack("Device for nexthop is not up.", "ENETDOWN")
        prefsrc = None
        if src is not None:
            src_n = parse_ip(src)
            if self.local_address_type(src_n) != "local":
                raise NetlinkError.extack("Invalid prefsrc address.", "EINVAL")
            owners = self.address_index.owners(src_n)  # share the address's IPv4Address
            prefsrc = owners[0].local if owners else IPv4Address(src_n)
        t = self.table_or_none(tid)
        if t is None:
            t = self.table(tid)
        same = t.at(net, plen)
        existing = [r for r in same if r.metric == metric and r.tos == 0] if same else same
        if existing and not replace:
            raise NetlinkError.rtnl("File exists", "EEXIST")
        new = Route(net, plen, type, tid, gw, link, prefsrc, scope_n, proto, metric, onlink)
        for r in existing:
            t.remove(r)
        t.insert(new)
        return new

    def del_route(self, dst: str | tuple[int, int], via: str | None = None, dev: str | Link | None = None,
                  metric: int | None = None, table: int | str = "main", type: str | None = None,
                  proto: str | None = None, scope: str | int | None = None, src: str | None = None) -> Route:
        """``ip route del``: removes the first route to ``dst`` matching what is given."""
        net, plen = _parse_dst(dst)
        tid = parse_table(table)
        link = self.link(dev) if dev is not None else None
        gw = IPv4Address(parse_ip(via)) if via is not None else None
        src_a = IPv4Address(parse_ip(src)) if src is not None else None
        scope_n = None if scope is None else (SCOPES[scope] if isinstance(scope, str) else int(scope))
        t = self.table_or_none(tid)
        for r in (t.at(net, plen) if t is not None else ()):
            if ((metric is None or r.metric == metric) and (type is None or r.type == type)
                    and (proto is None or r.proto == proto) and (scope_n is None or r.scope == scope_n)
                    and (gw is None or r.gateway == gw) and (link is None or r.dev is link)
                    and (src_a is None or r.src == src_a)):
                t.remove(r)
                return r
        raise NetlinkError.rtnl("No such process", "ESRCH")

    def route_lookup(self, dst: str | IPv4Address, src: str | IPv4Address | None = None,
                     oif: str | Link | None = None, iif: str | Link | None = None) -> RouteResult:
        """Where a packet to ``dst`` goes; see :func:`k8slab.linux.route.lookup`."""
        return _route.lookup(self, dst, src, oif, iif)

    # -- sysctls -----------------------------------------------------------------------------
    def sysctl(self, name: str) -> str | None:
        return (self._sysctls or DEFAULT_SYSCTLS).get(name.replace("/", "."))

    def set_sysctl(self, name: str, value: str | int) -> None:
        name, value, sysctls = name.replace("/", "."), str(value), self.sysctls
        sysctls[name] = value
        if name in ("net.ipv4.ip_forward", "net.ipv4.conf.all.forwarding"):
            sysctls["net.ipv4.ip_forward"] = sysctls["net.ipv4.conf.all.forwarding"] = value


def _parse_dst(dst: str | IPv4Network | tuple[int, int]) -> tuple[int, int]:
    """A route destination -> (network as int, prefix length); host bits set is an error.
    An (int, prefix length) tuple is checked the same way."""
    if type(dst) is tuple:
        net, plen = dst
        if not (type(net) is int and type(plen) is int and 0 <= plen <= 32 and 0 <= net <= ALL_ONES):
            raise ValueError(f"not a route destination: {dst!r}")
        if net & ~MASKS[plen] & ALL_ONES:
            raise NetlinkError.extack("Invalid prefix for given prefix length.", "EINVAL")
        return dst
    if isinstance(dst, IPv4Network):
        return int(dst.network_address), dst.prefixlen
    if dst in ("default", "all", "any", "0/0"):
        return 0, 0
    try:
        return parse_prefix(dst)
    except ValueError:
        iface = IPv4Interface(dst)  # raises ValueError for garbage
        if iface.network.network_address != iface.ip:
            raise NetlinkError.extack("Invalid prefix for given prefix length.", "EINVAL") from None
        raise
