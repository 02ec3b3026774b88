"""Command front ends: ``iptables``, ``iptables-save`` and ``iptables-restore`` as functions
from (Netfilter, argv) to (stdout, stderr, exit code), with the real tools' messages.

>>> from k8slab.linux.netfilter import Netfilter
>>> nf = Netfilter()
>>> nf.iptables(["-t", "nat", "-N", "KUBE-SERVICES"])
('', '', 0)
>>> nf.iptables(["-A", "NOPE", "-j", "ACCEPT"])
('', 'iptables: No chain/target/match by that name.\\n', 1)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import PARAM, PLAIN, RUNTIME, NetfilterError
from .listing import list_chains, list_rules
from .restore import RestoreError, restore
from .rule import parse_rule
from .save import iptables_save_text
from .tables import BUILTIN_CHAINS

COMMANDS = {
    "-A": "A",
    "--append": "A",
    "-I": "I",
    "--insert": "I",
    "-D": "D",
    "--delete": "D",
    "-R": "R",
    "--replace": "R",
    "-C": "C",
    "--check": "C",
    "-N": "N",
    "--new-chain": "N",
    "-X": "X",
    "--delete-chain": "X",
    "-F": "F",
    "--flush": "F",
    "-Z": "Z",
    "--zero": "Z",
    "-P": "P",
    "--policy": "P",
    "-E": "E",
    "--rename-chain": "E",
    "-L": "L",
    "--list": "L",
    "-S": "S",
    "--list-rules": "S",
}
FLAGS = {
    "-n": "numeric",
    "--numeric": "numeric",
    "-v": "verbose",
    "--verbose": "verbose",
    "-x": "exact",
    "--exact": "exact",
    "--line-numbers": "line_numbers",
    "--line-number": "line_numbers",
}


_SPECIAL = frozenset(COMMANDS) | frozenset(FLAGS) | {"-t", "--table", "-w", "--wait", "-W", "--wait-interval"}


@dataclass
class Command:
    op: str | None = None
    opt: str = ""
    table: str | None = None
    chain: str | None = None
    rulenum: int | None = None
    arg2: str | None = None  # -P policy, -E new name
    spec: list[str] = field(default_factory=list)
    numeric: bool = False
    verbose: bool = False
    exact: bool = False
    line_numbers: bool = False


def _is_num(tok: str) -> bool:
    return tok.isdecimal()


_PARSED_COMMANDS: dict[tuple, Command] = {}   # (restore_mode, *argv) -> its Command, read-only


def parse_command(argv: list[str], restore_mode: bool = False) -> Command:
    """Split argv into the command, its chain/number arguments, global flags and the rule spec.

    The result depends on the words alone, and nodes run the same commands (kube-proxy's and the
    kubelet's EnsureRule on each of thousands of nodes), so each distinct command line is split
    once and its Command shared; nobody writes into one. Errors are raised afresh each time."""
    key = (restore_mode, *argv)
    cmd = _PARSED_COMMANDS.get(key)
    if cmd is None:
        cmd = _parse_command(list(argv), restore_mode)
        if len(_PARSED_COMMANDS) < 100_000:
            _PARSED_COMMANDS[key] = cmd
    return cmd


def _parse_command(argv: list[str], restore_mode: bool) -> Command:
    if (
        restore_mode
        and len(argv) > 1
        and argv[0] == "-A"
        and not argv[1].startswith("-")
        and _SPECIAL.isdisjoint(argv[2:])
    ):
        # The common kube-proxy line: "-A CHAIN spec..." (fast path, same result).
        _check_chain_name(argv[1], "A")
        return Command(op="A", opt="-A", chain=argv[1], spec=argv[2:])
    cmd = Command()
    i, n = 0, len(argv)
    while i < n:
        tok = argv[i]
        i += 1
        if tok in COMMANDS:
            if cmd.op is not None:
                raise NetfilterError("Cannot use -" + cmd.op + " with -" + COMMANDS[tok])
            cmd.op, cmd.opt = COMMANDS[tok], tok
            required = cmd.op in ("A", "I", "D", "R", "C", "N", "P", "E")
            if i < n and (not argv[i].startswith("-") or required) and argv[i] != "!":
                cmd.chain = argv[i]
                i += 1
            elif required:
                raise NetfilterError(f'option "{tok}" requires an argument')
            if cmd.chain is not None and cmd.op in ("A", "I", "R", "C", "N", "D", "P", "E"):
                _check_chain_name(cmd.chain, cmd.op)
            if cmd.op in ("P", "E"):
                if i >= n:
                    raise NetfilterError(
                        f"-{cmd.op} requires a chain and a {'policy' if cmd.op == 'P' else 'new name'}"
                    )
                cmd.arg2 = argv[i]
                i += 1
            elif (
                cmd.op in ("I", "D", "R", "L", "S", "Z")
                and cmd.chain is not None
                and i < n
                and _is_num(argv[i])
            ):
                cmd.rulenum = int(argv[i])
                if cmd.rulenum == 0 and cmd.op != "L" and cmd.op != "S":
                    raise NetfilterError(f"Invalid rule number `{argv[i]}'")
                i += 1
            elif cmd.op == "R":
                raise NetfilterError("-R requires a rule number")
            continue
        if tok in ("-t", "--table"):
            if i >= n:
                raise NetfilterError(f'option "{tok}" requires an argument')
            if cmd.table is not None and not restore_mode:
                raise NetfilterError("multiple -t flags not allowed")
            cmd.table = argv[i]
            i += 1
            continue
        if tok in FLAGS:
            setattr(cmd, FLAGS[tok], True)
            continue
        if tok in ("-w", "--wait", "-W", "--wait-interval"):
            if i < n and _is_num(argv[i]):
                i += 1
            continue
        cmd.spec.append(tok)
    if cmd.op is None:
        raise NetfilterError("no command specified")
    if cmd.op == "I" and cmd.rulenum is None:
        cmd.rulenum = 1
    return cmd


def _check_chain_name(name: str, op: str) -> None:
    if op in ("N", "E") or op == "A":
        if len(name) > 28:
            raise NetfilterError(f"chain name `{name}' too long (must be under 29 chars)")
        if name.startswith("-") or name == "!":
            raise NetfilterError("chain name not allowed to start with `-'")


def _rule(table, cmd: Command, counters: tuple[int, int] | None):
    """The rule ``cmd`` specifies, for ``table`` (its chain must exist there)."""
    chains = table.chains
    if cmd.chain not in chains:
        raise NetfilterError("No chain/target/match by that name.", RUNTIME)
    r, c = parse_rule(
        cmd.spec,
        table.name,
        cmd.chain,
        lambda name: name in chains and not chains[name].builtin,
        cmd.chain in BUILTIN_CHAINS[table.name],
        share=counters is None,   # a shared rule comes without counters of its own (c is None)
    )
    c = counters or c
    if c is not None:
        r.pkts, r.bytes = c
    return r


def apply_command(table, cmd: Command, counters: tuple[int, int] | None = None) -> str:
    """Carry out a modifying or listing command on one table; returns stdout text."""
    op = cmd.op
    if op == "A":
        table.append(_rule(table, cmd, counters))
    elif op == "I":
        table.insert(_rule(table, cmd, counters), cmd.rulenum)
    elif op == "R":
        table.replace(_rule(table, cmd, counters), cmd.rulenum)
    elif op == "D":
        if cmd.rulenum is not None and not cmd.spec:
            table.delete(cmd.chain, rulenum=cmd.rulenum)
        else:
            table.delete(cmd.chain, rule=_rule(table, cmd, counters))
    elif op == "C":
        if table.find(_rule(table, cmd, counters)) is None:
            raise NetfilterError("Bad rule (does a matching rule exist in that chain?).", RUNTIME)
    elif op == "N":
        _no_spec(cmd)
        table.new_chain(cmd.chain)
    elif op == "X":
        _no_spec(cmd)
        if cmd.chain:
            table.delete_chain(cmd.chain)
        else:
            table.delete_user_chains()
    elif op == "F":
        _no_spec(cmd)
        table.flush(cmd.chain)
    elif op == "Z":
        table.zero(cmd.chain, cmd.rulenum)
    elif op == "P":
        _no_spec(cmd)
        table.set_policy(cmd.chain, cmd.arg2)
    elif op == "E":
        table.rename_chain(cmd.chain, cmd.arg2)
    elif op in ("L", "S"):
        if cmd.chain is not None and cmd.chain not in table.chains:
            raise NetfilterError(
                f"chain `{cmd.chain}' in table `{table.name}' is incompatible, use 'nft' tool.", PLAIN
            )
        if op == "L":
            return list_chains(
                table, cmd.chain, cmd.rulenum, cmd.verbose, cmd.numeric, cmd.exact, cmd.line_numbers
            )
        return list_rules(table, cmd.chain, cmd.rulenum, cmd.verbose)
    return ""


def check_or_add(nf, table: str, chain: str, spec: list[str], prepend: bool = True) -> bool:
    """``iptables -t TABLE -C CHAIN SPEC`` and, if no such rule is there, ``iptables -t TABLE -I
    CHAIN SPEC`` (``-A`` without ``prepend``): the two commands of kube-proxy's and the kubelet's
    EnsureRule, with the words read once (both take the same spec, and -C neither checks nor
    changes more than -I). True if the rule was added; False if it was there or either command
    would fail (the same words fail both the same way)."""
    try:
        t = nf.table(table)
        rule = _rule(t, parse_command(["-t", table, "-C", chain, *spec]), None)
        if t.find(rule) is not None:
            return False
        if prepend:
            t.insert(rule, 1)
        else:
            t.append(rule)
    except NetfilterError:
        return False
    return True


def _no_spec(cmd: Command) -> None:
    if cmd.spec:
        tok = cmd.spec[0]
        if tok.startswith("-"):
            raise NetfilterError(f"Illegal option `{tok}' with this command\n")
        raise NetfilterError(f"Bad argument `{tok}'", "bad_argument")


def iptables(nf, argv: list[str]) -> tuple[str, str, int]:
    """``iptables ARGV`` against ``nf``: (stdout, stderr, exit code). State is unchanged on error."""
    try:
        cmd = parse_command(argv)
        table = nf.table(cmd.table or "filter")
        if cmd.op == "Z" and not table.exists:
            # nf_tables has no such table yet: zeroing it keeps nothing (errors still show).
            return apply_command(table.copy(), cmd), "", 0
        # Each Table operation checks everything before it changes anything, so an error leaves
        # the table as it was without working on a copy.
        return apply_command(table, cmd), "", 0
    except NetfilterError as e:
        return "", e.iptables_text("iptables"), e.exit_code


def iptables_save(nf, argv: list[str], date: str | None = None) -> tuple[str, str, int]:
    """``iptables-save [-c] [-t TABLE]``. ``date`` fills the comment lines (None: left out)."""
    counters = False
    table = None
    i = 0
    while i < len(argv):
        a = argv[i]
        i += 1
        if a in ("-c", "--counters"):
            counters = True
        elif a in ("-t", "--table"):
            if i >= len(argv):
                return "", "iptables-save: option '--table' requires an argument\n", 1
            table = argv[i]
            i += 1
        elif a.startswith("--table="):
            table = a.split("=", 1)[1]
        else:
            return "", "Unknown arguments found on commandline\n", 1
    if table is not None and table not in nf.tables:
        return "", f"Table `{table}' does not exist\n", 1
    return iptables_save_text(nf, table, counters, date), "", 0


def iptables_restore(nf, argv: list[str], text: str) -> tuple[str, str, int]:
    """``iptables-restore [--noflush] [--counters] [-T TABLE] < text``."""
    noflush = counters = False
    only = None
    i = 0
    while i < len(argv):
        a = argv[i]
        i += 1
        if a in ("-n", "--noflush"):
            noflush = True
        elif a in ("-c", "--counters"):
            counters = True
        elif a in ("-T", "--table"):
            only = argv[i] if i < len(argv) else None
            i += 1
        elif a in ("-w", "--wait", "-W", "--wait-interval", "-v", "--verbose", "-t", "--test"):
            if a in ("-w", "--wait", "-W", "--wait-interval") and i < len(argv) and argv[i].isdecimal():
                i += 1
        else:
            return "", f"iptables-restore: unrecognized option '{a}'\n", 1
    try:
        restore(nf, text, noflush=noflush, counters=counters, only_table=only)
    except RestoreError as e:
        return "", e.text, e.exit_code
    except NetfilterError as e:  # pragma: no cover - every path converts, kept as a safety net
        return "", e.iptables_text("iptables-restore"), e.exit_code
    return "", "", 0


__all__ = ["iptables", "iptables_save", "iptables_restore", "parse_command", "apply_command", "check_or_add",
           "PARAM"]
