"""Tables and chains of one network namespace, and the operations iptables performs on them.

Every operation either completes or raises NetfilterError leaving the state unchanged.
"""

from __future__ import annotations

from .conntrack import Conntrack
from .errors import KERNEL, RUNTIME, NetfilterError
from .rule import Rule, SharedRule
from .targets import Jump

BUILTIN_CHAINS = {
    "raw": ("PREROUTING", "OUTPUT"),
    "mangle": ("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"),
    "nat": ("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"),
    "filter": ("INPUT", "FORWARD", "OUTPUT"),
}
# The order iptables-save (1.8.9, nf_tables) prints the tables in, whatever order they were made in.
SAVE_ORDER = ("mangle", "raw", "filter", "nat")
INDEX_MIN_RULES = 64  # chains at least this long get a destination index


class Chain:
    """A chain: its rules in order, and for a built-in chain the policy and its counters."""

    __slots__ = ("name", "builtin", "policy", "rules", "pkts", "bytes", "_index", "_cands")

    def __init__(self, name: str, builtin: bool = False, policy: str | None = None):
        self.name = name
        self.builtin = builtin
        self.policy = policy if builtin else None
        if builtin and policy is None:
            self.policy = "ACCEPT"
        self.rules: list[Rule] = []
        self.pkts = 0
        self.bytes = 0
        self._index = None
        self._cands: dict[int, list[int]] | None = None   # made when a walk first asks (most chains never)

    def changed(self) -> None:
        """Drop the lookup index after the rule list changed."""
        self._index = None
        self._cands = None

    def copy(self) -> Chain:
        # slots set directly, not through __init__ (iptables-restore --noflush copies every chain
        # of the tables it changes); the policy is already what __init__ would make of it
        c = Chain.__new__(Chain)
        c.name, c.builtin, c.policy, c.rules = self.name, self.builtin, self.policy, list(self.rules)
        c.pkts, c.bytes, c._index, c._cands = self.pkts, self.bytes, None, None
        return c

    def own_rule(self, i: int) -> Rule:
        """The chain's rule at index ``i``, made its own first if it is a SharedRule (held by
        other chains too): the rule whose counters may be changed."""
        r = self.rules[i]
        if r.__class__ is SharedRule:
            r = self.rules[i] = r.copy()
        return r

    def candidates(self, dst: int) -> list[int] | range:
        """Indexes of the rules that can match a packet to ``dst``, in rule order.

        Rules with an exact ``-d a.b.c.d/32`` test can only match packets to that address, so a
        long chain (KUBE-SERVICES) is indexed by it; every other rule is always a candidate. The
        walk still tests every candidate in order, so counters stay rule-by-rule exact."""
        rules = self.rules
        if len(rules) < INDEX_MIN_RULES:
            return range(len(rules))
        by_dst_cands = self._cands
        if by_dst_cands is None:
            by_dst_cands = self._cands = {}
        cands = by_dst_cands.get(dst)
        if cands is not None:
            return cands
        if self._index is None:
            by_dst: dict[int, list[int]] = {}
            others: list[int] = []
            for i, r in enumerate(rules):
                if r.dmask == 0xFFFFFFFF and not r.dinv:
                    by_dst.setdefault(r.dst, []).append(i)
                else:
                    others.append(i)
            self._index = (by_dst, others)
        by_dst, others = self._index
        exact = by_dst.get(dst)
        cands = sorted(exact + others) if exact else others
        if len(by_dst_cands) > 4096:
            by_dst_cands.clear()
        by_dst_cands[dst] = cands
        return cands


class Table:
    """One table (raw, mangle, nat, filter) with its built-in and user chains."""

    def __init__(self, name: str):
        self.name = name
        self.chains: dict[str, Chain] = {c: Chain(c, builtin=True) for c in BUILTIN_CHAINS[name]}
        # nf_tables creates a table on the first command that changes it; iptables-save lists only those.
        self.exists = False

    def copy(self) -> Table:
        t = Table.__new__(Table)
        t.name = self.name
        t.chains = {k: c.copy() for k, c in self.chains.items()}
        t.exists = self.exists
        return t

    def chain(self, name: str) -> Chain:
        c = self.chains.get(name)
        if c is None:
            raise NetfilterError("No chain/target/match by that name.", RUNTIME)
        return c

    def builtin_names(self) -> list[str]:
        return [n for n, c in self.chains.items() if c.builtin]

    def user_names(self) -> list[str]:
        """User chains sorted bytewise, as iptables-save and iptables -L print them."""
        return sorted((n for n, c in self.chains.items() if not c.builtin), key=lambda s: s.encode())

    def ordered_chains(self) -> list[Chain]:
        return [self.chains[n] for n in self.builtin_names() + self.user_names()]

    def references(self, name: str) -> int:
        """How many rules jump or go to a chain (``Chain X (N references)``)."""
        n = 0
        for c in self.chains.values():
            for r in c.rules:
                t = r.target
                if isinstance(t, Jump) and t.chain == name:
                    n += 1
        return n

    # ---- operations -----------------------------------------------------------------------
    def new_chain(self, name: str) -> None:
        if name in self.chains:
            raise NetfilterError("Chain already exists.", RUNTIME)
        self.chains[name] = Chain(name)
        self.exists = True

    def delete_chain(self, name: str) -> None:
        c = self.chain(name)
        if c.builtin:
            raise NetfilterError("Directory not empty.", RUNTIME)
        if c.rules or self.references(name):
            raise NetfilterError(f"CHAIN_DEL failed (Device or resource busy): chain {name}", KERNEL)
        del self.chains[name]

    def delete_user_chains(self) -> None:
        """``iptables -X`` without a name: every user chain that is not referenced by another."""
        names = self.user_names()
        for name in names:
            if self.chains[name].rules or any(
                isinstance(r.target, Jump) and r.target.chain == name
                for c in self.chains.values()
                if c.name not in names
                for r in c.rules
            ):
                raise NetfilterError(f"CHAIN_DEL failed (Device or resource busy): chain {name}", KERNEL)
        for name in names:
            del self.chains[name]

    def flush(self, name: str | None = None) -> None:
        for c in [self.chain(name)] if name else list(self.chains.values()):
            c.rules = []
            c.changed()

    def zero(self, name: str | None = None, rulenum: int | None = None) -> None:
        chains = [self.chain(name)] if name else list(self.chains.values())
        for c in chains:
            if rulenum is not None:
                if not 1 <= rulenum <= len(c.rules):
                    raise NetfilterError("Index of zeroing too big.", RUNTIME)  # pragma: no cover
                r = c.rules[rulenum - 1]
                if r.pkts or r.bytes:   # a SharedRule's are 0 and stay so
                    r.pkts = r.bytes = 0
                continue
            c.pkts = c.bytes = 0
            for r in c.rules:
                if r.pkts or r.bytes:
                    r.pkts = r.bytes = 0

    def set_policy(self, name: str, policy: str, counters: tuple[int, int] | None = None) -> None:
        c = self.chains.get(name)
        if c is None or not c.builtin:
            raise NetfilterError("Bad built-in chain name.", RUNTIME)
        if policy not in ("ACCEPT", "DROP"):
            raise NetfilterError("Bad policy name. Run `dmesg' for more information.", RUNTIME)
        c.policy = policy
        if counters is not None:
            c.pkts, c.bytes = counters
        self.exists = True

    def rename_chain(self, old: str, new: str) -> None:
        c = self.chain(old)
        if new in self.chains:
            raise NetfilterError("File exists.", RUNTIME)
        if c.builtin:
            raise NetfilterError("Invalid argument.", RUNTIME)
        del self.chains[old]
        c.name = new
        c.rules = [r.copy(new) for r in c.rules]
        self.chains[new] = c
        for other in self.chains.values():
            for i, r in enumerate(other.rules):
                if isinstance(r.target, Jump) and r.target.chain == old:
                    nr = r.copy()
                    nr.target = Jump(new, r.target.goto)
                    nr._spec = None
                    other.rules[i] = nr

    def append(self, rule: Rule) -> None:
        c = self.chain(rule.chain)
        c.rules.append(rule)
        if c._index is not None and len(c.rules) >= INDEX_MIN_RULES:
            by_dst, others = c._index
            i = len(c.rules) - 1
            if rule.dmask == 0xFFFFFFFF and not rule.dinv:
                by_dst.setdefault(rule.dst, []).append(i)
                if c._cands is not None:
                    c._cands.pop(rule.dst, None)
            else:
                others.append(i)
                c._cands = None
        else:
            c.changed()
        self.exists = True

    def insert(self, rule: Rule, rulenum: int = 1) -> None:
        c = self.chain(rule.chain)
        if not 1 <= rulenum <= len(c.rules) + 1:
            raise NetfilterError("Index of insertion too big.", RUNTIME)
        c.rules.insert(rulenum - 1, rule)
        c.changed()
        self.exists = True

    def replace(self, rule: Rule, rulenum: int) -> None:
        c = self.chain(rule.chain)
        if not 1 <= rulenum <= len(c.rules):
            raise NetfilterError("Index of replacement too big.", RUNTIME)
        c.rules[rulenum - 1] = rule
        c.changed()
        self.exists = True

    def find(self, rule: Rule) -> int | None:
        """The 1-based position of the first rule equal to ``rule`` (same canonical text)."""
        c = self.chain(rule.chain)
        spec = rule.spec()
        for i, r in enumerate(c.rules):
            if r.spec() == spec:
                return i + 1
        return None

    def delete(self, chain: str, rule: Rule | None = None, rulenum: int | None = None) -> None:
        c = self.chain(chain)
        if rule is not None:
            rulenum = self.find(rule)
            if rulenum is None:
                raise NetfilterError("Bad rule (does a matching rule exist in that chain?).", RUNTIME)
        if not 1 <= rulenum <= len(c.rules):
            raise NetfilterError("Index of deletion too big.", RUNTIME)
        del c.rules[rulenum - 1]
        c.changed()


class Netfilter:
    """The netfilter state of one network namespace: four tables, conntrack, recent lists.

    Walk packets through it with ``hook()`` (see ``k8slab.linux.netfilter.hooks``); change it
    with ``iptables()``/``iptables_restore()`` or the Table methods; print it with
    ``iptables_save()``."""

    def __init__(self) -> None:
        self.tables: dict[str, Table] = {name: Table(name) for name in BUILTIN_CHAINS}
        self.conntrack = Conntrack()
        self.recent: dict[str, dict[int, list[float]]] = {}

    def table(self, name: str) -> Table:
        t = self.tables.get(name)
        if t is None:
            raise NetfilterError(
                f"table '{name}' does not exist\nPerhaps iptables or your kernel needs to be upgraded.",
                "notable",
            )
        return t

    # Front ends: modules that import this one, so reached through their module objects (bound
    # at the end of this file) rather than imported on every call (kube-proxy and the kubelet
    # run tens of iptables commands on each of thousands of nodes).
    def hook(self, hook: str, packet, ctx):
        """Run every table registered at ``hook`` over ``packet``; see hooks.run_hook."""
        return _hooks.run_hook(self, hook, packet, ctx)

    def iptables(self, argv: list[str]) -> tuple[str, str, int]:
        return _cmd.iptables(self, argv)

    def iptables_save(self, argv: list[str] | None = None, date: str | None = None) -> tuple[str, str, int]:
        return _cmd.iptables_save(self, argv or [], date=date)

    def iptables_restore(self, text: str, argv: list[str] | None = None) -> tuple[str, str, int]:
        return _cmd.iptables_restore(self, argv or [], text)


# Bound after everything above exists: iptables_cmd imports this module (a cycle Python resolves
# through sys.modules), and its functions are looked up only when a command runs.
from . import hooks as _hooks  # noqa: E402
from . import iptables_cmd as _cmd  # noqa: E402
