"""``iptables -L`` and ``iptables -S``, in iptables 1.8.9's exact layout.

Column layout (observed): optional ``num`` (``%-4s ``), with -v the counters (``%5s `` each,
abbreviated 12K/1235M/12G as iptables does, or ``%8s `` exact with -x), target (``%-9s ``),
protocol (``!``/space then ``%-5s``; iptables-nft 1.8.9 prints its number with -n), ``-- ``,
with -v the interfaces (`` %-6s `` and ``%-6s ``), then source and destination (``!``/space then
``%-19s ``), ``[goto] ``, and each match's and the target's own text after a space.
"""

from __future__ import annotations

from .addr import format_network
from .rule import PROTO_NAMES, Rule
from .targets import Jump, Notrack


def kmg(n: int) -> str:
    """A counter as iptables abbreviates it without -x (99999, 100K, 1235M, 12G), no padding."""
    if n <= 99999:
        return str(n)
    for unit in "KMGT":
        n = (n + 500) // 1000
        if n <= 9999 or unit == "T":
            return f"{n}{unit}"
    return str(n)  # pragma: no cover


def _counter(n: int, exact: bool) -> str:
    if exact:
        return f"{n:>8} "
    s = kmg(n)
    return f"{s:>5} " if s[-1].isdecimal() else f"{s:>5} "


def header(verbose: bool, exact: bool, line_numbers: bool) -> str:
    s = "num  " if line_numbers else ""
    if verbose:
        s += "    pkts      bytes " if exact else " pkts bytes "
    s += "target     prot opt "
    if verbose:
        s += "in     out     "
    return s + "source               destination         "


def rule_line(rule: Rule, num: int | None, verbose: bool, numeric: bool, exact: bool) -> str:
    s = f"{num:<4} " if num is not None else ""
    if verbose:
        s += _counter(rule.pkts, exact) + _counter(rule.bytes, exact)
    t = rule.target
    tname = "CT" if isinstance(t, Notrack) else (t.name if t is not None else "")
    s += f"{tname:<9} "
    if numeric:
        prot = str(rule.proto or 0)
    else:
        prot = PROTO_NAMES.get(rule.proto, str(rule.proto)) if rule.proto else "all"
    s += ("!" if rule.pinv else " ") + f"{prot:<5}" + "-- "
    if verbose:
        any_if = "*" if numeric else "any"
        i = ("!" if rule.iinv else "") + (rule.iniface if rule.iniface is not None else any_if)
        o = ("!" if rule.oinv else "") + (rule.outiface if rule.outiface is not None else any_if)
        s += f" {i:<6} {o:<6} "
    for addr, mask, inv in ((rule.src, rule.smask, rule.sinv), (rule.dst, rule.dmask, rule.dinv)):
        if mask == 0 and not numeric:
            text = "anywhere"
        else:
            text = format_network(addr, mask, bare_host=True)
        s += ("!" if inv else " ") + f"{text:<19} "
    if isinstance(t, Jump) and t.goto:
        s += "[goto] "
    for m in rule.matches:
        text = m.listing(numeric)
        if text:
            s += " " + text
    if t is not None:
        text = t.listing(numeric)
        if text:
            s += " " + text
    return s


def chain_header(table, chain, verbose: bool, exact: bool) -> str:
    if chain.builtin:
        if verbose:
            p = str(chain.pkts) if exact else kmg(chain.pkts)
            b = str(chain.bytes) if exact else kmg(chain.bytes)
            return f"Chain {chain.name} (policy {chain.policy} {p} packets, {b} bytes)"
        return f"Chain {chain.name} (policy {chain.policy})"
    return f"Chain {chain.name} ({table.references(chain.name)} references)"


def list_chains(
    table,
    chain_name: str | None = None,
    rulenum: int | None = None,
    verbose: bool = False,
    numeric: bool = False,
    exact: bool = False,
    line_numbers: bool = False,
) -> str:
    """The text of ``iptables [-t T] -L [CHAIN [RULENUM]] [-n] [-v] [-x] [--line-numbers]``."""
    chains = [table.chain(chain_name)] if chain_name else table.ordered_chains()
    if rulenum is not None:
        c = chains[0]
        if not 1 <= rulenum <= len(c.rules):
            return ""
        return (
            rule_line(c.rules[rulenum - 1], rulenum if line_numbers else None, verbose, numeric, exact) + "\n"
        )
    blocks = []
    for c in chains:
        lines = [chain_header(table, c, verbose, exact), header(verbose, exact, line_numbers)]
        for i, r in enumerate(c.rules, 1):
            lines.append(rule_line(r, i if line_numbers else None, verbose, numeric, exact))
        blocks.append("".join(line + "\n" for line in lines))
    return "\n".join(blocks)


def list_rules(
    table, chain_name: str | None = None, rulenum: int | None = None, verbose: bool = False
) -> str:
    """The text of ``iptables [-t T] -S [CHAIN [RULENUM]] [-v]``."""
    chains = [table.chain(chain_name)] if chain_name else table.ordered_chains()
    if rulenum is not None:
        c = chains[0]
        if not 1 <= rulenum <= len(c.rules):
            return ""
        return c.rules[rulenum - 1].s_line(verbose) + "\n"
    out = []
    for c in chains:
        if c.builtin:
            out.append(f"-P {c.name} {c.policy}" + (f" -c {c.pkts} {c.bytes}" if verbose else ""))
        else:
            out.append(f"-N {c.name}")
    for c in chains:
        for r in c.rules:
            out.append(r.s_line(verbose))
    return "".join(line + "\n" for line in out)
