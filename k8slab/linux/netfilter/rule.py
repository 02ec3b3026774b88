"""A rule: the IP header part (``-s -d -i -o -p``), a list of matches, a target, and counters.

``parse_rule`` reads iptables argv tokens as iptables does (implicit ``-m tcp`` when a port
option follows ``-p tcp``, ``!`` negation before an option); ``Rule.spec()`` prints the rule in
iptables-save's canonical order; ``Rule.compile()`` turns it into predicates.
"""

from __future__ import annotations

from collections.abc import Callable

from .addr import format_network, parse_network
from .errors import NetfilterError
from .matches import Match, StatisticMatch, iface_match, load_match
from .targets import STANDARD, TARGETS, Jump, Standard, Target

PROTOCOLS = {"tcp": 6, "udp": 17, "icmp": 1, "all": 0, "sctp": 132, "gre": 47, "esp": 50, "ah": 51, "igmp": 2}
PROTO_NAMES = {v: k for k, v in PROTOCOLS.items() if v}

GENERIC = {
    "-s": "src",
    "--source": "src",
    "--src": "src",
    "-d": "dst",
    "--destination": "dst",
    "--dst": "dst",
    "-i": "in",
    "--in-interface": "in",
    "-o": "out",
    "--out-interface": "out",
    "-p": "proto",
    "--protocol": "proto",
    "-m": "match",
    "--match": "match",
    "-j": "jump",
    "--jump": "jump",
    "-g": "goto",
    "--goto": "goto",
    "-c": "counters",
    "--set-counters": "counters",
}


class Rule:
    """One iptables rule with its packet and byte counters."""

    __slots__ = (
        "chain",
        "src",
        "smask",
        "sinv",
        "dst",
        "dmask",
        "dinv",
        "iniface",
        "iinv",
        "outiface",
        "oinv",
        "proto",
        "pinv",
        "matches",
        "target",
        "pkts",
        "bytes",
        "_preds",
        "_spec",
    )

    def __init__(self, chain: str):
        self.chain = chain
        self.src = self.smask = self.dst = self.dmask = 0
        self.sinv = self.dinv = self.iinv = self.oinv = self.pinv = False
        self.iniface: str | None = None
        self.outiface: str | None = None
        self.proto: int | None = None
        self.matches: list[Match] = []
        self.target: Target | None = None
        self.pkts = 0
        self.bytes = 0
        self._preds: tuple | None = None
        self._spec: str | None = None

    # ---- printing -------------------------------------------------------------------------
    def spec(self) -> str:
        """The rule as iptables-save prints it after ``-A CHAIN`` (leading space, no counters)."""
        if self._spec is None:
            self._spec = self._head() + self._tail()
        return self._spec

    def _head(self) -> str:
        s = ""
        if self.smask or self.sinv:
            s += f" {'! ' if self.sinv else ''}-s {format_network(self.src, self.smask)}"
        if self.dmask or self.dinv:
            s += f" {'! ' if self.dinv else ''}-d {format_network(self.dst, self.dmask)}"
        if self.iniface is not None:
            s += f" {'! ' if self.iinv else ''}-i {self.iniface}"
        if self.outiface is not None:
            s += f" {'! ' if self.oinv else ''}-o {self.outiface}"
        if self.proto:
            s += f" {'! ' if self.pinv else ''}-p {PROTO_NAMES.get(self.proto, self.proto)}"
        for m in self.matches:
            s += " " + m.save_text()
        return s

    def _tail(self) -> str:
        t = self.target
        if t is None:
            return ""
        if isinstance(t, Jump) and t.goto:
            return f" -g {t.chain}"
        return f" -j {t.name}{t.save()}"

    def save_line(self, counters: bool = False) -> str:
        """``-A CHAIN ...`` (with ``[pkts:bytes] `` in front when ``counters``), as iptables-save."""
        line = f"-A {self.chain}{self.spec()}"
        return f"[{self.pkts}:{self.bytes}] {line}" if counters else line

    def s_line(self, counters: bool = False) -> str:
        """The rule as ``iptables -S`` prints it (``-S -v`` puts ``-c pkts bytes`` before the target)."""
        if not counters:
            return f"-A {self.chain}{self.spec()}"
        return f"-A {self.chain}{self._head()} -c {self.pkts} {self.bytes}{self._tail()}"

    @property
    def target_name(self) -> str:
        return self.target.name if self.target is not None else ""

    def copy(self, chain: str | None = None) -> Rule:
        r = Rule.__new__(Rule)
        # slot by slot, one statement each: a getattr/setattr loop costs four times as much, and
        # tuple assignments build and unpack a tuple (copies are hot: restores copy every rule)
        r.chain = self.chain
        r.src = self.src
        r.smask = self.smask
        r.sinv = self.sinv
        r.dst = self.dst
        r.dmask = self.dmask
        r.dinv = self.dinv
        r.iniface = self.iniface
        r.iinv = self.iinv
        r.outiface = self.outiface
        r.oinv = self.oinv
        r.proto = self.proto
        r.pinv = self.pinv
        r.matches = self.matches
        r.target = self.target
        r.pkts = self.pkts
        r.bytes = self.bytes
        r._preds = self._preds
        r._spec = self._spec
        if chain is not None:
            r.chain = chain
            r._spec = None
        return r

    # ---- evaluation -----------------------------------------------------------------------
    def compile(self) -> tuple[Callable, ...]:
        """The rule's tests, in the kernel's order (IP header first, then matches in order)."""
        if self._preds is not None:
            return self._preds
        preds: list[Callable] = []
        if self.smask or self.sinv:
            preds.append(lambda pv, n=self.src, m=self.smask, inv=self.sinv: ((pv.src & m) == n) != inv)
        if self.dmask or self.dinv:
            if self.dmask == 0xFFFFFFFF and not self.dinv:
                preds.append(lambda pv, n=self.dst: pv.dst == n)
            else:
                preds.append(lambda pv, n=self.dst, m=self.dmask, inv=self.dinv: ((pv.dst & m) == n) != inv)
        if self.iniface is not None:
            preds.append(lambda pv, p=self.iniface, inv=self.iinv: iface_match(pv.ctx.in_iface, p) != inv)
        if self.outiface is not None:
            preds.append(lambda pv, p=self.outiface, inv=self.oinv: iface_match(pv.ctx.out_iface, p) != inv)
        if self.proto:
            preds.append(lambda pv, p=self.proto, inv=self.pinv: (pv.proto == p) != inv)
        for m in self.matches:
            f = m.compile()
            if f is not None:
                preds.append(f)
        self._preds = tuple(preds)
        return self._preds

    def matches_packet(self, pv) -> bool:
        for f in self._preds if self._preds is not None else self.compile():
            if not f(pv):
                return False
        return True


class SharedRule(Rule):
    """A parsed rule that many chains hold as it is (every node gets the same kube-proxy and kubelet
    rules): read-only, its counters always 0 and not settable. Whoever counts on one (the packet
    walk), or sets its counters, puts a copy of its own in the chain first (:meth:`Chain.own_rule
    <k8slab.linux.netfilter.tables.Chain.own_rule>`); a copy is a plain Rule."""

    __slots__ = ()

    @property
    def pkts(self) -> int:
        return 0

    @property
    def bytes(self) -> int:
        return 0


def _shared(rule: Rule) -> SharedRule:
    """A read-only copy of a freshly parsed rule (counters 0), its text printed once."""
    rule.spec()
    s = rule.copy()
    s.__class__ = SharedRule
    return s


# Parsed rules by their text: every node of a cluster gets the same kube-proxy and kubelet rules, so
# a rule seen a second time is kept, as a SharedRule that later chains hold themselves (parsing alone
# sets a rule's parts; only an nth statistic counts, so a rule with one is never shared). A rule seen
# once is only noted: one restore of 100,000 distinct rules (10,000 Services) would otherwise print
# and copy each for nothing. Bounded: each is cleared when full.
_PARSED: dict[tuple, SharedRule] = {}
_SEEN: set[tuple] = set()
PARSED_MAX = 100_000


def parse_rule(
    tokens: list[str], table: str, chain: str, chain_exists: Callable[[str], bool], builtin: bool = False,
    share: bool = False,
) -> tuple[Rule, tuple[int, int] | None]:
    """Read a rule specification (the tokens after ``-A CHAIN``). Returns the rule and the
    counters given with ``-c PKTS BYTES`` if any. Raises NetfilterError with iptables' message.
    With ``share`` the rule may be a read-only SharedRule (never one with counters)."""
    key = (table, chain, builtin, *tokens)
    known = _PARSED.get(key)
    if known is not None:
        t = known.target
        # A jump is valid only while its chain exists here: otherwise parse again for the error.
        if not isinstance(t, Jump) or chain_exists(t.chain):
            return (known if share else known.copy()), None
    rule, counters = _parse_rule(tokens, table, chain, chain_exists, builtin)
    if counters is None and not any(isinstance(m, StatisticMatch) and m.mode == "nth" for m in rule.matches):
        if key not in _SEEN:
            if len(_SEEN) >= PARSED_MAX:
                _SEEN.clear()
            _SEEN.add(key)
        else:
            if len(_PARSED) >= PARSED_MAX:
                _PARSED.clear()
            _PARSED[key] = _shared(rule)   # printed once too: -C and -D compare by the text
    return rule, counters


def shared_rule(tokens: list[str], table: str, chain: str, builtin: bool = False) -> SharedRule | None:
    """The parsed rule parse_rule shares for these arguments, if it keeps one (read-only)."""
    return _PARSED.get((table, chain, builtin, *tokens))


def _parse_rule(tokens, table, chain, chain_exists, builtin):
    rule = Rule(chain)
    counters = None
    inv = False
    proto_name: str | None = None
    target: Target | None = None
    n = len(tokens)
    i = 0
    seen: set[str] = set()
    while i < n:
        tok = tokens[i]
        i += 1
        if tok == "!":
            if inv:
                raise NetfilterError("multiple consecutive ! not allowed")
            inv = True
            continue
        kind = GENERIC.get(tok)
        if kind is not None:
            if kind in ("src", "dst", "in", "out", "proto") and kind in seen:
                raise NetfilterError(
                    "multiple -"
                    + {"src": "s", "dst": "d", "in": "i", "out": "o", "proto": "p"}[kind]
                    + " flags not allowed"
                )
            if i >= n:
                raise NetfilterError(f'option "{tok}" requires an argument')
            arg = tokens[i]
            i += 1
            seen.add(kind)
            if kind == "src":
                rule.src, rule.smask = parse_network(arg)
                rule.sinv = inv
            elif kind == "dst":
                rule.dst, rule.dmask = parse_network(arg)
                rule.dinv = inv
            elif kind in ("in", "out"):
                if len(arg) > 15:
                    raise NetfilterError(f"interface name `{arg}' must be shorter than IFNAMSIZ (15)")
                if kind == "in":
                    rule.iniface, rule.iinv = arg, inv
                else:
                    rule.outiface, rule.oinv = arg, inv
            elif kind == "proto":
                name = arg.lower()
                if name in PROTOCOLS:
                    rule.proto = PROTOCOLS[name]
                elif name.isdecimal() and int(name) < 256:
                    rule.proto = int(name)
                else:
                    raise NetfilterError(f'unknown protocol "{arg}" specified')
                proto_name = PROTO_NAMES.get(rule.proto)
                rule.pinv = inv
                if rule.proto == 0:
                    rule.proto = None
            elif kind == "match":
                if inv:
                    raise NetfilterError("unexpected ! flag before --match")
                rule.matches.append(load_match(arg))
            elif kind in ("jump", "goto"):
                if target is not None:
                    raise NetfilterError("multiple -j flags not allowed")
                target = _load_target(arg, kind == "goto", chain_exists)
            elif kind == "counters":
                if i >= n:
                    raise NetfilterError("-c requires packet and byte counter")
                try:
                    counters = (int(arg), int(tokens[i]))
                except ValueError:
                    raise NetfilterError("-c packet counter not numeric") from None
                i += 1
            inv = False
            continue
        if not tok.startswith("-") or tok == "-":
            raise NetfilterError(f"Bad argument `{tok}'", kind="bad_argument")
        # An extension option: the most recently loaded match that knows it, then the implicit
        # protocol match (as iptables loads `-m tcp` for `-p tcp --dport`), then the target.
        owner = None
        for m in reversed(rule.matches):
            if tok in m.OPTIONS:
                owner = m
                break
        if owner is None and target is not None and tok in target.OPTIONS:
            owner = target
        if (
            owner is None
            and proto_name in ("tcp", "udp", "icmp", "sctp")
            and not (rule.pinv and proto_name != "sctp")
            and not any(m.name == proto_name for m in rule.matches)
        ):
            m = load_match(proto_name)
            if tok in m.OPTIONS:
                rule.matches.append(m)
                owner = m
        if owner is None:
            raise NetfilterError(f'unknown option "{tok}"')
        nargs = owner.OPTIONS[tok]
        if i + nargs > n:
            raise NetfilterError(f'option "{tok}" requires an argument')
        owner.parse(tok, tokens[i : i + nargs], inv)
        i += nargs
        inv = False
    if inv:
        raise NetfilterError("no command specified" if not tokens else "unexpected ! flag")
    for m in rule.matches:
        m.finalize()
    rule.target = target
    if target is not None:
        target.finalize(rule)
        target.check(table, chain, builtin)
    for m in rule.matches:
        m.check(rule, table, builtin)
    return rule, counters


def _load_target(name: str, goto: bool, chain_exists: Callable[[str], bool]) -> Target:
    if not goto:
        if name in STANDARD:
            return Standard(name)
        if name in TARGETS:
            return TARGETS[name]()
    if chain_exists(name):
        return Jump(name, goto)
    # iptables-nft 1.8.9 says this for any unknown name after -j/-g (observed).
    raise NetfilterError(f"Chain '{name}' does not exist")
