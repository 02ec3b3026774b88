"""Targets (``-j NAME``): verdicts, jumps, NAT, MARK, REJECT, LOG, NOTRACK.

``apply(pv)`` returns a verdict code; NAT targets record their decision on the packet view
(``pv.nat``) and the engine turns it into a conntrack binding.
"""

from __future__ import annotations

from .addr import int_to_ip, ip_to_int
from .errors import KERNEL, NetfilterError
from .matches import quote

# Verdict codes returned by targets.
CONTINUE, ACCEPT, DROP, REJECT, RETURN, JUMP, GOTO = range(7)
VERDICT_NAMES = {ACCEPT: "ACCEPT", DROP: "DROP", REJECT: "REJECT", RETURN: "RETURN"}

REJECT_TYPES = (
    "icmp-net-unreachable",
    "icmp-host-unreachable",
    "icmp-port-unreachable",
    "icmp-proto-unreachable",
    "icmp-net-prohibited",
    "icmp-host-prohibited",
    "icmp-admin-prohibited",
    "tcp-reset",
)
REJECT_ALIASES = {
    "net-unreach": "icmp-net-unreachable",
    "host-unreach": "icmp-host-unreachable",
    "port-unreach": "icmp-port-unreachable",
    "proto-unreach": "icmp-proto-unreachable",
    "net-prohib": "icmp-net-prohibited",
    "host-prohib": "icmp-host-prohibited",
    "admin-prohib": "icmp-admin-prohibited",
    "tcp-rst": "tcp-reset",
}


class Target:
    name = ""
    OPTIONS: dict[str, int] = {}
    verdict = CONTINUE
    terminal = False
    # (table, allowed built-in chains) where the kernel accepts the target; None: anywhere.
    TABLES: tuple[str, ...] | None = None
    HOOKS: tuple[str, ...] | None = None

    def parse(self, opt: str, args: list[str], inv: bool) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def finalize(self, rule) -> None:
        pass

    def save(self) -> str:
        return ""

    def listing(self, numeric: bool = True) -> str:
        return ""

    def describe(self) -> str:
        """What applying this target did, for a trace step."""
        return self.name

    def check(self, table: str, chain: str, builtin: bool) -> None:
        """Refuse the rule as the kernel would (nft compat: ``RULE_APPEND failed (Invalid argument)``)."""
        ok = (self.TABLES is None or table in self.TABLES) and (
            self.HOOKS is None or not builtin or chain in self.HOOKS
        )
        if not ok:
            raise NetfilterError(f"RULE_APPEND failed (Invalid argument): rule in chain {chain}", KERNEL)

    def apply(self, pv) -> int:
        return self.verdict


class Standard(Target):
    """ACCEPT, DROP, RETURN."""

    def __init__(self, name: str):
        self.name = name
        self.verdict = {"ACCEPT": ACCEPT, "DROP": DROP, "RETURN": RETURN}[name]


class Jump(Target):
    """``-j CHAIN`` or ``-g CHAIN`` to a user-defined chain."""

    def __init__(self, chain: str, goto: bool = False):
        self.name = chain
        self.chain = chain
        self.goto = goto
        self.verdict = GOTO if goto else JUMP

    def describe(self):
        return f"{'goto' if self.goto else 'jump to'} {self.chain}"


class Reject(Target):
    name = "REJECT"
    OPTIONS = {"--reject-with": 1}
    verdict = REJECT
    TABLES = ("filter", "mangle", "raw")
    HOOKS = ("INPUT", "FORWARD", "OUTPUT")

    def __init__(self):
        self.reject_with = "icmp-port-unreachable"

    def parse(self, opt, args, inv):
        v = REJECT_ALIASES.get(args[0], args[0])
        if v not in REJECT_TYPES:
            raise NetfilterError(f'unknown reject type "{args[0]}"')
        self.reject_with = v

    def finalize(self, rule):
        if self.reject_with == "tcp-reset" and rule.proto != 6:
            raise NetfilterError("RULE_APPEND failed (Invalid argument): rule in chain " + rule.chain, KERNEL)

    def save(self):
        return f" --reject-with {self.reject_with}"

    def listing(self, numeric=True):
        return f"reject-with {self.reject_with}"

    def describe(self):
        return f"REJECT with {self.reject_with}"


class Mark(Target):
    """MARK: every form is stored as ``--set-xmark value/mask`` (mark = (mark & ~mask) ^ value)."""

    name = "MARK"
    OPTIONS = {"--set-mark": 1, "--set-xmark": 1, "--or-mark": 1, "--and-mark": 1, "--xor-mark": 1}

    def __init__(self):
        self.value: int | None = None
        self.mask = 0xFFFFFFFF

    def parse(self, opt, args, inv):
        from .matches import parse_value_mask

        if self.value is not None:
            raise NetfilterError(
                "MARK: Only one of --set-xmark, --set-mark, --and-mark, --or-mark or --xor-mark may be used\n"
            )
        value, mask = parse_value_mask(args[0], "MARK", opt[2:])
        has_mask = "/" in args[0]
        if opt == "--set-xmark":
            self.value, self.mask = value, mask
        elif opt == "--set-mark":
            self.value, self.mask = value, (value | mask if has_mask else 0xFFFFFFFF)
        elif opt == "--or-mark":
            self.value, self.mask = value, value
        elif opt == "--and-mark":
            self.value, self.mask = 0, (~value) & 0xFFFFFFFF
        else:
            self.value, self.mask = value, 0

    def finalize(self, rule):
        if self.value is None:
            raise NetfilterError("MARK target: Parameter --set/and/or/xor-mark is required\n")

    def save(self):
        return f" --set-xmark {self.value:#x}/{self.mask:#x}"

    def listing(self, numeric=True):
        v, m = self.value, self.mask
        if v == 0:
            return f"MARK and {(~m) & 0xFFFFFFFF:#x}"
        if m == 0xFFFFFFFF:
            return f"MARK set {v:#x}"
        if v == m:
            return f"MARK or {v:#x}"
        if m == 0:
            return f"MARK xor {v:#x}"
        return f"MARK xset {v:#x}/{m:#x}"

    def describe(self):
        return self.listing()

    def apply(self, pv):
        ctx = pv.ctx
        ctx.mark = ((ctx.mark & ~self.mask) ^ self.value) & 0xFFFFFFFF
        return CONTINUE


def _parse_nat_range(text: str, opt: str, with_ip: bool = True):
    """'1.2.3.4', '1.2.3.4-1.2.3.9', '1.2.3.4:80', '1.2.3.4:1000-2000' -> (ip_lo, ip_hi, port_lo, port_hi)."""
    ip_part, _, port_part = text.partition(":") if with_ip else ("", ":", text)
    ips = None
    if ip_part:
        lo, _, hi = ip_part.partition("-")
        try:
            ips = (ip_to_int(lo), ip_to_int(hi or lo))
        except ValueError:
            raise NetfilterError(f'Bad IP address "{ip_part}"\n') from None
    ports = None
    if port_part:
        lo, _, hi = port_part.partition("-")
        try:
            ports = (int(lo), int(hi or lo))
        except ValueError:
            raise NetfilterError(f'Port "{port_part}" not valid\n') from None
        if not (0 < ports[0] <= 65535 and 0 < ports[1] <= 65535) or ports[0] > ports[1]:
            raise NetfilterError(f'Port "{port_part}" not valid\n')
    return ips, ports


def _format_nat(ips, ports) -> str:
    s = ""
    if ips:
        s = int_to_ip(ips[0]) + ("" if ips[0] == ips[1] else "-" + int_to_ip(ips[1]))
    if ports:
        s += f":{ports[0]}" + ("" if ports[0] == ports[1] else f"-{ports[1]}")
    return s


class Nat(Target):
    """DNAT/SNAT: choose a new destination/source for the connection's first packet."""

    TABLES = ("nat",)
    verdict = ACCEPT
    terminal = True

    def __init__(self, name: str):
        self.name = name
        self.opt = "--to-destination" if name == "DNAT" else "--to-source"
        self.OPTIONS = {self.opt: 1, "--random": 0, "--random-fully": 0, "--persistent": 0}
        self.HOOKS = ("PREROUTING", "OUTPUT") if name == "DNAT" else ("POSTROUTING", "INPUT")
        self.ips = None
        self.ports = None
        self.flags: list[str] = []

    def parse(self, opt, args, inv):
        if opt == self.opt:
            self.ips, self.ports = _parse_nat_range(args[0], opt)
        elif opt not in self.flags:
            self.flags.append(opt)

    def finalize(self, rule):
        if self.ips is None:
            raise NetfilterError(f'{self.name}: option "{self.opt}" must be specified\n')
        if self.ports and rule.proto not in (6, 17, 132):
            raise NetfilterError("Need TCP, UDP, SCTP or DCCP with port specification")

    def save(self):
        s = f" {self.opt} {_format_nat(self.ips, self.ports)}"
        for f in ("--random", "--random-fully", "--persistent"):
            if f in self.flags:
                s += " " + f
        return s

    def listing(self, numeric=True):
        s = f"to:{_format_nat(self.ips, self.ports)}"
        for f in ("--random", "--random-fully", "--persistent"):
            if f in self.flags:
                s += " " + f[2:]
        return s

    def apply(self, pv):
        pv.nat = ("dst" if self.name == "DNAT" else "src", self)
        return ACCEPT


class Masquerade(Target):
    """MASQUERADE: SNAT to the outgoing interface's primary address."""

    name = "MASQUERADE"
    OPTIONS = {"--to-ports": 1, "--random": 0, "--random-fully": 0}
    TABLES = ("nat",)
    HOOKS = ("POSTROUTING",)
    verdict = ACCEPT
    terminal = True

    def __init__(self):
        self.ips = None
        self.ports = None
        self.flags: list[str] = []

    def parse(self, opt, args, inv):
        if opt == "--to-ports":
            _, self.ports = _parse_nat_range(args[0], opt, with_ip=False)
        elif opt not in self.flags:
            self.flags.append(opt)

    def finalize(self, rule):
        if self.ports and rule.proto not in (6, 17, 132):
            raise NetfilterError("Need TCP, UDP, SCTP or DCCP with port specification")

    def save(self):
        s = ""
        if self.ports:
            s += f" --to-ports {_format_nat(None, self.ports)[1:]}"
        for f in ("--random", "--random-fully"):
            if f in self.flags:
                s += " " + f
        return s

    def listing(self, numeric=True):
        parts = []
        if self.ports:
            parts.append(f"masq ports: {_format_nat(None, self.ports)[1:]}")
        for f in ("--random", "--random-fully"):
            if f in self.flags:
                parts.append(f[2:])
        return " ".join(parts)

    def apply(self, pv):
        pv.nat = ("src", self)
        return ACCEPT


class Log(Target):
    name = "LOG"
    OPTIONS = {
        "--log-prefix": 1,
        "--log-level": 1,
        "--log-tcp-sequence": 0,
        "--log-tcp-options": 0,
        "--log-ip-options": 0,
        "--log-uid": 0,
    }

    def __init__(self):
        self.prefix: str | None = None
        self.level = 4

    def parse(self, opt, args, inv):
        if opt == "--log-prefix":
            self.prefix = args[0]
        elif opt == "--log-level":
            levels = ("emerg", "alert", "crit", "error", "warning", "notice", "info", "debug")
            self.level = levels.index(args[0]) if args[0] in levels else int(args[0])

    def save(self):
        s = f" --log-prefix {quote(self.prefix)}" if self.prefix is not None else ""
        if self.level != 4:
            s += f" --log-level {self.level}"
        return s

    def listing(self, numeric=True):
        levels = ("emerg", "alert", "crit", "error", "warn", "notice", "info", "debug")
        s = f"LOG flags 0 level {self.level}" if numeric else f"LOG level {levels[self.level]}"
        if self.prefix is not None:
            s += f' prefix "{self.prefix}"'
        return s

    def apply(self, pv):
        pv.log.append(
            f"{self.prefix or ''}IN={pv.ctx.in_iface or ''} OUT={pv.ctx.out_iface or ''} "
            f"SRC={pv.src_s} DST={pv.dst_s}"
        )
        return CONTINUE


class Notrack(Target):
    """NOTRACK or ``CT --notrack`` in the raw table: the packet stays untracked."""

    TABLES = ("raw",)

    def __init__(self, name: str):
        self.name = name
        self.OPTIONS = {"--notrack": 0} if name == "CT" else {}
        self.notrack = name == "NOTRACK"

    def parse(self, opt, args, inv):
        self.notrack = True

    def save(self):
        return " --notrack" if self.name == "CT" and self.notrack else ""

    def listing(self, numeric=True):
        return "NOTRACK" if self.name == "NOTRACK" else "CT notrack"

    def apply(self, pv):
        if self.notrack:
            pv.notrack = True
        return CONTINUE


TARGETS = {
    "REJECT": Reject,
    "MARK": Mark,
    "DNAT": lambda: Nat("DNAT"),
    "SNAT": lambda: Nat("SNAT"),
    "MASQUERADE": Masquerade,
    "LOG": Log,
    "NOTRACK": lambda: Notrack("NOTRACK"),
    "CT": lambda: Notrack("CT"),
}
STANDARD = ("ACCEPT", "DROP", "RETURN")
