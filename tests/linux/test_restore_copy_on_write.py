"""iptables-restore --noflush works on chains it borrows from the live table until a line changes
one (copy on write). Whatever the lines do (fast-path appends, the general commands, policies,
chain lines, -T), a restore that fails must leave every live chain as it was, object and
contents; one that succeeds must give what the same restore gives on an independent copy.
Every other time the copy restores cold (the line caches emptied first): the same again."""

import importlib
import random

from k8slab.linux.netfilter import Netfilter

restore_mod = importlib.import_module("k8slab.linux.netfilter.restore")


def _snapshot(nf):
    return {name: {cname: (id(c), c.policy, c.pkts, c.bytes, [id(r) for r in c.rules],
                          [r.save_line(True) for r in c.rules])
                   for cname, c in t.chains.items()}
            for name, t in nf.tables.items()}


def _independent(nf):
    other = Netfilter()
    other.tables = {name: t.copy() for name, t in nf.tables.items()}
    return other


LINES = {
    "filter": [":A - [0:0]", ":B - [0:0]", ":INPUT DROP [1:2]", ":FORWARD - [0:0]",
               "-A A -j ACCEPT", "-A B -s 10.0.0.0/8 -j A", "-A INPUT -j A", "[3:4] -A B -j RETURN",
               "-I A 1 -p tcp -j DROP", "-D A 1", "-F B", "-Z", "-P OUTPUT DROP", "-N C", "-X C",
               "-E B BB", "-A NOPE -j ACCEPT", "-A A -j NOPE", "-A A --bogus", "-P INPUT MAYBE",
               ":BAD", ":INPUT", ":OUTPUT ACCEPT [5:6]", ":OUTPUT - [x:y]", ":A  -  [0:0]", ":X",
               ":" + "L" * 29 + " - [0:0]"],
    "nat": [":KUBE-X - [0:0]", ":POSTROUTING ACCEPT [0:0]", "-A KUBE-X -j MASQUERADE",
            "-A POSTROUTING -j KUBE-X", "-I POSTROUTING 1 -j RETURN", "-F KUBE-X", "-A NOPE -j RETURN"],
}


def _text(rng):
    out = []
    for table in rng.sample(sorted(LINES), rng.randint(1, 2)):
        out.append(f"*{table}")
        out += [rng.choice(LINES[table]) for _ in range(rng.randint(0, 6))]
        if rng.random() < 0.95:
            out.append("COMMIT")
    return "\n".join(out) + "\n"


def test_failed_restores_leave_live_chains_and_successful_ones_match_a_copy():
    rng = random.Random(7)
    nf = Netfilter()
    nf.iptables_restore("*filter\n:A - [0:0]\n:B - [0:0]\n-A A -j ACCEPT\n-A INPUT -j A\nCOMMIT\n"
                        "*nat\n:KUBE-X - [0:0]\n-A POSTROUTING -j KUBE-X\nCOMMIT\n")
    outcomes = set()
    for i in range(600):
        text = _text(rng)
        argv = rng.choice([["--noflush"], ["--noflush", "--counters"], ["--noflush", "-T", "nat"], [],
                           ["--noflush", "-T", "filter"]])
        before = _snapshot(nf)
        copy = _independent(nf)
        got = nf.iptables_restore(text, argv)
        if i % 2:
            restore_mod._CHAIN_LINES.clear()
            restore_mod._LINE_RULES.clear()
            restore_mod._LINE_COMMANDS.clear()
        want = copy.iptables_restore(text, argv)
        assert got == want, text
        outcomes.add(got[2])
        if got[2] != 0:
            assert _snapshot(nf) == before, text
        assert nf.iptables_save(["-c"]) == copy.iptables_save(["-c"]), text
        # and the two stay apart: a change to one after the restore leaves the other
        saved = copy.iptables_save(["-c"])
        nf.iptables(["-A", "INPUT", "-j", "ACCEPT"])
        assert copy.iptables_save(["-c"]) == saved
        nf.iptables(["-D", "INPUT", "-j", "ACCEPT"])
    assert outcomes >= {0, 1, 2}


def test_chain_lines_warm_as_cold():
    text = "*filter\n:A - [0:0]\n:INPUT DROP [3:4]\n:B ACCEPT\n-A A -j B\nCOMMIT\n"
    outs = []
    for warm in (False, True, True):
        if not warm:
            restore_mod._CHAIN_LINES.clear()
        nf = Netfilter()
        outs.append((nf.iptables_restore(text, ["--counters"]), nf.iptables_save(["-c"])))
        bad = Netfilter()
        outs.append((bad.iptables_restore("*filter\n:A\nCOMMIT\n"), bad.iptables_save(["-c"])))
    assert outs[0::2] == [outs[0]] * 3 and outs[1::2] == [outs[1]] * 3
    assert outs[0][0] == ("", "", 0) and outs[1][0][2] != 0
