"""Connection tracking: entries keyed by their original and reply tuples, states, timeouts on a
virtual clock, marks and NAT bindings, printed as ``conntrack -L`` does.

Tuples are ``(proto, src, dst, a, b)``: for TCP/UDP ``a, b`` are the source and destination
ports; for ICMP echo they are the echo id and the ICMP type (8 in the original direction, 0 in
the reply), which is how the kernel tells a ping's request and reply apart.

Timeouts are the kernel's defaults (net.netfilter.nf_conntrack_*_timeout_* on Linux 6.x):
TCP SYN_SENT 120 s, SYN_RECV 60, ESTABLISHED 432000, FIN_WAIT 120, CLOSE_WAIT 60, LAST_ACK 30,
TIME_WAIT 120, CLOSE 10; UDP 30 s until the flow is a "stream" (a packet after the reply has
been seen), then 120 s and [ASSURED]; ICMP 30 s; other protocols 600 s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .addr import ip_to_int

TCP_TIMEOUTS = {
    "SYN_SENT": 120,
    "SYN_RECV": 60,
    "ESTABLISHED": 432000,
    "FIN_WAIT": 120,
    "CLOSE_WAIT": 60,
    "LAST_ACK": 30,
    "TIME_WAIT": 120,
    "CLOSE": 10,
}
UDP_TIMEOUT = 30
UDP_STREAM_TIMEOUT = 120
ICMP_TIMEOUT = 30
GENERIC_TIMEOUT = 600
PROTO_NAMES = {6: "tcp", 17: "udp", 1: "icmp"}
ICMP_REPLY_TYPE = {8: 0, 13: 14, 15: 16, 17: 18}
ORIGINAL, REPLY = 0, 1
CONNTRACK_VERSION = "conntrack v1.4.7 (conntrack-tools)"

Tuple = tuple  # (proto, src, dst, a, b)


@dataclass(eq=False)
class ConntrackEntry:
    """One tracked connection. ``tuples[0]`` is the original direction, ``tuples[1]`` the reply
    direction as it will be seen after NAT (a DNAT changes the reply's source, a SNAT its
    destination)."""

    id: int
    tuples: list
    state: str | None = None  # TCP state name
    expires: float = 0.0
    seen_reply: bool = False
    assured: bool = False
    confirmed: bool = False
    mark: int = 0
    nat_done: set = field(default_factory=set)  # {"dst", "src"}: NAT decisions taken
    udp_stream: bool = False

    @property
    def orig(self) -> Tuple:
        return self.tuples[ORIGINAL]

    @property
    def reply(self) -> Tuple:
        return self.tuples[REPLY]

    @property
    def proto(self) -> int:
        return self.orig[0]

    @property
    def dnat(self) -> bool:
        """Destination NAT in effect: the reply does not come from the original destination."""
        return (
            (self.reply[1], self.reply[3]) != (self.orig[2], self.orig[4])
            and self.proto != 1
            or (self.proto == 1 and self.reply[1] != self.orig[2])
        )

    @property
    def snat(self) -> bool:
        if self.proto == 1:
            return self.reply[2] != self.orig[1]
        return (self.reply[2], self.reply[4]) != (self.orig[1], self.orig[3])

    def tuple_addr(self, which: str, side: str) -> int:
        t = self.orig if which == "orig" else self.reply
        return ip_to_int(t[1] if side == "src" else t[2])

    def status_names(self) -> set[str]:
        s = set()
        if self.seen_reply:
            s.add("SEEN_REPLY")
        if self.assured:
            s.add("ASSURED")
        if self.confirmed:
            s.add("CONFIRMED")
        return s

    def timeout(self, now: float) -> int:
        """Seconds left as conntrack -L shows them: the kernel rounds down a remaining time that has
        always just started to run, so a fresh UDP entry reads 29, not 30."""
        return max(0, math.ceil(self.expires - now) - 1)

    def format(self, now: float) -> str:
        """One line of ``conntrack -L``."""
        proto = self.proto
        name = PROTO_NAMES.get(proto, "unknown")
        out = f"{name:<8} {proto} {self.timeout(now)} "
        if self.state:
            out += self.state + " "
        out += self._tuple_text(self.orig)
        if not self.seen_reply:
            out += " [UNREPLIED]"
        out += " " + self._tuple_text(self.reply)
        if self.assured:
            out += " [ASSURED]"
        out += f" mark={self.mark} use=1"
        return out

    @staticmethod
    def _tuple_text(t: Tuple) -> str:
        proto, src, dst, a, b = t
        if proto == 1:
            return f"src={src} dst={dst} type={b} code=0 id={a}"
        if proto in (6, 17):
            return f"src={src} dst={dst} sport={a} dport={b}"
        return f"src={src} dst={dst}"


def invert(t: Tuple) -> Tuple:
    proto, src, dst, a, b = t
    if proto == 1:
        return (proto, dst, src, a, ICMP_REPLY_TYPE.get(b, b))
    return (proto, dst, src, b, a)


class Conntrack:
    """The connection table of one network namespace."""

    def __init__(self) -> None:
        self.table: dict[Tuple, tuple[ConntrackEntry, int]] = {}
        self.next_id = 1

    # ---- lookup and creation --------------------------------------------------------------
    def lookup(self, t: Tuple, now: float) -> tuple[ConntrackEntry, int] | None:
        """The confirmed entry (and direction) a tuple belongs to; expired entries are dropped."""
        hit = self.table.get(t)
        if hit is None:
            return None
        entry = hit[0]
        if entry.expires <= now:
            self.remove(entry)
            return None
        return hit

    def new(self, t: Tuple) -> ConntrackEntry:
        """A new, unconfirmed entry for a first packet (confirmed when the packet leaves)."""
        entry = ConntrackEntry(id=self.next_id, tuples=[t, invert(t)])
        self.next_id += 1
        return entry

    def confirm(self, entry: ConntrackEntry) -> None:
        """Insert an entry in the table (the kernel does this at the last hook, POSTROUTING or INPUT)."""
        if entry.confirmed:
            return
        entry.confirmed = True
        self.table[entry.orig] = (entry, ORIGINAL)
        self.table[entry.reply] = (entry, REPLY)

    def set_reply(self, entry: ConntrackEntry, reply: Tuple) -> None:
        """Change the reply tuple (a NAT binding), keeping the index right."""
        if entry.confirmed:
            self.table.pop(entry.reply, None)
            self.table[reply] = (entry, REPLY)
        entry.tuples[REPLY] = reply

    def tuple_in_use(self, t: Tuple, now: float, ignore: ConntrackEntry | None = None) -> bool:
        hit = self.lookup(t, now)
        return hit is not None and hit[0] is not ignore

    def remove(self, entry: ConntrackEntry) -> None:
        for t in entry.tuples:
            hit = self.table.get(t)
            if hit is not None and hit[0] is entry:
                del self.table[t]

    def entries(self, now: float | None = None) -> list[ConntrackEntry]:
        """Live entries in creation order (expired ones are dropped when ``now`` is given)."""
        seen = {}
        for entry, _ in list(self.table.values()):
            if now is not None and entry.expires <= now:
                self.remove(entry)
                continue
            seen[entry.id] = entry
        return [seen[k] for k in sorted(seen)]

    def flush(self) -> None:
        self.table.clear()

    # ---- state machine --------------------------------------------------------------------
    def update(self, entry: ConntrackEntry, direction: int, flags: str | None, now: float, new: bool) -> None:
        """Advance the entry's state for a packet seen in ``direction`` and refresh its timeout."""
        proto = entry.proto
        if direction == REPLY and not entry.seen_reply:
            entry.seen_reply = True
            reply_first = True
        else:
            reply_first = False
        if proto == 6:
            entry.state = _tcp_next(entry.state, direction, flags or "", new)
            if entry.state == "ESTABLISHED" and entry.seen_reply:
                entry.assured = True
            entry.expires = now + TCP_TIMEOUTS[entry.state]
        elif proto == 17:
            if entry.seen_reply and not reply_first and not new:
                entry.udp_stream = True
                entry.assured = True
            entry.expires = now + (UDP_STREAM_TIMEOUT if entry.udp_stream else UDP_TIMEOUT)
        elif proto == 1:
            entry.expires = now + ICMP_TIMEOUT
        else:
            entry.expires = now + GENERIC_TIMEOUT

    # ---- output ---------------------------------------------------------------------------
    def listing(self, now: float) -> tuple[str, str]:
        """``conntrack -L``: (stdout, stderr). The count line goes to stderr, as the real tool does."""
        entries = self.entries(now)
        out = "".join(e.format(now) + "\n" for e in entries)
        err = f"{CONNTRACK_VERSION}: {len(entries)} flow entries have been shown.\n"
        return out, err


def _tcp_next(state: str | None, direction: int, flags: str, new: bool) -> str:
    """A simplified TCP state machine with the kernel's state names."""
    if "R" in flags:
        return "CLOSE"
    if state is None:
        return "SYN_SENT" if "S" in flags and "A" not in flags else "ESTABLISHED"
    if state == "SYN_SENT":
        if direction == REPLY and "S" in flags and "A" in flags:
            return "SYN_RECV"
        return state
    if state == "SYN_RECV":
        if direction == ORIGINAL and "A" in flags and "S" not in flags:
            return "ESTABLISHED"
        return state
    if state == "ESTABLISHED":
        if "F" in flags:
            return "FIN_WAIT"
        return state
    if state == "FIN_WAIT":
        if "F" in flags:
            return "LAST_ACK"
        if "A" in flags:
            return "CLOSE_WAIT"
        return state
    if state == "CLOSE_WAIT":
        if "F" in flags:
            return "LAST_ACK"
        return state
    if state == "LAST_ACK":
        if "A" in flags:
            return "TIME_WAIT"
        return state
    if state in ("TIME_WAIT", "CLOSE") and "S" in flags and "A" not in flags:
        return "SYN_SENT"
    return state
