"""Match extensions (``-m NAME``): parsing iptables options, printing them as iptables-save and
``iptables -L`` do, and compiling them into predicates over a packet view.

Each match keeps the options it was given, normalised as the kernel stores them, so that printing
reproduces iptables' canonical text (e.g. ``--probability 0.3333333333`` is stored as
round(p * 2**31) and printed back as ``0.33333333349``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from .addr import format_network, int_to_ip, parse_network
from .errors import KERNEL, NetfilterError

Predicate = Callable[["object"], bool]

PORT_NAMES = {"ssh": 22, "domain": 53, "http": 80, "https": 443, "ntp": 123}
ICMP_TYPES = {
    "any": (255, 0, 255),
    "echo-reply": (0, 0, 255),
    "pong": (0, 0, 255),
    "destination-unreachable": (3, 0, 255),
    "network-unreachable": (3, 0, 0),
    "host-unreachable": (3, 1, 1),
    "protocol-unreachable": (3, 2, 2),
    "port-unreachable": (3, 3, 3),
    "fragmentation-needed": (3, 4, 4),
    "network-prohibited": (3, 9, 9),
    "host-prohibited": (3, 10, 10),
    "communication-prohibited": (3, 13, 13),
    "redirect": (5, 0, 255),
    "echo-request": (8, 0, 255),
    "ping": (8, 0, 255),
    "time-exceeded": (11, 0, 255),
    "ttl-exceeded": (11, 0, 0),
    "parameter-problem": (12, 0, 255),
}
CTSTATES = ("INVALID", "NEW", "RELATED", "ESTABLISHED", "UNTRACKED", "SNAT", "DNAT")
ADDRTYPES = (
    "UNSPEC",
    "UNICAST",
    "LOCAL",
    "BROADCAST",
    "ANYCAST",
    "MULTICAST",
    "BLACKHOLE",
    "UNREACHABLE",
    "PROHIBIT",
    "THROW",
    "NAT",
    "XRESOLVE",
)


def quote(value: str) -> str:
    """A string argument as iptables-save prints it: bare if it is only [A-Za-z0-9_-], else
    double-quoted with ``"``, ``'`` and ``\\`` escaped (observed with iptables 1.8.9)."""
    if value and all(c.isascii() and (c.isalnum() or c in "_-") for c in value):
        return value
    out = []
    for c in value:
        if c in "\"'\\":
            out.append("\\")
        out.append(c)
    return '"' + "".join(out) + '"'


def parse_port(text: str) -> int:
    if text.isdecimal() and int(text) <= 65535:
        return int(text)
    if text in PORT_NAMES:
        return PORT_NAMES[text]
    raise NetfilterError(f"invalid port/service `{text}' specified")


def parse_port_range(text: str) -> tuple[int, int]:
    if ":" in text:
        a, b = text.split(":", 1)
        lo = parse_port(a) if a else 0
        hi = parse_port(b) if b else 65535
        if lo > hi:
            raise NetfilterError("invalid portrange (min > max)")
        return lo, hi
    p = parse_port(text)
    return p, p


SERVICES = {1: "tcpmux", 22: "ssh", 53: "domain", 80: "http", 123: "ntp", 443: "https", 8080: "http-alt"}


def service(port: int) -> str | int:
    """A port as ``iptables -L`` without -n names it (from /etc/services)."""
    return SERVICES.get(port, port)


def format_range(r: tuple, sep: str = ":") -> str:
    return str(r[0]) if r[0] == r[1] else f"{r[0]}{sep}{r[1]}"


def parse_uint(text: str, what: str) -> int:
    try:
        return int(text, 0)
    except ValueError:
        raise NetfilterError(f'{what}: bad value for option "--{what}", or out of range.\n') from None


def parse_value_mask(text: str, match: str, option: str) -> tuple[int, int]:
    """'0x4000/0x4000' or '1' -> (value, mask); mask defaults to 0xffffffff."""
    parts = text.split("/")
    try:
        value = int(parts[0], 0)
        mask = int(parts[1], 0) if len(parts) > 1 else 0xFFFFFFFF
    except ValueError:
        raise NetfilterError(f'{match}: bad value for option "--{option}", or out of range.\n') from None
    if len(parts) > 2:
        raise NetfilterError(f'{match}: trailing garbage after value for option "--{option}".\n')
    return value & 0xFFFFFFFF, mask & 0xFFFFFFFF


def _inv(inv: bool) -> str:
    return "! " if inv else ""


class Match:
    """Base class. ``OPTIONS`` maps each accepted option to the number of arguments it takes."""

    name = ""
    OPTIONS: dict[str, int] = {}

    def parse(self, opt: str, args: list[str], inv: bool) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def finalize(self) -> None:
        """Check that the required options are present, with iptables' message if not."""

    def check(self, rule, table: str, builtin: bool) -> None:
        """Refuse the rule as the kernel's checkentry would (a KERNEL NetfilterError)."""

    def save(self) -> str:
        """The text following ``-m NAME`` in iptables-save output (starting with a space, or empty)."""
        return ""

    def listing(self, numeric: bool = True) -> str:
        """The text ``iptables -L [-n]`` prints for this match (without the leading space)."""
        return ""

    def compile(self) -> Predicate | None:
        """A predicate over a PacketView, or None if the match always matches."""
        return None

    def save_text(self) -> str:
        return f"-m {self.name}{self.save()}"


class PortsMatch(Match):
    """``-m tcp`` / ``-m udp``: source and destination port (ranges), with negation."""

    OPTIONS = {"--sport": 1, "--source-port": 1, "--dport": 1, "--destination-port": 1}

    def __init__(self, name: str):
        self.name = name
        self.sport: tuple[int, int] | None = None
        self.dport: tuple[int, int] | None = None
        self.sinv = self.dinv = False

    def parse(self, opt, args, inv):
        r = parse_port_range(args[0])
        src = opt in ("--sport", "--source-port")
        if (self.sport if src else self.dport) is not None:
            raise NetfilterError(f"Only one `--{'source' if src else 'destination'}-port' allowed")
        if src:
            self.sport, self.sinv = r, inv
        else:
            self.dport, self.dinv = r, inv

    def save(self):
        s = ""
        if self.sport:
            s += f" {_inv(self.sinv)}--sport {format_range(self.sport)}"
        if self.dport:
            s += f" {_inv(self.dinv)}--dport {format_range(self.dport)}"
        return s

    def listing(self, numeric=True):
        s = self.name
        for key, r, inv in (("spt", self.sport, self.sinv), ("dpt", self.dport, self.dinv)):
            if r is None or r == (0, 65535) and not inv:
                continue
            a, b = (r[0], r[1]) if numeric else (service(r[0]), service(r[1]))
            if r[0] == r[1]:
                s += f" {key}:{'!' if inv else ''}{a}"
            else:
                s += f" {key}s:{'!' if inv else ''}{a}:{b}"
        return s

    def compile(self):
        tests = []
        for attr, r, inv in (("sport", self.sport, self.sinv), ("dport", self.dport, self.dinv)):
            if r is None:
                continue
            lo, hi = r
            if lo == hi:
                if inv:
                    tests.append(lambda pv, a=attr, v=lo: getattr(pv, a) is not None and getattr(pv, a) != v)
                else:
                    tests.append(lambda pv, a=attr, v=lo: getattr(pv, a) == v)
            else:
                tests.append(
                    lambda pv, a=attr, lo=lo, hi=hi, inv=inv: (
                        getattr(pv, a) is not None and (lo <= getattr(pv, a) <= hi) != inv
                    )
                )
        return _all(tests)


class TcpMatch(PortsMatch):
    def __init__(self):
        PortsMatch.__init__(self, "tcp")


class UdpMatch(PortsMatch):
    def __init__(self):
        PortsMatch.__init__(self, "udp")


SCTP_SERVICES = {"amqp": 5672}  # the only sctp entry of netbase's /etc/services


def _rule_error(chain: str) -> NetfilterError:
    return NetfilterError(f"RULE_APPEND failed (Invalid argument): rule in chain {chain}", KERNEL)


class SctpMatch(PortsMatch):
    """``-m sctp [!] --sport/--dport PORT[:PORT]`` (xt_sctp). Saved as given, even ``0:65535``
    (iptables-save: ``-p sctp -m sctp --dport 80``); ports are named only from sctp entries of
    /etc/services; the kernel refuses the rule unless it has ``-p sctp``. ``--chunk-types`` is
    not modelled."""

    def __init__(self):
        PortsMatch.__init__(self, "sctp")

    def parse(self, opt, args, inv):
        text = args[0]
        for part in text.split(":", 1):
            if part and not (part.isdecimal() and int(part) <= 65535) and part not in SCTP_SERVICES:
                raise NetfilterError(f"invalid port/service `{part}' specified")
        PortsMatch.parse(self, opt, [_sctp_numeric(text)], inv)

    def check(self, rule, table, builtin):
        if rule.proto != 132 or rule.pinv:
            raise _rule_error(rule.chain)

    def listing(self, numeric=True):
        s = self.name
        for key, r, inv in (("spt", self.sport, self.sinv), ("dpt", self.dport, self.dinv)):
            if r is None or r == (0, 65535) and not inv:
                continue
            a, b = (r[0], r[1]) if numeric else (_sctp_service(r[0]), _sctp_service(r[1]))
            mark = "!" if inv else ""
            s += f" {key}:{mark}{a}" if r[0] == r[1] else f" {key}s:{mark}{a}:{b}"
        return s


def _sctp_numeric(text: str) -> str:
    return ":".join(str(SCTP_SERVICES.get(p, p)) for p in text.split(":", 1))


def _sctp_service(port: int) -> str | int:
    return next((name for name, p in SCTP_SERVICES.items() if p == port), port)


class IcmpMatch(Match):
    name = "icmp"
    OPTIONS = {"--icmp-type": 1}

    def __init__(self):
        self.type: int | None = None
        self.code = (0, 255)
        self.inv = False
        self.named_any = False

    def parse(self, opt, args, inv):
        text = args[0]
        self.inv = inv
        if text in ICMP_TYPES:
            t, lo, hi = ICMP_TYPES[text]
            self.type, self.code = t, (lo, hi)
            self.named_any = text == "any"
            return
        try:
            if "/" in text:
                t, c = text.split("/", 1)
                self.type, self.code = int(t), (int(c), int(c))
            else:
                self.type, self.code = int(text), (0, 255)
        except ValueError:
            raise NetfilterError(f"Invalid ICMP type `{text}'\n") from None

    def save(self):
        if self.type is None:
            return ""
        if self.named_any:
            return f" {_inv(self.inv)}--icmp-type any"
        if self.code == (0, 255):
            return f" {_inv(self.inv)}--icmp-type {self.type}"
        return f" {_inv(self.inv)}--icmp-type {self.type}/{self.code[0]}"

    def listing(self, numeric=True):
        if self.type is None:
            return "icmp"
        if self.named_any:
            return f"icmp{' !' if self.inv else ''}any"
        if not numeric:
            for name, (t, lo, hi) in ICMP_TYPES.items():
                if (t, (lo, hi)) == (self.type, self.code):
                    return f"icmp {'!' if self.inv else ''}{name}"
        s = f"icmp{' !' if self.inv else ''}type {self.type}"
        if self.code != (0, 255):
            s += (
                f" code {self.code[0]}"
                if self.code[0] == self.code[1]
                else f" codes {self.code[0]}-{self.code[1]}"
            )
        return s

    def compile(self):
        if self.type is None or self.named_any:
            return None
        t, (lo, hi), inv = self.type, self.code, self.inv
        return lambda pv: (pv.icmp_type == t and lo <= pv.icmp_code <= hi) != inv


class CommentMatch(Match):
    name = "comment"
    OPTIONS = {"--comment": 1}

    def __init__(self):
        self.comment: str | None = None

    def parse(self, opt, args, inv):
        if len(args[0]) > 255:
            raise NetfilterError('comment: option "--comment" too long.\n')
        self.comment = args[0]

    def finalize(self):
        if self.comment is None:
            raise NetfilterError('comment: option "--comment" must be specified\n')

    def save(self):
        return f" --comment {quote(self.comment)}"

    def listing(self, numeric=True):
        return f"/* {self.comment} */"


class StatisticMatch(Match):
    """``-m statistic``: random mode draws ``random.getrandbits(31)`` once per evaluation and
    matches when it is below the stored probability (as the kernel compares with a 31-bit value);
    nth mode counts evaluations."""

    name = "statistic"
    OPTIONS = {"--mode": 1, "--probability": 1, "--every": 1, "--packet": 1}

    def __init__(self):
        self.mode: str | None = None
        self.prob31 = 0
        self.every = 0
        self.packet = 0
        self.inv = False
        self.count = 0
        self._packet_given = False

    def parse(self, opt, args, inv):
        v = args[0]
        if opt == "--mode":
            if v not in ("random", "nth"):
                raise NetfilterError(f'statistic: Bad value for option "--mode": "{v}"\n')
            self.mode = v
        elif opt == "--probability":
            try:
                p = float(v)
            except ValueError:
                p = -1.0
            if not 0.0 <= p <= 1.0:
                raise NetfilterError(
                    'statistic: bad value for option "--probability", or out of range (0-1).\n'
                )
            self.prob31 = int(p * 0x80000000 + 0.5)
            self.inv = inv
        elif opt == "--every":
            self.every = parse_uint(v, "every")
            if self.every == 0:
                raise NetfilterError(
                    'statistic: bad value for option "--every", or out of range (1-4294967295).\n'
                )
            self.inv = inv
        else:
            self.packet = parse_uint(v, "packet")
            self._packet_given = True

    def finalize(self):
        if self.mode is None:
            raise NetfilterError('statistic: option "--mode" must be specified\n')
        if self.mode == "nth" and self.every and not self._packet_given:
            raise NetfilterError('statistic: option "--every" also requires "--packet".\n')
        self.count = self.packet

    @property
    def probability(self) -> float:
        return self.prob31 / 0x80000000

    def save(self):
        if self.mode == "random":
            return f" --mode random {_inv(self.inv)}--probability {self.probability:.11f}"
        return f" --mode nth {_inv(self.inv)}--every {self.every} --packet {self.packet}"

    def listing(self, numeric=True):
        if self.mode == "random":
            return f"statistic mode random{' !' if self.inv else ''} probability {self.probability:.11f}"
        return f"statistic mode nth{' !' if self.inv else ''} every {self.every} packet {self.packet}"

    def compile(self):
        inv = self.inv
        if self.mode == "random":
            p = self.prob31
            return lambda pv: (pv.ctx.random.getrandbits(31) < p) != inv

        def nth(pv, m=self):
            if m.count >= m.every - 1:
                m.count = 0
                return not inv
            m.count += 1
            return inv

        return nth


class MarkMatch(Match):
    name = "mark"
    OPTIONS = {"--mark": 1}

    def __init__(self):
        self.value: int | None = None
        self.mask = 0xFFFFFFFF
        self.inv = False

    def parse(self, opt, args, inv):
        self.value, self.mask = parse_value_mask(args[0], "mark", "mark")
        self.inv = inv

    def finalize(self):
        if self.value is None:
            raise NetfilterError('mark: option "--mark" must be specified\n')

    def _vm(self):
        return f"{self.value:#x}" if self.mask == 0xFFFFFFFF else f"{self.value:#x}/{self.mask:#x}"

    def save(self):
        return f" {_inv(self.inv)}--mark {self._vm()}"

    def listing(self, numeric=True):
        return f"mark match {'! ' if self.inv else ''}{self._vm()}"

    def compile(self):
        v, m, inv = self.value, self.mask, self.inv
        return lambda pv: ((pv.ctx.mark & m) == v) != inv


class AddrtypeMatch(Match):
    """``-m addrtype``: LOCAL asks the context's ``is_local``; BROADCAST/MULTICAST/UNICAST are
    decided from the address itself and locality."""

    name = "addrtype"
    OPTIONS = {"--src-type": 1, "--dst-type": 1, "--limit-iface-in": 0, "--limit-iface-out": 0}

    def __init__(self):
        self.src: tuple[str, ...] = ()
        self.dst: tuple[str, ...] = ()
        self.sinv = self.dinv = False
        self.limit = ""

    def parse(self, opt, args, inv):
        if opt in ("--limit-iface-in", "--limit-iface-out"):
            self.limit = "in" if opt.endswith("in") else "out"
            return
        types = []
        for t in args[0].split(","):
            if t.upper() not in ADDRTYPES:
                raise NetfilterError(f'addrtype: unknown type "{t}"\n')
            types.append(t.upper())
        types.sort(key=ADDRTYPES.index)
        if opt == "--src-type":
            self.src, self.sinv = tuple(types), inv
        else:
            self.dst, self.dinv = tuple(types), inv

    def finalize(self):
        if not self.src and not self.dst:
            raise NetfilterError("addrtype: you must specify --src-type or --dst-type\n")

    def save(self):
        s = ""
        if self.src:
            s += f" {_inv(self.sinv)}--src-type {','.join(self.src)}"
        if self.dst:
            s += f" {_inv(self.dinv)}--dst-type {','.join(self.dst)}"
        if self.limit:
            s += f" --limit-iface-{self.limit}"
        return s

    def listing(self, numeric=True):
        s = "ADDRTYPE match"
        if self.src:
            s += f" src-type {'!' if self.sinv else ''}{','.join(self.src)}"
        if self.dst:
            s += f" dst-type {'!' if self.dinv else ''}{','.join(self.dst)}"
        if self.limit:
            s += f" limit-{self.limit}"
        return s

    def compile(self):
        tests = []
        if self.src:
            tests.append(
                lambda pv, t=frozenset(self.src), inv=self.sinv: (addr_type(pv, pv.src_s) in t) != inv
            )
        if self.dst:
            tests.append(
                lambda pv, t=frozenset(self.dst), inv=self.dinv: (addr_type(pv, pv.dst_s) in t) != inv
            )
        return _all(tests)


def addr_type(pv, addr: str) -> str:
    """The routing type of an address as the kernel's addrtype match sees it."""
    if pv.ctx.is_local(addr):
        return "LOCAL"
    first = int(addr.split(".", 1)[0])
    if addr == "255.255.255.255":
        return "BROADCAST"
    if 224 <= first <= 239:
        return "MULTICAST"
    return "UNICAST"


class ConntrackMatch(Match):
    name = "conntrack"
    OPTIONS = {
        "--ctstate": 1,
        "--ctorigsrc": 1,
        "--ctorigdst": 1,
        "--ctreplsrc": 1,
        "--ctrepldst": 1,
        "--ctorigdstport": 1,
        "--ctstatus": 1,
    }

    def __init__(self):
        self.states: tuple[str, ...] = ()
        self.sinv = False
        self.addrs: dict[str, tuple[int, int, bool]] = {}
        self.origdstport: tuple[int, bool] | None = None
        self.status: tuple[tuple[str, ...], bool] | None = None

    def parse(self, opt, args, inv):
        if opt == "--ctstate":
            states = []
            for s in args[0].split(","):
                if s not in CTSTATES:
                    raise NetfilterError(f'Bad ctstate "{s}"')
                states.append(s)
            self.states = tuple(sorted(set(states), key=CTSTATES.index))
            self.sinv = inv
        elif opt == "--ctorigdstport":
            self.origdstport = (parse_port(args[0]), inv)
        elif opt == "--ctstatus":
            names = ("EXPECTED", "SEEN_REPLY", "ASSURED", "CONFIRMED")
            vals = tuple(s for s in args[0].split(","))
            for s in vals:
                if s not in names:
                    raise NetfilterError(f'Bad ctstatus "{s}"')
            self.status = (tuple(sorted(set(vals), key=names.index)), inv)
        else:
            net, mask = parse_network(args[0])
            self.addrs[opt] = (net, mask, inv)

    def finalize(self):
        if not (self.states or self.addrs or self.origdstport or self.status):
            raise NetfilterError("conntrack: At least one option is required\n")

    def save(self):
        s = ""
        if self.states:
            s += f" {_inv(self.sinv)}--ctstate {','.join(self.states)}"
        for opt in ("--ctorigsrc", "--ctorigdst", "--ctreplsrc", "--ctrepldst"):
            if opt in self.addrs:
                net, mask, inv = self.addrs[opt]
                s += f" {_inv(inv)}{opt} {format_network(net, mask, bare_host=True)}"
        if self.origdstport:
            s += f" {_inv(self.origdstport[1])}--ctorigdstport {self.origdstport[0]}"
        if self.status:
            s += f" {_inv(self.status[1])}--ctstatus {','.join(self.status[0])}"
        return s

    def listing(self, numeric=True):
        parts = []
        if self.states:
            parts.append(f"{'! ' if self.sinv else ''}ctstate {','.join(self.states)}")
        for opt in ("--ctorigsrc", "--ctorigdst", "--ctreplsrc", "--ctrepldst"):
            if opt in self.addrs:
                net, mask, inv = self.addrs[opt]
                parts.append(f"{'! ' if inv else ''}{opt[2:]} {format_network(net, mask, bare_host=True)}")
        if self.origdstport:
            parts.append(f"{'! ' if self.origdstport[1] else ''}ctorigdstport {self.origdstport[0]}")
        if self.status:
            parts.append(f"{'! ' if self.status[1] else ''}ctstatus {','.join(self.status[0])}")
        return " ".join(parts)

    def compile(self):
        tests = []
        if self.states:
            states, inv = frozenset(self.states), self.sinv
            tests.append(lambda pv: (not states.isdisjoint(pv.ctstates)) != inv)
        for opt, (net, mask, inv) in self.addrs.items():
            which, side = ("orig" if "orig" in opt else "reply"), ("src" if opt.endswith("src") else "dst")
            tests.append(
                lambda pv, w=which, s=side, n=net, m=mask, inv=inv: (
                    pv.ct is not None and ((pv.ct.tuple_addr(w, s) & m) == n) != inv
                )
            )
        if self.origdstport:
            port, inv = self.origdstport
            tests.append(lambda pv: pv.ct is not None and (pv.ct.orig[3] == port) != inv)
        if self.status:
            names, inv = frozenset(self.status[0]), self.status[1]
            tests.append(lambda pv: pv.ct is not None and (not names.isdisjoint(pv.ct.status_names())) != inv)
        return _all(tests)


class RecentMatch(Match):
    """``-m recent``: named lists of addresses with the times they were seen, kept per namespace
    (``Netfilter.recent``); ``--set`` records, ``--rcheck``/``--update`` test (``--seconds``),
    ``--remove`` forgets. ``--reap`` drops entries older than ``--seconds``."""

    name = "recent"
    OPTIONS = {
        "--set": 0,
        "--rcheck": 0,
        "--update": 0,
        "--remove": 0,
        "--seconds": 1,
        "--reap": 0,
        "--hitcount": 1,
        "--name": 1,
        "--rsource": 0,
        "--rdest": 0,
        "--mask": 1,
        "--rttl": 0,
    }
    COMMANDS = {"--set": "SET", "--rcheck": "CHECK", "--update": "UPDATE", "--remove": "REMOVE"}

    def __init__(self):
        self.command: str | None = None
        self.inv = False
        self.seconds = 0
        self.hitcount = 0
        self.reap = False
        self.rname = "DEFAULT"
        self.side = "source"
        self.mask = 0xFFFFFFFF

    def parse(self, opt, args, inv):
        if opt in self.COMMANDS:
            if self.command is not None:
                raise NetfilterError(
                    "recent: only one of `--set', `--rcheck' `--update' or `--remove' may be set\n"
                )
            self.command, self.inv = opt[2:], inv
        elif opt == "--seconds":
            self.seconds = parse_uint(args[0], "seconds")
        elif opt == "--hitcount":
            self.hitcount = parse_uint(args[0], "hitcount")
        elif opt == "--reap":
            self.reap = True
        elif opt == "--name":
            self.rname = args[0]
        elif opt == "--rsource":
            self.side = "source"
        elif opt == "--rdest":
            self.side = "dest"
        elif opt == "--mask":
            try:
                from .addr import ip_to_int

                self.mask = ip_to_int(args[0])
            except ValueError:
                raise NetfilterError('recent: bad value for option "--mask", or out of range.\n') from None

    def finalize(self):
        if self.command is None:
            raise NetfilterError(
                "recent: you must specify one of `--set', `--rcheck' `--update' or `--remove'\n"
            )
        if self.reap and not self.seconds:
            raise NetfilterError("recent: you must specify `--seconds' with `--reap'\n")

    def save(self):
        s = f" {_inv(self.inv)}--{self.command}"
        if self.seconds:
            s += f" --seconds {self.seconds}"
        if self.reap:
            s += " --reap"
        if self.hitcount:
            s += f" --hitcount {self.hitcount}"
        s += f" --name {self.rname} --mask {int_to_ip(self.mask)}"
        s += " --rsource" if self.side == "source" else " --rdest"
        return s

    def listing(self, numeric=True):
        s = f"{'! ' if self.inv else ''}recent: {self.COMMANDS['--' + self.command]}"
        if self.seconds:
            s += f" seconds: {self.seconds}"
        if self.reap:
            s += " reap"
        if self.hitcount:
            s += f" hit_count: {self.hitcount}"
        s += f" name: {self.rname} side: {self.side} mask: {int_to_ip(self.mask)}"
        return s

    def compile(self):
        m = self

        def recent(pv):
            table = pv.nf.recent.setdefault(m.rname, {})
            addr = (pv.src if m.side == "source" else pv.dst) & m.mask
            now = pv.ctx.now
            if m.command == "set":
                table.setdefault(addr, []).append(now)
                return not m.inv
            stamps = table.get(addr)
            if m.reap and m.seconds:
                for a in [a for a, st in table.items() if st and now - st[-1] > m.seconds]:
                    del table[a]
                stamps = table.get(addr)
            if not stamps:
                return m.inv
            if m.command == "remove":
                del table[addr]
                return not m.inv
            recent_stamps = [t for t in stamps if not m.seconds or now - t <= m.seconds]
            hit = len(recent_stamps) >= max(m.hitcount, 1)
            if hit and m.command == "update":
                stamps.append(now)
            return hit != m.inv

        return recent


class MultiportMatch(Match):
    name = "multiport"
    OPTIONS = {"--dports": 1, "--destination-ports": 1, "--sports": 1, "--source-ports": 1, "--ports": 1}

    def __init__(self):
        self.kind: str | None = None
        self.ranges: tuple[tuple[int, int], ...] = ()
        self.inv = False

    def parse(self, opt, args, inv):
        self.kind = {"--destination-ports": "--dports", "--source-ports": "--sports"}.get(opt, opt)
        items = args[0].split(",")
        if len(items) > 15:
            raise NetfilterError("too many ports specified")
        self.ranges = tuple(parse_port_range(x) for x in items)
        self.inv = inv

    def finalize(self):
        if self.kind is None:
            raise NetfilterError("multiport expects an option\n")

    def save(self):
        return f" {_inv(self.inv)}{self.kind} {','.join(format_range(r) for r in self.ranges)}"

    def listing(self, numeric=True):
        word = self.kind[2:]
        items = ",".join(
            format_range(r) if numeric else format_range((service(r[0]), service(r[1]))) for r in self.ranges
        )
        return f"multiport {word} {' !' if self.inv else ''}{items}"

    def compile(self):
        ranges, inv, kind = self.ranges, self.inv, self.kind

        def ports(pv):
            cand = {"--dports": (pv.dport,), "--sports": (pv.sport,), "--ports": (pv.sport, pv.dport)}[kind]
            if cand[0] is None:
                return False
            return any(lo <= p <= hi for p in cand for lo, hi in ranges) != inv

        return ports


class PhysdevMatch(Match):
    """``-m physdev`` (xt_physdev): the bridge ports of a bridged packet (``ctx.physdev_in`` /
    ``ctx.physdev_out``, set by br_netfilter). As the kernel: a packet with no bridge info
    matches only if every option given is negated; ``--physdev-is-bridged`` means it leaves by
    a bridge port, ``--physdev-is-in``/``-is-out`` that the in/out port is known."""

    name = "physdev"
    OPTIONS = {
        "--physdev-in": 1,
        "--physdev-out": 1,
        "--physdev-is-in": 0,
        "--physdev-is-out": 0,
        "--physdev-is-bridged": 0,
    }
    ORDER = ("--physdev-is-in", "--physdev-in", "--physdev-is-out", "--physdev-out", "--physdev-is-bridged")

    def __init__(self):
        self.opts: dict[str, tuple[str | None, bool]] = {}

    def parse(self, opt, args, inv):
        if opt in self.opts:
            raise NetfilterError(f'physdev: option "{opt}" can only be used once.\n')
        if args and len(args[0]) > 15:
            raise NetfilterError(f"interface name `{args[0]}' must be shorter than IFNAMSIZ (15)")
        self.opts[opt] = (args[0] if args else None, inv)

    def finalize(self):
        if not self.opts:
            raise NetfilterError("PHYSDEV: no physdev option specified")

    def check(self, rule, table, builtin):
        # xt_physdev's checkentry: the out port is unknown at LOCAL_OUT unless the rule says bridged
        out = "--physdev-out" in self.opts or "--physdev-is-out" in self.opts
        bridged = self.opts.get("--physdev-is-bridged")
        if out and (bridged is None or bridged[1]) and builtin and rule.chain == "OUTPUT":
            raise _rule_error(rule.chain)

    def _words(self, prefix: str) -> str:
        s = ""
        for opt in self.ORDER:
            if opt in self.opts:
                v, inv = self.opts[opt]
                s += f" {_inv(inv)}{prefix}{opt[2:]}" + (f" {v}" if v is not None else "")
        return s

    def save(self):
        return self._words("--")

    def listing(self, numeric=True):
        return "PHYSDEV match" + self._words("--")

    def compile(self):
        opts = dict(self.opts)

        def physdev(pv):
            pin = getattr(pv.ctx, "physdev_in", None)
            pout = getattr(pv.ctx, "physdev_out", None)
            if pin is None and pout is None:  # no bridge info: only all-negated rules match
                return all(inv for _, inv in opts.values())
            for opt, (v, inv) in opts.items():
                if opt == "--physdev-is-bridged":
                    ok = pout is not None
                elif opt == "--physdev-is-in":
                    ok = pin is not None
                elif opt == "--physdev-is-out":
                    ok = pout is not None
                elif opt == "--physdev-in":
                    if pin is None:  # the kernel skips the test without an in port
                        continue
                    ok = iface_match(pin, v)
                else:
                    if pout is None:
                        return False
                    ok = iface_match(pout, v)
                if ok == inv:
                    return False
            return True

        return physdev


def iface_match(name: str | None, pattern: str) -> bool:
    """iptables' interface match: exact, or a prefix when the pattern ends in '+'."""
    if name is None:
        return False
    if pattern.endswith("+"):
        return name.startswith(pattern[:-1])
    return name == pattern


def _all(tests: list[Predicate]) -> Predicate | None:
    if not tests:
        return None
    if len(tests) == 1:
        return tests[0]
    return lambda pv: all(t(pv) for t in tests)


MATCHES: dict[str, Callable[[], Match]] = {
    "tcp": TcpMatch,
    "udp": UdpMatch,
    "icmp": IcmpMatch,
    "comment": CommentMatch,
    "statistic": StatisticMatch,
    "mark": MarkMatch,
    "addrtype": AddrtypeMatch,
    "conntrack": ConntrackMatch,
    "recent": RecentMatch,
    "multiport": MultiportMatch,
    "physdev": PhysdevMatch,
    "sctp": SctpMatch,
}


def load_match(name: str) -> Match:
    """A fresh match object for ``-m name``."""
    factory = MATCHES.get(name)
    if factory is None:
        raise NetfilterError(f"Couldn't load match `{name}':No such file or directory\n")
    return factory()


def iter_args(tokens: list[str]) -> Iterator[str]:  # pragma: no cover - helper kept for symmetry
    return iter(tokens)
