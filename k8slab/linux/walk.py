"""The packet walk: move a packet through namespaces the way the kernel does, and say why.

``send(netns, packet)`` starts a packet at a socket in ``netns`` (the OUTPUT path);
``receive(dev, frame)`` starts a frame arriving on a device (PREROUTING, or a bridge port).
From there the walk only asks the data plane, step by step:

* routing decisions by longest-prefix match in the namespace's tables (``ip route get``);
* netfilter hooks in the kernel's order, rule by rule, with conntrack and NAT
  (PREROUTING, INPUT, FORWARD, OUTPUT, POSTROUTING);
* IPVS (``ip_vs``) where a namespace has virtual servers: a packet for one is scheduled to a
  real server at LOCAL_IN (or LOCAL_OUT when sent from that host) and sent on through
  OUTPUT and POSTROUTING; the real server's answer is rewritten back at FORWARD / LOCAL_IN;
* neighbour resolution (ARP over the link when there is no entry, proxy ARP entries), veth pairs,
  bridges forwarding by their FDB (which learns), VXLAN encapsulation onto the underlay
  and decapsulation at the remote VTEP;
* delivery to a listening socket, or a drop or reject with its reason; TTL, ``ip_forward``
  and the path MTU (DF set: ICMP "fragmentation needed") are checked where the kernel does.

Every step is a :class:`Hop`: where (namespace, device, stage), what decided it (the route
line, the rule, the FDB or neighbour entry), and the packet before and after. When the
request reaches a socket the answer walks back the same way (``walk.reply``), so conntrack's
reverse translation shows on the return path.

>>> from k8slab.linux.kernel import Kernel
>>> from k8slab.linux.link import veth_pair
>>> from k8slab.linux.packet import IPv4, TCP
>>> k = Kernel(seed=1)
>>> a, b = k.add_netns("a"), k.add_netns("b")
>>> _ = veth_pair(a, "eth0", b, "eth0")
>>> for ns, ip in ((a, "10.0.0.1/24"), (b, "10.0.0.2/24")):
...     ns.set_link_up("lo"); ns.set_link_up("eth0"); _ = ns.add_address("eth0", ip)
>>> _ = b.sockets.bind("tcp", "0.0.0.0", 80, "web")
>>> w = send(a, IPv4(src="10.0.0.1", dst="10.0.0.2") / TCP(sport=40000, dport=80))
>>> w.verdict, w.endpoint, w.reply.verdict
('delivered', '10.0.0.2:80', 'delivered')
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from ipaddress import IPv4Address

from k8slab.linux import route as _route
from k8slab.linux.link import Bridge, Link, Loopback, Veth, Vxlan
from k8slab.linux.packet import (
    ARP,
    BROADCAST_MAC,
    ICMP,
    TCP,
    UDP,
    VXLAN,
    Ether,
    IPv4,
    Layer,
    Packet,
    Raw,
)

MAX_HOPS = 400
VXLAN_OVERHEAD = 50  # outer Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8
EPHEMERAL = (32768, 60999)  # net.ipv4.ip_local_port_range, also VXLAN's source-port range

REJECT_ICMP = {
    "icmp-port-unreachable": (3, 3),
    "icmp-host-unreachable": (3, 1),
    "icmp-net-unreachable": (3, 0),
    "icmp-proto-unreachable": (3, 2),
    "icmp-net-prohibited": (3, 9),
    "icmp-host-prohibited": (3, 10),
    "icmp-admin-prohibited": (3, 13),
}
ICMP_ERRNO = {
    (3, 0): "Network is unreachable",
    (3, 1): "No route to host",
    (3, 3): "Connection refused",
    (3, 4): "Message too long",
    (3, 9): "Network is unreachable",
    (3, 10): "No route to host",
    (3, 13): "No route to host",
    (11, 0): "Time to live exceeded",
}


@dataclass(frozen=True, slots=True)
class Hop:
    """One step of a walk.

    ``stage`` is one of: ``send``, ``route``, ``netfilter``, ``ipvs``, ``neigh``, ``arp``, ``xmit``,
    ``veth``, ``bridge``, ``vxlan-encap``, ``vxlan-decap``, ``forward``, ``deliver``, ``drop``,
    ``icmp``. ``rule`` is the exact text that decided it (an ``ip route`` line, iptables rules,
    an FDB or neighbour entry), or None."""

    netns: str
    dev: str | None
    stage: str
    what: str
    rule: str | None
    before: Packet
    after: Packet

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def __str__(self) -> str:
        where = f"{self.netns}" + (f" {self.dev}" if self.dev else "")
        lines = [f"[{where}] {self.stage}: {self.what}"]
        if self.rule:
            lines += [f"    {line}" for line in self.rule.splitlines()]
        if self.changed:
            lines.append(f"    before: {self.before.summary()}")
            lines.append(f"    after:  {self.after.summary()}")
        return "\n".join(lines)


@dataclass
class Walk:
    """Where a packet went: its hops, how it ended, and the answer's walk back.

    ``verdict`` is ``delivered`` (it reached a socket), ``rejected`` (the sender was told
    no: a RST, an ICMP error, or a local error) or ``dropped`` (silently lost: the sender
    would time out). ``reason`` says why in a sentence."""

    hops: list[Hop] = field(default_factory=list)
    verdict: str = "dropped"
    reason: str = ""
    netns: str | None = None           # where it ended
    packet: Packet | None = None       # as it arrived there
    socket: object = None              # the owner of the socket it reached
    reply: Walk | None = None

    @property
    def endpoint(self) -> str | None:
        """``ip:port`` the packet was delivered to (after any DNAT), or None."""
        if self.verdict != "delivered" or self.packet is None:
            return None
        p = self.packet
        return f"{p.dst}:{p.dport}" if p.dport is not None else p.dst

    def __str__(self) -> str:
        out = [str(h) for h in self.hops]
        out.append(f"=> {self.verdict}: {self.reason}")
        if self.reply is not None:
            out.append("")
            out.append("reply:")
            out.append(str(self.reply))
        return "\n".join(out)


class _End(Exception):
    """Raised inside the walker when the packet's journey ends (kept off the call stack)."""


class _Walker:
    """One walk in progress: the hops so far and where the packet's journey ends."""

    def __init__(self, origin: tuple | None) -> None:
        self.walk = Walk()
        self.origin = origin  # (netns, proto, ip, port) of the sending socket: replies end there
        self.pending_reply: tuple | None = None  # (netns, packet) to walk back after delivery

    # -- recording ------------------------------------------------------------------------
    def hop(self, ns, dev, stage, what, rule, before, after=None) -> None:
        if len(self.walk.hops) >= MAX_HOPS:
            self.end(ns, "dropped", f"the walk went on for more than {MAX_HOPS} steps (a loop?)", before)
        self.walk.hops.append(Hop(ns.name, _name(dev), stage, what, rule, before,
                                  before if after is None else after))

    def end(self, ns, verdict: str, reason: str, packet: Packet | None, socket=None) -> None:
        w = self.walk
        w.verdict, w.reason, w.netns, w.packet, w.socket = verdict, reason, ns.name, packet, socket
        raise _End

    def drop(self, ns, dev, reason: str, packet: Packet, rule: str | None = None) -> None:
        self.hop(ns, dev, "drop", reason, rule, packet)
        self.end(ns, "dropped", reason, packet)

    # -- netfilter --------------------------------------------------------------------------
    def nf(self, ns, hook: str, pkt: Packet, ctx) -> Packet:
        """Run a netfilter hook; returns the packet after it or ends the walk."""
        nf = getattr(ns, "netfilter", None)
        if nf is None:
            return pkt
        ctx.now = ns.kernel.now
        r = nf.hook(hook, pkt, ctx)
        rules = [s for s in r.steps if s.rulenum is not None]
        if not rules and r.verdict == "ACCEPT" and r.packet == pkt:
            return pkt  # nothing but policies and bookkeeping: not worth a hop
        shown = [s for s in r.steps if s.rulenum is not None or s.table == "conntrack" or r.verdict != "ACCEPT"]
        what = f"{hook}: " + "; ".join(_step_text(s) for s in shown)
        rule = "\n".join(s.rule for s in shown if s.rule) or None
        self.hop(ns, ctx.out_iface if hook in ("OUTPUT", "POSTROUTING") else ctx.in_iface,
                 "netfilter", what, rule, pkt, r.packet)
        if r.verdict == "ACCEPT":
            return r.packet
        if r.verdict == "REJECT":
            self.reject(ns, r.packet, r.reject_with or "icmp-port-unreachable", hook, ctx)
        self.end(ns, "dropped", f"dropped by netfilter in {hook}", r.packet)
        raise AssertionError  # unreachable

    def new_ctx(self, ns, in_dev: Link | None = None, out_dev: Link | None = None):
        from k8slab.linux.netfilter.hooks import HookContext

        return HookContext(
            in_iface=_name(in_dev), out_iface=_name(out_dev),
            is_local=lambda addr, ns=ns: ns.local_address_type(addr) == "local",
            iface_addr=lambda ifname, ns=ns: _primary(ns.get_link(ifname)),
            random=ns.kernel.random, now=ns.kernel.now,
        )

    # -- the output path ------------------------------------------------------------------
    def local_out(self, ns, pkt: Packet, ctx=None, oif: Link | None = None) -> None:
        """A packet leaves a socket (or the kernel) in ``ns``: route, OUTPUT, POSTROUTING, xmit."""
        r = _route.lookup(ns, pkt.dst, oif=oif)
        if not r.ok:
            self.hop(ns, None, "route", f"no route to {pkt.dst}: {r.error}", r.line, pkt)
            self.end(ns, "rejected", f"connect: {r.error}", pkt)
        if pkt[IPv4].src == "0.0.0.0":
            pkt = pkt.replace(IPv4, src=str(r.src))
        self.hop(ns, r.dev, "route", _route_what(r), _route_rule(r), pkt)
        ctx = ctx or self.new_ctx(ns)
        ctx.in_iface, ctx.out_iface = None, r.dev.name
        after = self.nf(ns, "OUTPUT", pkt, ctx)
        if _ipvs_table(ns, "services") is not None:  # ip_vs_local_request4: a local client of a virtual server
            m = self.ipvs_in(ns, r.dev, after, ctx)
            if m is not None:
                local = self.ipvs_xmit(ns, r.dev, after, m, ctx, local_client=True)
                if local is None:
                    return None
                after, pkt = local, local  # the real server is this host: looped back to it
                r = _route.lookup(ns, after.dst)
        if after.dst != pkt.dst:  # DNAT in OUTPUT: route again, as ip_route_me_harder does
            r = _route.lookup(ns, after.dst, src=after.src)
            if not r.ok:
                self.hop(ns, None, "route", f"no route to {after.dst}: {r.error}", r.line, after)
                self.end(ns, "rejected", f"connect: {r.error}", after)
            self.hop(ns, r.dev, "route", "rerouted after DNAT: " + _route_what(r), _route_rule(r), after)
            ctx.out_iface = r.dev.name
        self.post_routing(ns, r, after, ctx, local=True)

    def post_routing(self, ns, r, pkt: Packet, ctx, local: bool) -> None:
        dev = r.dev
        if r.type == "local":
            pkt = self.nf(ns, "POSTROUTING", pkt, ctx)
            self.hop(ns, dev, "xmit", f"looped back: {pkt.dst} is local", None, pkt)
            return self.ip_rcv(ns, dev, pkt)
        if pkt[IPv4].df and pkt.ip_len() > dev.mtu:
            if local:
                what = f"local error: message too long, mtu={dev.mtu} ({pkt.ip_len()} bytes, DF set)"
                self.hop(ns, dev, "drop", what, None, pkt)
                self.end(ns, "rejected", f"Message too long (mtu {dev.mtu} on {dev.name})", pkt)
        pkt = self.nf(ns, "POSTROUTING", pkt, ctx)
        self.xmit(ns, dev, r.nexthop, pkt)

    # -- devices ----------------------------------------------------------------------------
    def xmit(self, ns, dev: Link, nexthop: IPv4Address, pkt: Packet) -> None:
        """Send an L3 packet out of ``dev`` towards ``nexthop``."""
        if not dev.running:
            self.drop(ns, dev, f"{dev.name} is down (no carrier)", pkt)
        if isinstance(dev, Loopback):
            return self.ip_rcv(ns, dev, pkt)
        if isinstance(dev, Vxlan):
            return self.vxlan_xmit(ns, dev, nexthop, pkt)
        if not isinstance(dev, (Veth, Bridge)):  # a dummy device swallows what it is given
            self.drop(ns, dev, f"sent out of {dev.name} ({dev.kind}) in {ns.name}: nothing beyond it answers", pkt)
        mac = self.neighbour(ns, dev, nexthop, pkt)
        frame = Ether(src=dev.mac, dst=mac) / pkt
        self.hop(ns, dev, "xmit", f"out {dev.name} to {mac}", None, pkt, frame)
        self.l2_out(ns, dev, frame)

    def l2_out(self, ns, dev: Link, frame: Packet) -> None:
        """A frame leaves ``dev``: a veth hands it to its peer, a bridge to a port."""
        if isinstance(dev, Bridge):
            return self.bridge_forward(ns, dev, None, frame)
        if isinstance(dev, Veth):
            peer = dev.peer
            if peer is None or not peer.admin_up:
                self.drop(ns, dev, f"the other end of {dev.name} is down", frame)
            self.hop(peer.netns, peer, "veth", f"{dev.name} ({ns.name}) -> {peer.name} ({peer.netns.name})",
                     None, frame)
            return self.rx(peer.netns, peer, frame)
        self.drop(ns, dev, f"{dev.name} cannot carry frames", frame)

    def rx(self, ns, dev: Link, frame: Packet) -> None:
        """A frame arrives on ``dev``."""
        if dev.master is not None:
            return self.bridge_rx(ns, dev.master, dev, frame)
        eth = frame[Ether]
        if eth.dst not in (dev.mac, BROADCAST_MAC):
            self.drop(ns, dev, f"frame for {eth.dst}, not {dev.name}'s MAC {dev.mac}: ignored", frame)
        self.ip_rcv(ns, dev, frame.strip(1))

    def bridge_rx(self, ns, br: Bridge, port: Link, frame: Packet) -> None:
        eth = frame[Ether]
        if not br.admin_up:
            self.drop(ns, port, f"{br.name} is down", frame)
        learned = br.fdb.learn(eth.src, port, ns.kernel.now)
        note = f"learned {eth.src} on {port.name}; " if learned is not None else ""
        entry = br.fdb.lookup(eth.dst, ns.kernel.now)
        if entry is not None and entry.local:
            self.hop(ns, br, "bridge", note + f"{eth.dst} is {br.name}'s own: up to its IP stack",
                     _fdb_line(entry, br), frame)
            return self.ip_rcv(ns, br, frame.strip(1))
        self.bridge_forward(ns, br, port, frame, note, entry)

    def bridge_forward(self, ns, br: Bridge, in_port: Link | None, frame: Packet, note: str = "",
                       entry=None) -> None:
        """Forward a frame across ``br`` by its FDB (``in_port`` None: sent by the bridge itself)."""
        eth = frame[Ether]
        if entry is None:
            entry = br.fdb.lookup(eth.dst, ns.kernel.now)
        if entry is not None and entry.port is not None:
            out, why = entry.port, f"{eth.dst} is on {entry.port.name}"
            rule = _fdb_line(entry, br)
        else:
            out = _port_owning_mac(br, eth.dst, exclude=in_port)
            why, rule = f"{eth.dst} unknown: flooded, {out.name if out else 'no port'} answers", None
            if out is None:
                self.drop(ns, br, note + f"no port of {br.name} leads to {eth.dst}", frame)
        if out is in_port:
            self.drop(ns, br, note + f"{eth.dst} is behind the port it came in on ({out.name})", frame)
        if in_port is not None and ns.sysctl("net.bridge.bridge-nf-call-iptables") == "1" and IPv4 in frame:
            frame = self.br_netfilter(ns, br, in_port, out, frame)
        self.hop(ns, out, "bridge", note + f"{br.name}: {why}", rule, frame)
        self.l2_out(ns, out, frame)

    def br_netfilter(self, ns, br: Bridge, in_port: Link, out_port: Link, frame: Packet) -> Packet:
        """br_netfilter: a bridged IPv4 frame also crosses iptables (PREROUTING, FORWARD,
        POSTROUTING with in/out = the bridge); if DNAT changes its destination it is routed."""
        ctx = self.new_ctx(ns, br)
        ctx.physdev_in, ctx.physdev_out = in_port.name, out_port.name
        l3 = frame.strip(1)
        after = self.nf(ns, "PREROUTING", l3, ctx)
        if after.dst != l3.dst:
            self.hop(ns, br, "bridge", f"DNAT changed the destination to {after.dst}: routed, not bridged", None,
                     after)
            self.route_input(ns, br, after, ctx)
        ctx.out_iface = br.name
        after = self.nf(ns, "FORWARD", after, ctx)
        after = self.nf(ns, "POSTROUTING", after, ctx)
        return Packet((frame[Ether],) + after.layers)

    # -- IPVS -------------------------------------------------------------------------------
    def ipvs_in(self, ns, dev: Link | None, pkt: Packet, ctx):
        """IPVS for a packet at LOCAL_IN / LOCAL_OUT: the match (real server chosen, packet
        DNATed), None if no virtual server owns it; a virtual server without real servers
        answers ICMP port unreachable (``ip_vs_leave``)."""
        from k8slab.linux.ipvs import ipvs_lookup

        if ctx.ct is not None and ctx.ct_dir != 0:  # not ORIGINAL: a reply is no new request
            return None
        m = ipvs_lookup(ns, pkt, ns.kernel.now)
        if m is not None:
            return m
        t = pkt.transport()
        if isinstance(t, (TCP, UDP)):
            vs = ns.netfilter.ipvs.services.get((pkt.proto.upper(), pkt.dst, t.dport))
            if vs is not None and not vs.real_servers:
                self.hop(ns, dev, "ipvs", f"virtual server {vs.ip}:{vs.port} ({vs.protocol}) has no real server",
                         _vs_line(vs), pkt)
                self.icmp_error(ns, dev or ns.link("lo"), pkt, 3, 3)
        return None

    def ipvs_xmit(self, ns, dev: Link | None, before: Packet, m, ctx, local_client: bool) -> Packet | None:
        """``ip_vs_nat_xmit``: route the DNATed packet to its real server and send it through
        OUTPUT (for a packet from elsewhere) and POSTROUTING. Returns the packet when the real
        server is this host (it goes on to the local socket), else None."""
        vs, rs, after = m.virtual, m.real, m.packet
        ct = ctx.ct
        if ct is not None:  # net.ipv4.vs.conntrack=1: ip_vs_update_conntrack, replies come from the real server
            proto, _, rdst, _, rb = ct.reply
            if proto in (6, 17) and ct.reply[1] != rs.ip:
                ns.netfilter.conntrack.set_reply(ct, (proto, rs.ip, rdst, rs.port, rb))
        rule = _vs_line(vs) + "\n" + _rs_line(rs)
        self.hop(ns, dev, "ipvs", f"virtual server {vs.ip}:{vs.port} ({vs.protocol}, {vs.scheduler}"
                 + (f", persistent {vs.persistent}" if vs.persistent else "")
                 + f") -> real server {rs} ({rs.forward})", rule, before, after)
        r = _route.lookup(ns, after.dst)
        if not r.ok:
            self.drop(ns, dev, f"IPVS: no route to the real server {after.dst}: {r.error}", after)
        if r.type == "local":
            self.hop(ns, r.dev, "route", f"IPVS: the real server {after.dst} is this host: delivered here",
                     _route_rule(r), after)
            return after
        ip = after[IPv4]
        if ip.ttl <= 1:
            self.hop(ns, dev, "forward", f"TTL {ip.ttl} would reach 0", None, after)
            self.icmp_error(ns, dev or ns.link("lo"), after, 11, 0)
        dec = after.replace(IPv4, ttl=ip.ttl - 1)
        self.hop(ns, r.dev, "route", f"IPVS output route: {_route_what(r)}; TTL {ip.ttl} -> {ip.ttl - 1}",
                 _route_rule(r), after, dec)
        ctx.in_iface, ctx.out_iface = None, r.dev.name
        if not local_client:  # ip_vs_nat_send_or_cont: NF_HOOK(LOCAL_OUT) then dst_output
            dec = self.nf(ns, "OUTPUT", dec, ctx)
        dec = self.nf(ns, "POSTROUTING", dec, ctx)
        self.xmit(ns, r.dev, r.nexthop, dec)
        return None

    def ipvs_out(self, ns, dev: Link | None, pkt: Packet) -> Packet:
        """``ip_vs_out``: a real server's answer on an IPVS connection gets the virtual server's
        address back as its source."""
        from k8slab.linux.ipvs import ipvs_reply

        back = ipvs_reply(ns, pkt)
        if back is None:
            return pkt
        self.hop(ns, dev, "ipvs", f"answer from real server {pkt.src}:{pkt.sport}: source rewritten to the "
                 f"virtual server {back.src}:{back.sport}", None, pkt, back)
        return back

    # -- neighbours -------------------------------------------------------------------------
    def neighbour(self, ns, dev: Link, nexthop: IPv4Address, pkt: Packet) -> str:
        """The MAC to send to ``nexthop`` on ``dev``: the neighbour table, else ARP."""
        entry = ns.neigh.lookup(nexthop, dev)
        if entry is not None and entry.usable:
            self.hop(ns, dev, "neigh", f"{nexthop} is at {entry.lladdr}", entry.line().rstrip(), pkt)
            return entry.lladdr
        src = _primary(dev) or "0.0.0.0"
        req = Ether(src=dev.mac, dst=BROADCAST_MAC, type=0x0806) / ARP(1, dev.mac, src, "00:00:00:00:00:00",
                                                                       str(nexthop))
        owner = _arp_owner(dev, nexthop)
        if owner is None:
            ns.neigh.update(nexthop, dev, None, "FAILED", ns.kernel.now)
            self.hop(ns, dev, "arp", f"who-has {nexthop} tell {src}: no answer (neighbour FAILED)", None, req)
            self.end(ns, "dropped", f"no ARP reply for {nexthop} on {dev.name}: host unreachable", pkt)
        ans_dev, bridges = owner
        ns.neigh.update(nexthop, dev, ans_dev.mac, "REACHABLE", ns.kernel.now)
        if src != "0.0.0.0":
            ans_dev.netns.neigh.update(src, ans_dev, dev.mac, "STALE", ns.kernel.now)
        for br, port_req, port_ans in bridges:
            if port_req is not None:
                br.fdb.learn(dev.mac, port_req, ns.kernel.now)
            if port_ans is not None:
                br.fdb.learn(ans_dev.mac, port_ans, ns.kernel.now)
        reply = Ether(src=ans_dev.mac, dst=dev.mac, type=0x0806) / ARP(2, ans_dev.mac, str(nexthop), dev.mac, src)
        by = "" if ans_dev.netns.local_address_type(nexthop) == "local" else f", {_arp_proxy(ans_dev, nexthop)}"
        self.hop(ns, dev, "arp", f"who-has {nexthop} tell {src}: {nexthop} is-at {ans_dev.mac} "
                 f"({ans_dev.netns.name} {ans_dev.name}{by})", ns.neigh.lookup(nexthop, dev).line().rstrip(), req,
                 reply)
        return ans_dev.mac

    # -- the input path ---------------------------------------------------------------------
    def ip_rcv(self, ns, dev: Link, pkt: Packet, ctx=None) -> None:
        """An IPv4 packet enters the stack of ``ns`` on ``dev``: PREROUTING, then route."""
        ctx = ctx or self.new_ctx(ns, dev)
        ctx.in_iface = dev.name
        after = self.nf(ns, "PREROUTING", pkt, ctx)
        self.route_input(ns, dev, after, ctx)

    def route_input(self, ns, dev: Link, pkt: Packet, ctx) -> None:
        if isinstance(dev, Loopback):
            r = _route.lookup(ns, pkt.dst)  # looped-back packets keep their output route
        else:
            r = _route.lookup(ns, pkt.dst, src=pkt.src, iif=dev)
        if r.type in ("local", "broadcast"):
            self.hop(ns, dev, "route", f"{pkt.dst} is local: deliver", _route_rule(r), pkt)
            return self.local_in(ns, dev, pkt, ctx)
        if not r.ok:
            if r.type == "blackhole":  # ip_error(): EINVAL, dropped without a word
                self.drop(ns, dev, f"{pkt.dst} matches a blackhole route: dropped silently", pkt, _route_rule(r))
            # ip_error(): a host that does not forward drops silently; a router says why.
            if ns.sysctl("net.ipv4.ip_forward") != "1":
                self.drop(ns, dev, f"not for this host and net.ipv4.ip_forward = 0: {pkt.dst} not forwarded",
                          pkt, _route_rule(r))
            self.hop(ns, dev, "route", f"no route to {pkt.dst}: {r.error}", _route_rule(r), pkt)
            self.icmp_error(ns, dev, pkt, 3, 0 if r.type == "none" else 1)
        self.forward(ns, dev, r, pkt, ctx)

    def forward(self, ns, in_dev: Link, r, pkt: Packet, ctx) -> None:
        ip = pkt[IPv4]
        self.hop(ns, r.dev, "route", "forward: " + _route_what(r), _route_rule(r), pkt)
        if ip.ttl <= 1:
            self.hop(ns, in_dev, "forward", f"TTL {ip.ttl} would reach 0", None, pkt)
            self.icmp_error(ns, in_dev, pkt, 11, 0)
        if ip.df and pkt.ip_len() > r.dev.mtu:
            self.hop(ns, r.dev, "forward", f"{pkt.ip_len()} bytes with DF set do not fit {r.dev.name} "
                     f"(mtu {r.dev.mtu})", None, pkt)
            self.icmp_error(ns, in_dev, pkt, 3, 4, mtu=r.dev.mtu)
        ctx.out_iface = r.dev.name
        after = self.nf(ns, "FORWARD", pkt, ctx)
        if _ipvs_table(ns, "conns") is not None:  # ip_vs_reply4 at FORWARD: a real server's answer
            after = self.ipvs_out(ns, r.dev, after)
        dec = after.replace(IPv4, ttl=after[IPv4].ttl - 1)
        self.hop(ns, r.dev, "forward", f"TTL {after[IPv4].ttl} -> {after[IPv4].ttl - 1}", None, after, dec)
        dec = self.nf(ns, "POSTROUTING", dec, ctx)
        self.xmit(ns, r.dev, r.nexthop, dec)

    def local_in(self, ns, dev: Link, pkt: Packet, ctx) -> None:
        ct = ctx.ct
        src_nat_pending = ct is not None and "src" not in ct.nat_done
        pkt = self.nf(ns, "INPUT", pkt, ctx)
        if _ipvs_table(ns, "conns") is not None:  # ip_vs_reply4 at LOCAL_IN: the answer to a local client
            pkt = self.ipvs_out(ns, dev, pkt)
        if _ipvs_table(ns, "services") is not None:  # ip_vs_remote_request4
            m = self.ipvs_in(ns, dev, pkt, ctx)
            if m is not None:
                if src_nat_pending and ct is ctx.ct and not ct.snat:
                    # IPVS (priority NAT_SRC - 1) takes the packet before nat INPUT binds a source NAT,
                    # so POSTROUTING still decides one (KUBE-POSTROUTING's MASQUERADE).
                    ct.nat_done.discard("src")
                r = self.ipvs_xmit(ns, dev, pkt, m, ctx, local_client=False)
                if r is None:
                    return None
                pkt = r  # the real server is this host: delivered here, as rewritten
        t = pkt.transport()
        if isinstance(t, UDP):
            vx = _vxlan_for_port(ns, t.dport)
            if vx is not None:
                return self.vxlan_rcv(ns, pkt, t.dport)
        origin = self.origin
        if origin is not None and origin[0] is ns and _is_answer(pkt, origin):
            self.hop(ns, dev, "deliver", f"to the sending socket {origin[2]}:{origin[3]} ({pkt.proto})", None, pkt)
            self.finish_answer(ns, pkt)
        if isinstance(t, ICMP):
            if t.type == 8:
                self.hop(ns, dev, "deliver", f"echo request to {pkt.dst}: the kernel answers", None, pkt)
                reply = IPv4(src=pkt.dst, dst=pkt.src) / ICMP(0, 0, t.id, t.seq)
                self.pending_reply = (ns, reply)
                self.end(ns, "delivered", f"echo request reached {pkt.dst} ({ns.name})", pkt, "kernel")
            self.drop(ns, dev, f"{t.name} for no socket", pkt)
        owner = ns.sockets.lookup(pkt.proto, pkt.dst, pkt.dport) if pkt.dport is not None else None
        if owner is None:
            self.hop(ns, dev, "deliver", f"nothing listens on {pkt.proto} {pkt.dst}:{pkt.dport}", None, pkt)
            if isinstance(t, TCP):
                rst = IPv4(src=pkt.dst, dst=pkt.src) / TCP(t.dport, t.sport, "RA", 0, t.seq + 1)
                self.pending_reply = (ns, rst)
                self.end(ns, "rejected", f"Connection refused: nothing listens on {pkt.dst}:{pkt.dport}", pkt)
            self.icmp_error(ns, dev, pkt, 3, 3)
        self.hop(ns, dev, "deliver", f"to the socket listening on {pkt.proto} {pkt.dport} ({_owner_name(owner)})",
                 None, pkt)
        self.pending_reply = (ns, _answer(pkt, owner))
        self.end(ns, "delivered", f"reached {_owner_name(owner)} on {pkt.dst}:{pkt.dport} in {ns.name}", pkt, owner)

    def finish_answer(self, ns, pkt: Packet) -> None:
        t = pkt.transport()
        if isinstance(t, ICMP) and t.type not in (0, 8):
            reason = ICMP_ERRNO.get((t.type, t.code), t.name)
            if t.type == 3 and t.code == 4:
                reason += f" (mtu {t.mtu})"
            self.end(ns, "delivered", f"the sender got ICMP {t.name}: {reason}", pkt)
        if isinstance(t, TCP) and "R" in t.flags:
            self.end(ns, "delivered", "the sender got a TCP reset: Connection refused", pkt)
        self.end(ns, "delivered", f"the answer reached the sender {pkt.dst}:{pkt.dport}"
                 if pkt.dport is not None else f"the answer reached the sender {pkt.dst}", pkt)

    # -- errors sent back ---------------------------------------------------------------------
    def icmp_error(self, ns, dev: Link, offending: Packet, type_: int, code: int, mtu: int = 0) -> None:
        """The kernel in ``ns`` tells the sender no: an ICMP error walks back (``walk.reply``)."""
        if ns.local_address_type(offending.dst) == "local":
            src = offending.dst  # icmp_send: a packet for a local address (a VIP too) is answered from it
        else:
            r = _route.lookup(ns, offending.src)
            src = str(r.src) if r.ok and r.src is not None else (_primary(dev) or offending.dst)
        quoted = Packet(offending.layers[: offending.index(IPv4) + 2])
        err = IPv4(src=src, dst=offending.src, df=False) / ICMP(type_, code, mtu=mtu) / quoted
        self.hop(ns, dev, "icmp", f"sends {err[ICMP].summary()} to {offending.src}", None, offending, err)
        self.pending_reply = (ns, err)
        name = err[ICMP].name + (f" mtu {mtu}" if mtu else "")
        self.end(ns, "rejected", f"{ICMP_ERRNO.get((type_, code), name)}: ICMP {name} from {src}", offending)

    def reject(self, ns, pkt: Packet, how: str, hook: str, ctx) -> None:
        t = pkt.transport()
        if how == "tcp-reset" and isinstance(t, TCP):
            rst = IPv4(src=pkt.dst, dst=pkt.src) / TCP(t.dport, t.sport, "RA", 0, t.seq + 1)
            self.pending_reply = (ns, rst)
            self.end(ns, "rejected", f"rejected in {hook} with a TCP reset", pkt)
        type_, code = REJECT_ICMP.get(how, (3, 3))
        dev = ns.get_link(ctx.in_iface) if ctx.in_iface else None
        self.icmp_error(ns, dev or ns.link("lo"), pkt, type_, code)

    # -- VXLAN ------------------------------------------------------------------------------
    def vxlan_xmit(self, ns, vx: Vxlan, nexthop: IPv4Address, pkt: Packet) -> None:
        mac = self.neighbour_static(ns, vx, nexthop, pkt)
        inner = Ether(src=vx.mac, dst=mac) / pkt
        remotes = vx.fdb.lookup(mac)
        if not remotes:
            self.drop(ns, vx, f"no FDB entry on {vx.name} for {mac}: no VTEP to send to", inner)
        remote = remotes[0]
        local = str(vx.local) if vx.local is not None else None
        sport = EPHEMERAL[0] + zlib.crc32(f"{pkt.src}|{pkt.dst}|{pkt.proto}|{pkt.sport}|{pkt.dport}".encode()) % (
            EPHEMERAL[1] - EPHEMERAL[0] + 1)
        outer = IPv4(src=local or "0.0.0.0", dst=str(remote.dst), df=False) / UDP(sport, vx.dstport) / VXLAN(vx.vni)
        encapsulated = outer / inner
        self.hop(ns, vx, "vxlan-encap", f"{mac} is behind VTEP {remote.dst}: wrapped in UDP {vx.dstport}, "
                 f"VNI {vx.vni} (+{VXLAN_OVERHEAD} bytes)", _vxlan_fdb_line(remote, vx), pkt, encapsulated)
        self.local_out(ns, encapsulated, oif=None)

    def neighbour_static(self, ns, vx: Vxlan, nexthop: IPv4Address, pkt: Packet) -> str:
        entry = ns.neigh.lookup(nexthop, vx)
        if entry is None or not entry.usable:
            self.drop(ns, vx, f"no neighbour entry for {nexthop} on {vx.name} (nolearning VXLAN cannot ARP)", pkt)
        self.hop(ns, vx, "neigh", f"{nexthop} is at {entry.lladdr}", entry.line().rstrip(), pkt)
        return entry.lladdr

    def vxlan_rcv(self, ns, pkt: Packet, port: int) -> None:
        vni = pkt[VXLAN].vni if VXLAN in pkt else None
        vx = next((d for d in ns.links.values() if isinstance(d, Vxlan) and d.dstport == port and d.vni == vni), None)
        if vx is None or not vx.admin_up:
            self.drop(ns, None, f"UDP {port} with VNI {vni}: no VXLAN device for it here", pkt)
        inner = pkt.inner()
        if vx.learning:
            vx.fdb.learn(inner[Ether].src, pkt.src, ns.kernel.now)
        self.hop(ns, vx, "vxlan-decap", f"VNI {vni} from VTEP {pkt.src}: unwrapped onto {vx.name}", None, pkt, inner)
        self.rx(ns, vx, inner)


# -- entry points ---------------------------------------------------------------------------

def send(netns, packet: Packet, reply: bool = True, oif: Link | str | None = None) -> Walk:
    """Send ``packet`` (an IPv4 stack) from a socket in ``netns`` and follow it.

    A source of ``0.0.0.0`` is filled in by the route's preferred source. With ``reply``,
    the answer (SYN-ACK, the application's response, an echo reply, a RST or an ICMP error)
    is walked back to the sender as ``walk.reply``."""
    pkt = packet if isinstance(packet.layers[0], IPv4) else packet.l3()
    if pkt[IPv4].src == "0.0.0.0":
        r = _route.lookup(netns, pkt.dst)
        if r.ok and r.src is not None:
            pkt = pkt.replace(IPv4, src=str(r.src))
    t = pkt.transport()
    origin = (netns, pkt.proto, pkt.src, getattr(t, "sport", None), getattr(t, "id", None))
    w = _Walker(origin)
    w.walk.hops.append(Hop(netns.name, None, "send", f"a socket sends {pkt.summary()}", None, pkt, pkt))
    if isinstance(oif, str):
        oif = netns.link(oif)
    try:
        w.local_out(netns, pkt, oif=oif)
    except _End:
        pass
    if reply and w.pending_reply is not None:
        ns, answer = w.pending_reply
        back = _Walker(origin)
        back.walk.hops.append(Hop(ns.name, None, "send", f"the answer: {answer.summary()}", None, answer, answer))
        try:
            back.local_out(ns, answer)
        except _End:
            pass
        w.walk.reply = back.walk
    return w.walk


def receive(dev: Link, frame: Packet, origin: tuple | None = None) -> Walk:
    """A frame arrives on ``dev`` (e.g. from outside the modelled world) and is followed."""
    w = _Walker(origin)
    w.walk.hops.append(Hop(dev.netns.name, dev.name, "rx", f"a frame arrives: {frame.summary()}", None, frame,
                           frame))
    try:
        w.rx(dev.netns, dev, frame)
    except _End:
        pass
    return w.walk


# -- helpers --------------------------------------------------------------------------------

def _ipvs_table(ns, what: str):
    """The namespace's IPVS table if it has ``services`` / ``conns`` (never creates one)."""
    table = getattr(getattr(ns, "netfilter", None), "ipvs", None)
    return table if table is not None and getattr(table, what) else None


def _vs_line(vs) -> str:
    """A virtual server's line in ``ipvsadm -Ln``."""
    return f"{vs.protocol:<4} {vs.ip}:{vs.port} {vs.scheduler}" + (f" persistent {vs.persistent}"
                                                                     if vs.persistent else "")


def _rs_line(rs) -> str:
    """A real server's line in ``ipvsadm -Ln`` (trailing column padding dropped)."""
    return (f"  -> {str(rs):<28} {rs.forward:<7} {rs.weight:<6} {rs.active_conns:<10} "
            f"{rs.inact_conns}")



def _name(dev) -> str | None:
    return dev if dev is None or isinstance(dev, str) else dev.name


def _primary(dev: Link | None) -> str | None:
    if dev is None:
        return None
    prim = dev.primary_addresses()
    return str(prim[0].local) if prim else None


def _route_what(r) -> str:
    if r.type == "local":
        return f"{r.dst} is a local address"
    via = f"via {r.gateway} " if r.gateway is not None else ""
    return f"{r.dst} {via}dev {r.dev.name} src {r.src}"


def _route_rule(r) -> str | None:
    if r.route is None:
        return None
    table = r.table_name
    line = r.line.rstrip()
    return line if table == "main" else f"{line} (table {table})"


def _step_text(s) -> str:
    if s.table == "conntrack":
        return s.action
    where = f"{s.table} {s.chain}" + (f" #{s.rulenum}" if s.rulenum else " policy")
    return f"{where} {s.action}"


def _fdb_line(entry, br: Bridge) -> str:
    dev = entry.port.name if entry.port is not None else br.name
    state = f" {entry.state}" if entry.state else ""
    return f"{entry.mac} dev {dev} master {br.name}{state}"


def _vxlan_fdb_line(entry, vx: Vxlan) -> str:
    return f"{entry.mac} dev {vx.name} dst {entry.dst} self{' permanent' if entry.permanent else ''}"


def _port_owning_mac(br: Bridge, mac: str, exclude: Link | None) -> Link | None:
    """Flooding, reduced to the port whose far side answers to ``mac``."""
    for port in br.ports:
        if port is exclude or not port.running:
            continue
        far = port.peer if isinstance(port, Veth) else None
        if far is not None and (far.mac == mac or (far.master is not None and far.master.mac == mac)):
            return port
    return None


def _arp_owner(dev: Link, ip: IPv4Address):
    """Who answers ``who-has ip`` sent out of ``dev``: (answering device, bridges crossed).

    A namespace answers for any of its local addresses (arp_ignore=0) with the MAC of the
    device the request arrived on; bridges flood the request to all their other ports."""
    seen: set[int] = set()
    # Each item: (device the request arrives on, bridges crossed so far)
    frontier: list[tuple[Link, list]] = []
    if isinstance(dev, Bridge):
        frontier += [(p.peer, [(dev, None, p)]) for p in dev.ports if isinstance(p, Veth) and p.running]
    elif isinstance(dev, Veth) and dev.peer is not None:
        frontier.append((dev.peer, []))
    while frontier:
        cand, crossed = frontier.pop(0)
        if cand is None or id(cand) in seen or not cand.admin_up:
            continue
        seen.add(id(cand))
        if cand.master is not None:
            br = cand.master
            if br.admin_up and br.netns.local_address_type(ip) == "local" and br.primary_addresses():
                return br, crossed + [(br, cand, cand)]
            for p in br.ports:
                if p is not cand and isinstance(p, Veth) and p.running:
                    frontier.append((p.peer, crossed + [(br, cand, p)]))
            continue
        if cand.netns.local_address_type(ip) == "local" or _arp_proxy(cand, ip) is not None:
            return cand, crossed
    return None


def _arp_proxy(dev: Link, ip: IPv4Address) -> str | None:
    """Who answers ``who-has ip`` on ``dev`` for an address that is not its own, or None:
    a user-space responder bound to it (``sockets`` proto ``arp``, as MetalLB's speaker), or a
    proxy neighbour entry (``ip neigh add proxy``) where the kernel's conditions hold
    (``arp_process``: forwarding on, a unicast route to ``ip`` through another device)."""
    ns = dev.netns
    owner = ns.sockets.lookup("arp", str(ip), 0)
    if owner is not None and getattr(owner, "dev", dev.name) == dev.name:
        return f"answered from user space by {getattr(owner, 'name', owner)}"
    proxy = getattr(ns.neigh, "proxy_lookup", None)
    entry = proxy(ip, dev) if proxy is not None else None
    if entry is not None and ns.sysctl("net.ipv4.ip_forward") == "1":
        r = _route.lookup(ns, ip)
        if r.ok and r.type == "unicast" and r.dev is not dev:
            return f"proxy ARP: {entry.line().rstrip()}"
    return None


def _vxlan_for_port(ns, port: int) -> Vxlan | None:
    for d in ns.links.values():
        if isinstance(d, Vxlan) and d.dstport == port and d.admin_up:
            return d
    return None


def _is_answer(pkt: Packet, origin: tuple) -> bool:
    """Is ``pkt`` (arriving in the origin namespace) the answer to the walk's first packet?"""
    _ns, proto, ip, port, icmp_id = origin
    if pkt.dst != ip:
        return False
    t = pkt.transport()
    if isinstance(t, ICMP):
        if t.type in (0, 8):
            return proto == "icmp" and t.id == icmp_id
        inner = Packet(pkt.layers[pkt.index(ICMP) + 1:])
        return IPv4 in inner and inner.src == ip and (proto == "icmp" or inner.sport == port)
    return pkt.proto == proto and pkt.dport == port


def _owner_name(owner) -> str:
    return getattr(owner, "name", None) or str(owner)


def _answer(pkt: Packet, owner) -> Packet:
    """What the receiving socket sends back: its application's answer, or the SYN-ACK."""
    respond = getattr(owner, "respond", None)
    t = pkt.transport()
    base = IPv4(src=pkt.dst, dst=pkt.src)
    if isinstance(t, TCP) and "S" in t.flags and "A" not in t.flags:
        return base / TCP(t.dport, t.sport, "SA", 0, t.seq + 1)  # the kernel answers a SYN itself
    if callable(respond):
        payload = respond(pkt)
        # An application may answer with whole layers (e.g. a DNS message) or with text.
        body = payload if isinstance(payload, (Layer, Packet)) else Raw(str(payload or ""))
        if isinstance(t, UDP):
            return base / UDP(t.dport, t.sport) / body
        return base / TCP(t.dport, t.sport, "PA", 1, t.seq + 1) / body
    if isinstance(t, TCP):
        return base / TCP(t.dport, t.sport, "SA", 0, t.seq + 1)
    return base / UDP(t.dport, t.sport) / Raw("")


__all__ = ["Hop", "Walk", "receive", "send"]
