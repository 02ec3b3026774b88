"""``iptables-restore``: load the text kube-proxy writes, atomically.

The whole input is applied to copies of the tables it names; only if every line succeeds are
the copies put in place, so a bad line leaves the state exactly as it was.

Without ``noflush`` each table named by a ``*table`` line is first emptied (rules and user
chains deleted, policies back to ACCEPT, counters zeroed). With ``noflush`` only the chains
declared with ``:NAME - [0:0]`` lines are created or flushed; everything else is untouched.
Counters (``[pkts:bytes]`` before a rule, or in a chain line) are applied only with
``counters`` (``--counters``), as the real tool does.
"""

from __future__ import annotations

import gc

from .errors import KERNEL, PARAM, RUNTIME, VERSION, NetfilterError
from .rule import Rule, parse_rule, shared_rule
from .tables import BUILTIN_CHAINS, Table
from .targets import Jump

PROG = "iptables-restore"


class RestoreError(NetfilterError):
    """A failed restore; ``text`` is the complete stderr iptables-restore prints."""

    def __init__(self, text: str, exit_code: int):
        super().__init__(text.rstrip("\n"), PARAM)
        self.text = text
        self._exit = exit_code

    @property
    def exit_code(self) -> int:
        return self._exit


def tokenize(line: str) -> list[str]:
    """Split a restore line into arguments, honouring double quotes and backslash escapes."""
    if "\\" not in line:
        if '"' not in line:
            return line.split()
        parts = line.split('"')
        if len(parts) % 2 == 1 and all(
            (not parts[i - 1] or parts[i - 1][-1] in " \t") and (not parts[i + 1] or parts[i + 1][0] in " \t")
            for i in range(1, len(parts), 2)
        ):
            args: list[str] = []
            for i, part in enumerate(parts):
                if i % 2:
                    args.append(part)
                else:
                    args.extend(part.split())
            return args
    args: list[str] = []
    cur: list[str] = []
    quoted = False
    have = False
    i = 0
    n = len(line)
    while i < n:
        c = line[i]
        if c == "\\" and i + 1 < n and (quoted or line[i + 1] in "\"'\\"):
            cur.append(line[i + 1])
            have = True
            i += 2
            continue
        if c == '"':
            quoted = not quoted
            have = True
        elif c in " \t" and not quoted:
            if have:
                args.append("".join(cur))
                cur, have = [], False
        else:
            cur.append(c)
            have = True
        i += 1
    if have:
        args.append("".join(cur))
    return args


def _param(msg: str, lineno: int) -> RestoreError:
    return RestoreError(
        f"{PROG} {VERSION}: {msg}\nError occurred at line: {lineno}\n"
        f"Try `{PROG} -h' or '{PROG} --help' for more information.\n",
        2,
    )


def _bad_argument(tok: str, lineno: int) -> RestoreError:
    return RestoreError(
        f"Bad argument `{tok}'\nError occurred at line: {lineno}\n"
        f"Try `{PROG} -h' or '{PROG} --help' for more information.\n",
        2,
    )


def _convert(e: NetfilterError, lineno: int) -> RestoreError:
    if e.kind == RUNTIME:
        msg = e.message.replace(" Run `dmesg' for more information.", "")
        return RestoreError(f"{PROG}: line {lineno} failed: {msg}\n", 1)
    if e.kind == KERNEL:
        return RestoreError(f"{PROG} {VERSION}: \nline {lineno}: {e.message}\n", 4)
    if e.kind == "bad_argument":
        return RestoreError(
            f"{e.message}\nError occurred at line: {lineno}\n"
            f"Try `{PROG} -h' or '{PROG} --help' for more information.\n",
            2,
        )
    return _param(e.message, lineno)


def restore(
    nf, text: str, noflush: bool = False, counters: bool = False, only_table: str | None = None
) -> None:
    """Apply an iptables-restore input to ``nf``; raises RestoreError (state unchanged) on failure."""
    # Loading builds many small objects holding closures; the cyclic garbage collector would
    # rescan the growing heap again and again (seconds for kube-proxy-sized inputs).
    enabled = gc.isenabled()
    gc.disable()
    try:
        _restore(nf, text, noflush, counters, only_table)
    finally:
        if enabled:
            gc.enable()


_LINE_COMMANDS: dict = {}   # a rule line's text -> its parsed Command (see parse_command: shared, read-only)
# (table, "-A CHAIN spec" line) -> the parsed rule parse_rule shares for it (see rule._PARSED): the
# same line restored on the next node appends it (a copy if the line gives counters) once its chains
# are checked, as parse_rule itself does, without going through the command and rule parsers' keys again.
_LINE_RULES: dict[tuple[str, str], Rule] = {}
LINE_CACHE_MAX = 100_000
_CHAIN_LINES: dict[str, tuple[str, ...]] = {}   # a ":CHAIN POLICY [p:b]" line -> its words (read-only)


_LAST_TEXT: list = [None, ()]   # [text, its stripped lines]: the text restored last, kept if small
LAST_TEXT_MAX = 1 << 16


def _lines(text: str) -> tuple[str, ...]:
    """The input's lines, stripped. Every node's kube-proxy restores the same text (one string,
    see kube_proxy.iptables.shared_rules): its lines are split once, and being the same strings
    each time, their hashes are worked out once too."""
    last = _LAST_TEXT
    if text is last[0] or text == last[0]:
        return last[1]
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    out = tuple(raw.strip() for raw in lines)
    if len(text) <= LAST_TEXT_MAX:
        last[0], last[1] = text, out
    return out


def _restore(nf, text: str, noflush: bool, counters: bool, only_table: str | None) -> None:
    from .iptables_cmd import apply_command, parse_command

    work: dict[str, Table] = {}
    # --noflush works on a table whose chains are still the live table's own objects until a line
    # changes one (then it is copied first): a restore that fails leaves the live table as it was,
    # and the chains no line touched are not copied at all. ``borrowed``: table name -> such chains.
    borrowed: dict[str, set[str]] = {}
    table: Table | None = None
    lines = _lines(text)
    lineno = 0
    for lineno, line in enumerate(lines, 1):
        if not line or line[0] == "#":
            continue
        if table is None and line[0] != "*":
            raise RestoreError(f"{PROG}: line {lineno} failed\n", 1)
        if line[0] == "*":
            name = line[1:].strip()
            if table is not None:
                raise _bad_argument(line.split()[0], lineno)
            if name not in BUILTIN_CHAINS:
                raise _param(f"{PROG}: line {lineno} table name '{name}' invalid", lineno)
            if only_table is not None and name != only_table:
                table = Table(name)  # parsed and validated, then thrown away
                borrowed[name] = set()
                continue
            if not noflush:
                work[name] = table = Table(name)
                borrowed[name] = set()
            elif name not in work:
                live = nf.tables[name]
                table = work[name] = Table.__new__(Table)
                table.name, table.chains, table.exists = name, dict(live.chains), live.exists
                borrowed[name] = set(table.chains)
            else:
                table = work[name]
            table.exists = True
            continue
        if line == "COMMIT":
            table = None
            continue
        if line[0] == ":":
            parts = _CHAIN_LINES.get(line)
            if parts is None:
                parts = tuple(line[1:].split())
                if len(_CHAIN_LINES) < LINE_CACHE_MAX:
                    _CHAIN_LINES[line] = parts
            if len(parts) < 2:
                raise _param(f"{PROG}: line {lineno}: parse error", lineno)
            cname, policy = parts[0], parts[1]
            chain = table.chains.get(cname)
            if chain is not None and cname in borrowed[table.name]:
                chain = _own(table, cname, borrowed)
            if cname in BUILTIN_CHAINS[table.name]:
                cnt = _counters(parts[2]) if len(parts) > 2 else None
                # The chain's counters are set from the line with --counters, zeroed without.
                try:
                    table.set_policy(
                        cname,
                        table.chains[cname].policy if policy == "-" else policy,
                        cnt if counters and cnt else (0, 0),
                    )
                except NetfilterError as e:
                    raise _convert(e, lineno) from None
                continue
            if len(cname) > 28:
                raise _param(f"Invalid chain name `{cname}'", lineno)
            if chain is None:
                table.new_chain(cname)
            else:
                table.flush(cname)
            continue
        rule_counters = None
        if line[0] == "[":
            end = line.find("]")
            if end < 0:
                raise _param(f"Bad line {lineno}: need ]", lineno)
            rule_counters = _counters(line[: end + 1])
            line = line[end + 1 :].strip()
        known = _LINE_RULES.get((table.name, line))
        if known is not None and known.chain in table.chains and _jump_valid(table, known.target):
            if known.chain in borrowed[table.name]:
                _own(table, known.chain, borrowed)
            r = known
            if counters and rule_counters is not None:
                r = known.copy()
                r.pkts, r.bytes = rule_counters
            table.append(r)
            continue
        cmd = _LINE_COMMANDS.get(line)
        tokens = tokenize(line) if cmd is None else None
        if tokens is not None and not tokens[0].startswith("-"):
            raise _bad_argument(tokens[0], lineno)
        try:
            if cmd is None:
                cmd = parse_command(tokens, restore_mode=True)
                if len(_LINE_COMMANDS) < LINE_CACHE_MAX:
                    _LINE_COMMANDS[line] = cmd
            if cmd.table is not None:
                raise NetfilterError("The -t option cannot be used in iptables-restore.\n", PARAM)
            for cname in list(borrowed[table.name]):   # any command may change any chain: own them all
                _own(table, cname, borrowed)
            apply_command(table, cmd, counters=rule_counters if counters else None)
            if cmd.op == "A" and len(_LINE_RULES) < LINE_CACHE_MAX:
                builtin = cmd.chain in BUILTIN_CHAINS[table.name]
                shared = shared_rule(cmd.spec, table.name, cmd.chain, builtin)
                if shared is not None:
                    _LINE_RULES[(table.name, line)] = shared
        except NetfilterError as e:
            if e.message.startswith("Chain '") and e.message.endswith("' does not exist"):
                # nf_tables resolves jumps when the table's batch is committed: the error names
                # the COMMIT line (observed).
                commit = next(
                    (n for n, text in enumerate(lines[lineno:], lineno + 1) if text.strip() == "COMMIT"), None
                )
                if commit is None:
                    raise RestoreError(f"{PROG}: COMMIT expected at line {len(lines) + 1}\n", 1) from None
                raise _param(e.message, commit) from None
            raise _convert(e, lineno) from None
    if table is not None:
        raise RestoreError(f"{PROG}: COMMIT expected at line {lineno + 1}\n", 1)
    for name, t in work.items():
        nf.tables[name] = t


def _own(table: Table, cname: str, borrowed: dict[str, set[str]]):
    """The work table's own copy of a chain it still shares with the live table (made now)."""
    borrowed[table.name].discard(cname)
    chain = table.chains[cname] = table.chains[cname].copy()
    return chain


def _jump_valid(table: Table, target) -> bool:
    """parse_rule's check of a shared rule: a jump needs its user chain to exist in this table
    (otherwise the line goes through the parsers, which raise the error iptables prints)."""
    if not isinstance(target, Jump):
        return True
    chain = table.chains.get(target.chain)
    return chain is not None and not chain.builtin


def _counters(text: str) -> tuple[int, int]:
    try:
        p, b = text.strip("[]").split(":")
        return int(p), int(b)
    except ValueError:
        raise NetfilterError(f"Bad counters `{text}'") from None


# Re-exported for the front end.
__all__ = ["restore", "tokenize", "RestoreError", "parse_rule"]
