"""Network devices ("links"): loopback, veth pairs, bridges, VXLAN and dummy devices.

A link belongs to one namespace and has what ``ip link`` shows: an ifindex (per namespace,
``lo`` is 1), a name, a MAC, an MTU, the administrative UP flag, the carrier (LOWER_UP), a
master (the bridge it is a port of) and a qdisc. Carrier follows the kernel's rules:

* a veth has carrier only when both ends are up (so ``eth0`` in a pod is LOWER_UP only once
  the host end is up too);
* a bridge has carrier when at least one of its ports is up with carrier;
* loopback, vxlan and dummy devices have carrier whenever they are up (state UNKNOWN).

Devices are created through :class:`~k8slab.linux.netns.NetNS` (``add_bridge``, ``add_vxlan``,
``add_dummy``) or :func:`veth_pair`; state changes go through ``ns.set_link_up`` /
``ns.set_link_down`` so the kernel's side effects on routes happen.

>>> from k8slab.linux.kernel import Kernel
>>> k = Kernel(seed=3)
>>> node, pod = k.add_netns("node"), k.add_netns("pod")
>>> host_end, pod_end = veth_pair(node, "veth1", pod, "eth0")
>>> pod_end.peer is host_end, pod_end.ifindex, host_end.ifindex
(True, 2, 2)
"""

from __future__ import annotations

from ipaddress import IPv4Address
from typing import TYPE_CHECKING

from k8slab.linux.errors import NetlinkError

if TYPE_CHECKING:  # pragma: no cover
    from k8slab.linux.address import Address
    from k8slab.linux.fdb import BridgeFdb, VxlanFdb
    from k8slab.linux.netns import NetNS

IFNAMSIZ = 16  # names are at most 15 characters
_NOT_IN_IFNAME = frozenset("/: \t\n")


def valid_ifname(name: str) -> bool:
    """What the kernel accepts as a device name (dev_valid_name)."""
    return (0 < len(name) < IFNAMSIZ and name not in (".", "..")
            and _NOT_IN_IFNAME.isdisjoint(name))


def normalize_mac(mac: str) -> str:
    """``"02:42:AC:12:0:2"`` -> ``"02:42:ac:12:00:02"``; ValueError if it is not a MAC."""
    parts = mac.split(":")
    if len(parts) != 6:
        raise ValueError(mac)
    out = []
    for p in parts:
        if not 1 <= len(p) <= 2 or any(c not in "0123456789abcdefABCDEF" for c in p):
            raise ValueError(mac)
        out.append(f"{int(p, 16):02x}")
    return ":".join(out)


class Link:
    """A network device. Subclasses say how carrier and the operational state work."""

    __slots__ = ("netns", "ifindex", "name", "mac", "mtu", "admin_up", "master", "addresses",
                 "ever_up", "promiscuity", "allmulti", "running_seq", "mac_set")
    kind = "ether"
    min_mtu = 68
    max_mtu = 65535

    def __init__(self, netns: NetNS, ifindex: int, name: str, mac: str, mtu: int = 1500) -> None:
        self.netns = netns
        self.ifindex = ifindex
        self.name = name
        self.mac = mac
        self.mtu = mtu
        self.admin_up = False
        self.master: Bridge | None = None
        # In the kernel's order: primaries, then secondaries. A device without any holds the
        # shared empty tuple (add_address gives it its own list): a pod's lo keeps none.
        self.addresses: list[Address] | tuple[()] = ()
        self.ever_up = False  # qdisc shows "noop" until the device is first brought up
        self.promiscuity = 0
        self.allmulti = 0
        self.running_seq = 0  # when it last became running (orders IPv6 routes as the kernel does)
        self.mac_set = False  # True once the MAC was set by hand (a bridge then keeps it)

    # -- state ---------------------------------------------------------------------------
    @property
    def carrier(self) -> bool:
        """LOWER_UP: the device is up and its lower layer is too."""
        return self.admin_up

    @property
    def running(self) -> bool:
        """Up with carrier: packets can leave through it."""
        return self.admin_up and self.carrier

    @property
    def operstate(self) -> str:
        """The ``state`` word of ``ip link``."""
        if not self.admin_up:
            return "DOWN"
        return "UP" if self.carrier else "LOWERLAYERDOWN"

    @property
    def qdisc(self) -> str:
        return "noqueue" if self.ever_up else "noop"

    @property
    def flags(self) -> list[str]:
        """The words between ``<`` and ``>`` in ``ip link``, in iproute2's order."""
        out = []
        if self.admin_up and not self.carrier:
            out.append("NO-CARRIER")
        out += ["BROADCAST", "MULTICAST"]
        if self.admin_up:
            out.append("UP")
        if self.running:
            out.append("LOWER_UP")
        return out

    def primary_addresses(self) -> list[Address]:
        return [a for a in self.addresses if not a.secondary]

    def has_address(self, ip: IPv4Address) -> bool:
        return any(a.local == ip for a in self.addresses)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.ifindex}: {self.name} in {self.netns.name}>"


class Loopback(Link):
    """``lo``: created with every namespace; 127.0.0.1/8 appears when it is brought up (the
    namespace adds it when first read: see :meth:`~k8slab.linux.netns.NetNS.lo_address_now`)."""

    __slots__ = ()
    kind = "loopback"
    min_mtu = 0
    max_mtu = 0

    @property
    def addresses(self) -> list[Address]:
        if self.netns.lo_due:
            self.netns.lo_address_now()
        return _ADDRESSES.__get__(self)

    @addresses.setter
    def addresses(self, value: list[Address]) -> None:
        _ADDRESSES.__set__(self, value)

    @property
    def operstate(self) -> str:
        return "UNKNOWN" if self.admin_up else "DOWN"

    @property
    def flags(self) -> list[str]:
        return ["LOOPBACK"] + (["UP", "LOWER_UP"] if self.admin_up else [])


_ADDRESSES = Link.__dict__["addresses"]  # the slot under Loopback.addresses


class Veth(Link):
    """One end of a veth pair; ``peer`` is the other end, possibly in another namespace."""

    __slots__ = ("peer",)
    kind = "veth"

    def __init__(self, netns: NetNS, ifindex: int, name: str, mac: str, mtu: int = 1500) -> None:
        Link.__init__(self, netns, ifindex, name, mac, mtu)
        self.peer: Veth | None = None

    @property
    def carrier(self) -> bool:
        return self.admin_up and self.peer is not None and self.peer.admin_up

    @property
    def flags(self) -> list[str]:
        out = super().flags
        # iproute2 resolves the peer's flags only when the peer is in the same namespace.
        if self.peer is not None and self.peer.netns is self.netns and not self.peer.admin_up:
            out.append("M-DOWN")
        return out


class Bridge(Link):
    """A Linux bridge. Its ports are the links whose ``master`` is this bridge; ``fdb`` is
    the forwarding database that learns source MACs (see :mod:`k8slab.linux.fdb`)."""

    __slots__ = ("ports", "fdb", "ageing_time", "nf_call_iptables")
    kind = "bridge"

    def __init__(self, *args, **kwargs) -> None:
        from k8slab.linux.fdb import BridgeFdb

        super().__init__(*args, **kwargs)
        self.ports: list[Link] = []
        self.ageing_time = 300.0  # seconds; ip -d link shows it in centiseconds (30000)
        self.fdb: BridgeFdb = BridgeFdb(self)
        self.nf_call_iptables = 0

    @property
    def carrier(self) -> bool:
        return any(p.running for p in self.ports)

    @property
    def operstate(self) -> str:
        if not self.admin_up:
            return "DOWN"
        return "UP" if self.carrier else "DOWN"

    def port_for_mac(self, mac: str, now: float | None = None) -> Link | None:
        """The port a frame to ``mac`` leaves by (None: unknown, flood; or the bridge itself)."""
        entry = self.fdb.lookup(mac, now if now is not None else 0.0)
        return entry.port if entry is not None else None

    def recalc_mac(self, added: Link | None = None) -> None:
        """A bridge whose MAC was not set by hand takes the lowest MAC of its ports. With ``added``
        (the port just enslaved) only that port is compared: the bridge already holds the lowest
        of the others (a docker network's bridge gets thousands of ports)."""
        if self.mac_set or not self.ports:
            return
        if added is not None and len(self.ports) > 1:
            new = min(self.mac, added.mac)
        else:
            new = min(p.mac for p in self.ports)
        if new != self.mac:
            self.mac = new


class Vxlan(Link):
    """A VXLAN tunnel endpoint (VTEP): VNI ``vni``, UDP ``dstport``, underlay ``local``
    address and ``dev``; ``fdb`` maps inner MACs to remote VTEP IPs."""

    __slots__ = ("vni", "dstport", "local", "remote", "dev", "learning", "ttl", "fdb", "ageing")
    kind = "vxlan"

    def __init__(self, *args, vni: int = 1, dstport: int = 8472, local: IPv4Address | None = None,
                 remote: IPv4Address | None = None, dev: Link | None = None, learning: bool = True,
                 ttl: int = 0, **kwargs) -> None:
        from k8slab.linux.fdb import VxlanFdb

        super().__init__(*args, **kwargs)
        self.vni = vni
        self.dstport = dstport
        self.local = local
        self.remote = remote
        self.dev = dev
        self.learning = learning
        self.ttl = ttl  # 0 = "ttl auto"
        self.ageing = 300
        self.fdb: VxlanFdb = VxlanFdb(self)

    @property
    def operstate(self) -> str:
        return "UNKNOWN" if self.admin_up else "DOWN"


class Dummy(Link):
    """A dummy device: an always-carrier sink (as ``ip link add NAME type dummy``). The
    driver's setup sets IFF_NOARP and clears IFF_MULTICAST, so ``ip link`` shows
    ``<BROADCAST,NOARP>`` down and ``<BROADCAST,NOARP,UP,LOWER_UP>`` up (kube-ipvs0)."""

    __slots__ = ()
    kind = "dummy"
    min_mtu = 0
    max_mtu = 0

    @property
    def operstate(self) -> str:
        return "UNKNOWN" if self.admin_up else "DOWN"

    @property
    def flags(self) -> list[str]:
        return ["BROADCAST", "NOARP"] + (["UP", "LOWER_UP"] if self.admin_up else [])


def veth_pair(ns_a: NetNS, name_a: str, ns_b: NetNS, name_b: str, mac_a: str | None = None,
              mac_b: str | None = None, mtu: int = 1500) -> tuple[Veth, Veth]:
    """Create a veth pair, ``name_a`` in ``ns_a`` and its peer ``name_b`` in ``ns_b``, both
    down, as ``ip link add name_a type veth peer name name_b netns ns_b`` does (the peer is
    registered first). Returns ``(a, b)``. Across namespaces each side gets a netnsid for the
    other, as the kernel allocates them."""
    for ns, name in ((ns_a, name_a), (ns_b, name_b)):
        if not valid_ifname(name):
            raise NetlinkError(f'Error: argument "{name}" is wrong: "name" not a valid ifname', 255)
        if name in ns.links:
            raise NetlinkError.rtnl("File exists", "EEXIST")
    if ns_a is ns_b and name_a == name_b:
        raise NetlinkError.rtnl("File exists", "EEXIST")
    kernel = ns_a.kernel
    mac_b = normalize_mac(mac_b) if mac_b else kernel.random_mac()
    mac_a = normalize_mac(mac_a) if mac_a else kernel.random_mac()
    b = Veth(ns_b, ns_b.next_ifindex(), name_b, mac_b, mtu)
    ns_b.register_link(b)
    a = Veth(ns_a, ns_a.next_ifindex(), name_a, mac_a, mtu)
    ns_a.register_link(a)
    a.peer, b.peer = b, a
    if ns_a is not ns_b:
        ns_a.nsid_of(ns_b)
        ns_b.nsid_of(ns_a)
    return a, b
