"""The packet walk's entry point into netfilter: run one hook as the kernel does.

``Netfilter.hook(hook, packet, ctx)`` runs, at one of PREROUTING, INPUT, FORWARD, OUTPUT,
POSTROUTING, every table the kernel registers there, in its priority order::

    PREROUTING   raw(-300)  conntrack(-200)  mangle(-150)  nat DNAT(-100)
    INPUT                                    mangle  filter(0)  nat SNAT(100)  confirm
    FORWARD                                  mangle  filter
    OUTPUT       raw        conntrack        mangle  nat DNAT  filter
    POSTROUTING                              mangle  nat SNAT(100)  confirm

The nat table is consulted only for a connection's first packet (and only once per NAT type);
the decision is stored in the conntrack entry, and every packet of the connection, in either
direction, is then rewritten by conntrack at the nat hooks (replies get the reverse rewrite).
Rules are evaluated one by one; each matched rule is counted and recorded as a ``Step``.

Usage, for one packet in one namespace (keep the same ``HookContext`` across the hooks of
that namespace: it carries the skb's mark and conntrack entry, as the kernel's skb does)::

    ctx = HookContext(in_iface="eth0", is_local=ns.is_local, iface_addr=ns.primary_addr,
                      random=rng, now=clock.now)
    r = nf.hook("PREROUTING", pkt, ctx)
    if r.verdict == "ACCEPT":
        pkt = r.packet                      # after DNAT / un-SNAT
        ... route ..., ctx.out_iface = "eth1"
        r = nf.hook("FORWARD", pkt, ctx); r = nf.hook("POSTROUTING", r.packet, ctx)
"""

from __future__ import annotations

import dataclasses
import random as _random
from collections.abc import Callable
from dataclasses import dataclass, field

from ..packet import ICMP, TCP, UDP, IPv4, Packet
from .addr import int_to_ip, ip_to_int
from .conntrack import ORIGINAL, REPLY, ConntrackEntry, invert
from .rule import SharedRule
from .targets import ACCEPT, CONTINUE, DROP, GOTO, JUMP, RETURN, Masquerade, Nat

HOOKS = ("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING")
# (table or pseudo-step, nat manip) in priority order at each hook.
HOOK_TABLES = {
    "PREROUTING": ("raw", "conntrack", "mangle", "nat"),
    "INPUT": ("mangle", "filter", "nat", "confirm"),
    "FORWARD": ("mangle", "filter"),
    "OUTPUT": ("raw", "conntrack", "mangle", "nat", "filter"),
    "POSTROUTING": ("mangle", "nat", "confirm"),
}
MANIP = {"PREROUTING": "dst", "OUTPUT": "dst", "INPUT": "src", "POSTROUTING": "src"}
ICMP_ERRORS = (3, 4, 5, 11, 12)


@dataclass
class HookContext:
    """What the kernel knows about a packet besides its headers, for one namespace.

    ``mark`` is the skb mark (MARK changes it); ``ct``/``ct_dir``/``ctstate`` are filled by the
    first hook and carried to the next ones; ``is_local`` answers addrtype LOCAL;
    ``iface_addr`` gives an interface's primary IPv4 address (MASQUERADE); ``random`` is the
    seeded source for ``-m statistic`` and ``--random-fully``; ``now`` is virtual seconds."""

    in_iface: str | None = None
    out_iface: str | None = None
    mark: int = 0
    is_local: Callable[[str], bool] = lambda addr: False
    iface_addr: Callable[[str], str | None] = lambda ifname: None
    random: _random.Random = field(default_factory=lambda: _random.Random(0))
    now: float = 0.0
    physdev_in: str | None = None
    physdev_out: str | None = None
    ct: ConntrackEntry | None = None
    ct_dir: int = ORIGINAL
    ctstate: str | None = None  # NEW ESTABLISHED RELATED INVALID UNTRACKED, once looked up
    related_inner: bool = False


@dataclass
class Step:
    """One thing netfilter did: a matched rule (``rulenum`` 1-based, as ``--line-numbers``), a
    chain policy (``rulenum`` None), or a conntrack action (``table == "conntrack"``)."""

    table: str
    chain: str
    rulenum: int | None
    rule: str
    action: str

    def __str__(self) -> str:
        where = f"{self.table}/{self.chain}" + (f" #{self.rulenum}" if self.rulenum else "")
        return f"{where}: {self.rule} => {self.action}" if self.rule else f"{where}: {self.action}"


@dataclass
class HookResult:
    """The outcome of one hook: the verdict, the packet after any NAT, the conntrack entry and
    state, and the steps taken (matched rules and policies, in order)."""

    verdict: str
    packet: Packet
    steps: list[Step]
    ct: ConntrackEntry | None = None
    ctstate: str | None = None
    reject_with: str | None = None
    log: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return self.verdict == "ACCEPT"


class PacketView:
    """The packet fields rules test, decoded once per hook."""

    __slots__ = (
        "src",
        "dst",
        "src_s",
        "dst_s",
        "proto",
        "sport",
        "dport",
        "icmp_type",
        "icmp_code",
        "length",
        "ctx",
        "nf",
        "ct",
        "ctstates",
        "nat",
        "notrack",
        "log",
    )

    def __init__(self, p: Packet, ctx: HookContext, nf) -> None:
        ip = p.layers[0]
        self.src_s, self.dst_s = ip.src, ip.dst
        self.src, self.dst = ip_to_int(ip.src), ip_to_int(ip.dst)
        self.proto = ip.proto or 0
        above = p.layers[1] if len(p.layers) > 1 else None
        self.sport = getattr(above, "sport", None) if self.proto in (6, 17, 132) else None
        self.dport = getattr(above, "dport", None) if self.proto in (6, 17, 132) else None
        if isinstance(above, ICMP):
            self.icmp_type, self.icmp_code = above.type, above.code
        else:
            self.icmp_type = self.icmp_code = None
        self.length = len(p)
        self.ctx, self.nf = ctx, nf
        self.ct = ctx.ct
        self.ctstates = _ctstates(ctx)
        self.nat = None
        self.notrack = False
        self.log: list[str] = []


def _ctstates(ctx: HookContext) -> frozenset:
    if ctx.ctstate is None:
        return frozenset()
    s = {ctx.ctstate}
    ct = ctx.ct
    if ct is not None:
        if ct.dnat:
            s.add("DNAT")
        if ct.snat:
            s.add("SNAT")
    return frozenset(s)


def run_hook(nf, hook: str, packet: Packet, ctx: HookContext) -> HookResult:
    """Run all tables at ``hook`` over ``packet`` (an L3 packet, or a frame: its IPv4 part is used)."""
    if hook not in HOOKS:
        raise ValueError(f"unknown hook {hook!r}; one of {', '.join(HOOKS)}")
    p = packet if packet.layers and isinstance(packet.layers[0], IPv4) else packet.l3()
    steps: list[Step] = []
    logs: list[str] = []
    for stage in HOOK_TABLES[hook]:
        if stage == "conntrack":
            _ct_in(nf, p, ctx, steps, hook)
            continue
        if stage == "confirm":
            if ctx.ct is not None and not ctx.ct.confirmed:
                nf.conntrack.confirm(ctx.ct)
            continue
        if ctx.ctstate is None and stage != "raw":
            _ct_in(nf, p, ctx, steps, hook)  # a walk that skipped PREROUTING/OUTPUT
        if stage == "nat":
            verdict, p, extra = _nat(nf, hook, p, ctx, steps, logs)
            if verdict is not None:
                return HookResult(verdict, p, steps, ctx.ct, ctx.ctstate, log=logs)
            continue
        table = nf.tables[stage]
        pv = PacketView(p, ctx, nf)
        verdict, reject = traverse(table, hook, pv, steps)
        logs.extend(pv.log)
        if pv.notrack:
            ctx.ctstate = "UNTRACKED"
            ctx.ct = None
        if verdict != ACCEPT:
            return HookResult(
                "DROP" if verdict == DROP else "REJECT",
                p,
                steps,
                ctx.ct,
                ctx.ctstate,
                reject_with=reject,
                log=logs,
            )
    return HookResult("ACCEPT", p, steps, ctx.ct, ctx.ctstate, log=logs)


def traverse(table, chain_name: str, pv: PacketView, steps: list[Step] | None):
    """Walk a packet through a built-in chain and whatever it jumps to. Returns (verdict, reject_with)."""
    base = table.chains[chain_name]
    chain = base
    tname = table.name
    stack: list = []
    cands = chain.candidates(pv.dst)
    k = 0
    length = pv.length
    while True:
        if k >= len(cands):
            if stack:
                chain, cands, k = stack.pop()
                continue
            return _policy(tname, base, pv, steps, chain)
        idx = cands[k]
        k += 1
        rule = chain.rules[idx]
        for f in rule._preds if rule._preds is not None else rule.compile():
            if not f(pv):
                break
        else:
            if rule.__class__ is SharedRule:   # counted here: the chain's own copy from now on
                rule = chain.own_rule(idx)
            rule.pkts += 1
            rule.bytes += length
            t = rule.target
            if t is None:
                if steps is not None:
                    steps.append(Step(tname, chain.name, idx + 1, rule.save_line(), "count"))
                continue
            v = t.apply(pv)
            if steps is not None:
                steps.append(Step(tname, chain.name, idx + 1, rule.save_line(), _describe(t, v, pv)))
            if v == CONTINUE:
                continue
            if v == JUMP:
                stack.append((chain, cands, k))
                chain = table.chains[t.chain]
                cands, k = chain.candidates(pv.dst), 0
            elif v == GOTO:
                chain = table.chains[t.chain]
                cands, k = chain.candidates(pv.dst), 0
            elif v == RETURN:
                if stack:
                    chain, cands, k = stack.pop()
                else:
                    return _policy(tname, base, pv, steps, chain)
            else:
                return v, getattr(t, "reject_with", None)


def _policy(tname, base, pv, steps, chain):
    base.pkts += 1
    base.bytes += pv.length
    if steps is not None:
        steps.append(Step(tname, base.name, None, f"-P {base.name} {base.policy}", f"policy {base.policy}"))
    return (ACCEPT if base.policy == "ACCEPT" else DROP), None


def _describe(t, v, pv) -> str:
    if v == JUMP:
        return f"jump to {t.chain}"
    if v == GOTO:
        return f"goto {t.chain}"
    if isinstance(t, (Nat, Masquerade)):
        return f"{t.name}" + (f" {t.listing()}" if t.listing() else "")
    return t.describe()


# ---- conntrack ---------------------------------------------------------------------------------
def packet_tuple(p: Packet) -> tuple:
    ip = p.layers[0]
    proto = ip.proto or 0
    above = p.layers[1] if len(p.layers) > 1 else None
    if proto in (6, 17) and above is not None:
        return (proto, ip.src, ip.dst, above.sport, above.dport)
    if proto == 1 and isinstance(above, ICMP):
        return (1, ip.src, ip.dst, above.id, above.type)
    return (proto, ip.src, ip.dst, 0, 0)


def _ct_in(nf, p: Packet, ctx: HookContext, steps: list[Step], hook: str) -> None:
    """Conntrack's look-up at PREROUTING/OUTPUT: find or create the entry, set the state."""
    if ctx.ctstate is not None:  # already tracked (or untracked) by an earlier hook
        return
    ct = nf.conntrack
    now = ctx.now
    above = p.layers[1] if len(p.layers) > 1 else None
    if isinstance(above, ICMP) and above.type in ICMP_ERRORS:
        inner = Packet(p.layers[2:]) if len(p.layers) > 2 and isinstance(p.layers[2], IPv4) else None
        hit = ct.lookup(invert(packet_tuple(inner)), now) if inner is not None else None
        if hit is None:
            ctx.ctstate = "INVALID"
            return
        ctx.ct, ctx.ct_dir = hit
        ctx.ctstate = "RELATED"
        ctx.related_inner = True
        return
    t = packet_tuple(p)
    flags = above.flags if isinstance(above, TCP) else None
    hit = ct.lookup(t, now)
    if hit is None:
        entry = ct.new(t)
        ct.update(entry, ORIGINAL, flags, now, new=True)
        ctx.ct, ctx.ct_dir, ctx.ctstate = entry, ORIGINAL, "NEW"
        steps.append(Step("conntrack", hook, None, "", f"new connection {_tuple_text(t)}"))
        return
    entry, d = hit
    ct.update(entry, d, flags, now, new=False)
    ctx.ct, ctx.ct_dir = entry, d
    ctx.ctstate = "ESTABLISHED" if entry.seen_reply else "NEW"


def _tuple_text(t) -> str:
    proto, src, dst, a, b = t
    name = {6: "tcp", 17: "udp", 1: "icmp"}.get(proto, str(proto))
    if proto in (6, 17):
        return f"{name} {src}:{a} -> {dst}:{b}"
    return f"{name} {src} -> {dst}"


def _nat(nf, hook: str, p: Packet, ctx: HookContext, steps: list[Step], logs: list[str]):
    """The nat hook: on a connection's first packet run the nat table and bind; then rewrite the
    packet as the binding says (both directions). Returns (verdict or None, packet, _)."""
    manip = MANIP.get(hook)
    ct = ctx.ct
    if manip is None or ct is None or ctx.ctstate in ("INVALID", "UNTRACKED"):
        return None, p, None
    if manip not in ct.nat_done and ctx.ct_dir == ORIGINAL and not ctx.related_inner:
        table = nf.tables["nat"]
        pv = PacketView(p, ctx, nf)
        verdict, _ = traverse(table, hook, pv, steps)
        logs.extend(pv.log)
        if verdict != ACCEPT:
            return "DROP", p, None
        ct.nat_done.add(manip)
        if pv.nat is not None and pv.nat[0] == manip:
            if not _bind(nf, ct, manip, pv.nat[1], ctx, steps, hook):
                return "DROP", p, None
    if ctx.related_inner and not _has_nat(ct, manip, ctx.ct_dir):
        return None, p, None  # an ICMP error about a connection with no such NAT is left alone
    new = _translate(p, ct, ctx.ct_dir, manip, ctx.related_inner)
    if new is not p:
        old = p
        p = new
        kind = {
            ("dst", ORIGINAL): "DNAT",
            ("src", ORIGINAL): "SNAT",
            ("dst", REPLY): "un-SNAT",
            ("src", REPLY): "un-DNAT",
        }[(manip, ctx.ct_dir)]
        if manip == "dst":
            what = f"dst {_ep(old, 'dst')} -> {_ep(p, 'dst')}"
        else:
            what = f"src {_ep(old, 'src')} -> {_ep(p, 'src')}"
        steps.append(Step("conntrack", hook, None, "", f"{kind}: {what}"))
    return None, p, None


def _has_nat(ct: ConntrackEntry, manip: str, direction: int) -> bool:
    """The kernel's status-bit test: is there a NAT of this kind to undo or apply here?
    (In the reply direction a source rewrite undoes DNAT and a destination rewrite undoes SNAT.)"""
    dnat = (manip == "dst") != (direction == REPLY)
    return ct.dnat if dnat else ct.snat


def _ep(p: Packet, side: str) -> str:
    ip = p.layers[0]
    addr = ip.src if side == "src" else ip.dst
    port = p.sport if side == "src" else p.dport
    return f"{addr}:{port}" if port is not None and (ip.proto in (6, 17)) else addr


def _bind(nf, ct: ConntrackEntry, manip: str, target, ctx: HookContext, steps, hook) -> bool:
    """Store a NAT decision in the entry's reply tuple, choosing a free port if needed."""
    proto, rsrc, rdst, ra, rb = ct.reply
    ports = target.ports
    if isinstance(target, Masquerade):
        addr = ctx.iface_addr(ctx.out_iface) if ctx.out_iface else None
        if addr is None:
            steps.append(Step("conntrack", hook, None, "", f"MASQUERADE: no address on {ctx.out_iface}"))
            return False
        ips = (ip_to_int(addr), ip_to_int(addr))
    else:
        ips = target.ips
    new_ip = int_to_ip(ips[0])
    random_fully = "--random-fully" in target.flags
    if manip == "dst":
        new_port = ports[0] if (ports and proto in (6, 17)) else ra
        nf.conntrack.set_reply(ct, (proto, new_ip, rdst, new_port, rb))
        return True
    # Source NAT: the reply tuple (proto, rsrc, new_ip, ra, port) must be unique.
    cur = rb
    if proto not in (6, 17):
        nf.conntrack.set_reply(ct, (proto, rsrc, new_ip, ra, rb))
        return True
    lo, hi = ports if ports else ((1024, 65535) if cur >= 1024 else (1, 1023))

    def free(port):
        return not nf.conntrack.tuple_in_use((proto, rsrc, new_ip, ra, port), ctx.now, ignore=ct)

    if random_fully:
        span = hi - lo + 1
        start = ctx.random.randrange(span)
        candidates = (lo + (start + i) % span for i in range(span))
    else:
        first = [cur] if lo <= cur <= hi else []
        candidates = iter(first + [x for x in range(lo, hi + 1) if x != cur])
    for port in candidates:
        if free(port):
            nf.conntrack.set_reply(ct, (proto, rsrc, new_ip, ra, port))
            return True
    return False


def _translate(p: Packet, ct: ConntrackEntry, d: int, manip: str, related: bool) -> Packet:
    """Rewrite the packet (and, for an ICMP error, the header it quotes) to the binding."""
    target = invert(ct.tuples[1 - d])  # what a packet in direction d looks like after full NAT
    _, tsrc, tdst, ta, tb = target
    ip = p.layers[0]
    layers = list(p.layers)
    changed = False
    tcpudp = (ip.proto in (6, 17)) and len(layers) > 1 and isinstance(layers[1], (TCP, UDP))
    if manip == "dst":
        if ip.dst != tdst:
            layers[0] = dataclasses.replace(ip, dst=tdst)
            changed = True
        if tcpudp and not related and layers[1].dport != tb:
            layers[1] = dataclasses.replace(layers[1], dport=tb)
            changed = True
    else:
        if ip.src != tsrc:
            layers[0] = dataclasses.replace(ip, src=tsrc)
            changed = True
        if tcpudp and not related and layers[1].sport != ta:
            layers[1] = dataclasses.replace(layers[1], sport=ta)
            changed = True
    if related and len(layers) > 2 and isinstance(layers[2], IPv4):
        inner = layers[2]
        has_ports = len(layers) > 3 and isinstance(layers[3], (TCP, UDP))
        if manip == "dst":  # outer destination <-> quoted source
            if inner.src != tdst:
                layers[2] = dataclasses.replace(inner, src=tdst)
                changed = True
            if has_ports and layers[3].sport != tb:
                layers[3] = dataclasses.replace(layers[3], sport=tb)
                changed = True
        else:
            if inner.dst != tsrc:
                layers[2] = dataclasses.replace(inner, dst=tsrc)
                changed = True
            if has_ports and layers[3].dport != ta:
                layers[3] = dataclasses.replace(layers[3], dport=ta)
                changed = True
    return Packet(tuple(layers)) if changed else p
