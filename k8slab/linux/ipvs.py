"""IPVS, the kernel's layer-4 load balancer, for one network namespace (``ip_vs``).

Virtual servers (protocol, address, port, scheduler, persistence) with their real servers
(Masq forwarding, weight, active/inactive connection counters), the connection table, and
``ipvsadm -Ln`` as ipvsadm prints it. The data path for the packet walk:

* :func:`ipvs_lookup` - a packet reaching LOCAL_IN (from elsewhere) or LOCAL_OUT (from this
  host) whose destination is a virtual server: find its connection or schedule a real server
  (round robin; a persistent service keeps a client on its real server while the template
  lasts), count it, and return the packet DNATed to the real server;
* :func:`ipvs_reply` - the real server's answer (seen at FORWARD / LOCAL_OUT), rewritten back
  to the virtual address.

>>> from k8slab.linux.kernel import Kernel
>>> from k8slab.linux.packet import IPv4, TCP
>>> ns = Kernel().add_netns("node")
>>> vs = ipvs_of(ns).add(VirtualServer("TCP", "10.96.0.10", 53))
>>> vs.real_servers.append(RealServer("10.244.1.2", 53))
>>> ipvs_lookup(ns, IPv4(src="10.244.2.3", dst="10.96.0.10") / TCP(40000, 53, "S")).packet.dst
'10.244.1.2'
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import NamedTuple

from k8slab.linux.packet import TCP, UDP, IPv4, Packet

DEFAULT_SCHEDULER = "rr"
PROTO_NUM = {"TCP": 6, "UDP": 17, "SCTP": 132}


@dataclass
class RealServer:
    """A destination of a virtual server: Masq (NAT) forwarding, weight 1, connection counters."""

    ip: str
    port: int
    forward: str = "Masq"
    weight: int = 1
    active_conns: int = 0
    inact_conns: int = 0

    def __str__(self) -> str:
        return f"{self.ip}:{self.port}"


@dataclass
class VirtualServer:
    """An IPVS service: protocol, address, port, scheduler, persistence and its real servers."""

    protocol: str
    ip: str
    port: int
    scheduler: str = DEFAULT_SCHEDULER
    persistent: int = 0  # seconds; 0 = not persistent
    real_servers: list[RealServer] = field(default_factory=list)
    rr_next: int = 0

    @property
    def key(self) -> tuple:
        return (self.protocol, self.ip, self.port)

    def __str__(self) -> str:
        return f"{self.ip}:{self.port}/{self.protocol}"


@dataclass
class IPVSConnection:
    """One IPVS connection entry: client, virtual server, chosen real server, TCP state."""

    protocol: str
    client: tuple[str, int]
    vip: tuple[str, int]
    real: RealServer
    state: str = "SYN_RECV"
    active: bool = False


class IPVS:
    """The IPVS table of one namespace (``ip_vs``): services, connections and persistence templates."""

    def __init__(self) -> None:
        self.services: dict[tuple, VirtualServer] = {}
        self.conns: dict[tuple, IPVSConnection] = {}
        self.by_real: dict[tuple, IPVSConnection] = {}
        self.templates: dict[tuple, tuple[RealServer, float]] = {}

    def add(self, vs: VirtualServer) -> VirtualServer:
        old = self.services.get(vs.key)
        if old is not None:
            old.scheduler, old.persistent = vs.scheduler, vs.persistent
            return old
        self.services[vs.key] = vs
        return vs

    def delete(self, key: tuple) -> None:
        self.services.pop(key, None)

    def ipvsadm_ln(self) -> str:
        """``ipvsadm -Ln``: services sorted by protocol number, address and port (as ipvsadm sorts
        them), destinations by address and port; real-server lines keep ipvsadm's column padding."""
        out = ["IP Virtual Server version 1.2.1 (size=4096)",
               "Prot LocalAddress:Port Scheduler Flags",
               "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn"]

        def vkey(vs):
            return (PROTO_NUM.get(vs.protocol, 0), int(ipaddress.IPv4Address(vs.ip)), vs.port)

        for vs in sorted(self.services.values(), key=vkey):
            line = f"{vs.protocol:<4} {vs.ip}:{vs.port} {vs.scheduler}"
            if vs.persistent:
                line += f" persistent {vs.persistent}"
            out.append(line)
            for rs in sorted(vs.real_servers, key=lambda r: (int(ipaddress.IPv4Address(r.ip)), r.port)):
                out.append(f"  -> {str(rs):<28} {rs.forward:<7} {rs.weight:<6} {rs.active_conns:<10} "
                           f"{rs.inact_conns:<10}")
        return "\n".join(out) + "\n"


def ipvs_of(target) -> IPVS:
    """The IPVS table of a namespace (kept with its netfilter state; created on first use)."""
    nf = getattr(target, "netfilter", target)
    table = getattr(nf, "ipvs", None)
    if table is None:
        table = nf.ipvs = IPVS()
    return table


# ---- the data path ---------------------------------------------------------------------------

class IPVSMatch(NamedTuple):
    """What :func:`ipvs_lookup` decided: the real server, the virtual server, and the packet
    after IPVS's DNAT (destination rewritten to the real server)."""

    real: RealServer
    virtual: VirtualServer
    packet: Packet


def _proto(pkt: Packet) -> str | None:
    t = pkt.transport() if hasattr(pkt, "transport") else None
    if isinstance(t, TCP):
        return "TCP"
    if isinstance(t, UDP):
        return "UDP"
    return None


def ipvs_lookup(ns, packet: Packet, now: float = 0.0) -> IPVSMatch | None:
    """IPVS at LOCAL_IN (packets from elsewhere) or LOCAL_OUT (from this host) for ``packet``:
    if its destination is a virtual server, find its connection or schedule a real server
    (round robin; a persistent service reuses the client's template while it lasts), count
    it, and return the DNATed packet. None if IPVS does not own the destination, or the
    virtual server has no real server (the kernel then lets the packet go on, and with
    nothing listening it is refused)."""
    proto = _proto(packet)
    if proto is None:
        return None
    ipvs = ipvs_of(ns)
    t = packet.transport()
    ip = packet[IPv4]
    vs = ipvs.services.get((proto, ip.dst, t.dport))
    if vs is None:
        return None
    ckey = (proto, ip.src, t.sport, ip.dst, t.dport)
    conn = ipvs.conns.get(ckey)
    if conn is None:
        rs = None
        if vs.persistent:
            tpl = ipvs.templates.get((ip.src, vs.key))
            if tpl and tpl[1] > now and tpl[0] in vs.real_servers:
                rs = tpl[0]
        if rs is None:
            if not vs.real_servers:
                return None
            rs = vs.real_servers[vs.rr_next % len(vs.real_servers)]
            vs.rr_next = (vs.rr_next + 1) % len(vs.real_servers)
        if vs.persistent:
            ipvs.templates[(ip.src, vs.key)] = (rs, now + vs.persistent)
        conn = IPVSConnection(proto, (ip.src, t.sport), (ip.dst, t.dport), rs)
        ipvs.conns[ckey] = conn
        ipvs.by_real[(proto, rs.ip, rs.port, ip.src, t.sport)] = conn
        rs.inact_conns += 1
    _update_state(conn, t)
    after = packet.replace(IPv4, dst=conn.real.ip).replace(type(t), dport=conn.real.port)
    return IPVSMatch(conn.real, vs, after)


def _update_state(conn: IPVSConnection, t) -> None:
    """TCP connections become active once established (the client's first ACK), as the kernel counts."""
    if conn.protocol != "TCP" or conn.active:
        return
    flags = getattr(t, "flags", "")
    if "A" in flags and "S" not in flags and "R" not in flags:
        conn.state, conn.active = "ESTABLISHED", True
        conn.real.inact_conns -= 1
        conn.real.active_conns += 1


def ipvs_reply(ns, packet: Packet) -> Packet | None:
    """The real server's answer to an IPVS connection, rewritten back to the virtual server
    (source = VIP:port), as ``ip_vs_out`` does; None if the packet belongs to no IPVS connection."""
    proto = _proto(packet)
    if proto is None:
        return None
    t = packet.transport()
    ip = packet[IPv4]
    conn = ipvs_of(ns).by_real.get((proto, ip.src, t.sport, ip.dst, t.dport))
    if conn is None:
        return None
    return packet.replace(IPv4, src=conn.vip[0]).replace(type(t), sport=conn.vip[1])


__all__ = ["IPVS", "IPVSConnection", "IPVSMatch", "RealServer", "VirtualServer", "ipvs_lookup", "ipvs_of",
           "ipvs_reply"]
