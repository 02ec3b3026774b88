"""Shortcuts through the iptables front ends that must not show: iptables-restore's shared rules
per line (a line seen before gives exactly what parsing it afresh gives: the same rules, counters
and errors, whatever the namespace it lands in), and EnsureRule's -C/-I read once."""

import importlib

import pytest

from k8slab.linux.netfilter import Netfilter

# the modules (the package exports functions of the same names)
restore = importlib.import_module("k8slab.linux.netfilter.restore")
rule = importlib.import_module("k8slab.linux.netfilter.rule")
iptables_cmd = importlib.import_module("k8slab.linux.netfilter.iptables_cmd")

KUBE = """*filter
:KUBE-SERVICES - [0:0]
:KUBE-FORWARD - [0:0]
-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
COMMIT
*nat
:KUBE-SERVICES - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-SVC-X - [0:0]
:KUBE-SEP-A - [0:0]
-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000
-A KUBE-SERVICES -m comment --comment "default/web cluster IP" -m tcp -p tcp -d 10.96.0.20 --dport 80 -j KUBE-SVC-X
-A KUBE-SVC-X -m comment --comment "default/web -> 10.244.1.2:80" -m statistic --mode random --probability 0.5 -j KUBE-SEP-A
-A KUBE-SVC-X -j KUBE-SEP-A
-A KUBE-SEP-A -s 10.244.1.2 -j KUBE-MARK-MASQ
[7:420] -A KUBE-SEP-A -m tcp -p tcp -j DNAT --to-destination 10.244.1.2:80
COMMIT
"""

# (commands run first, restore text, restore flags): each restored cold, then twice more warm.
CASES = [
    ([], KUBE, ["--noflush", "--counters"]),
    ([], KUBE, ["--noflush"]),
    ([], KUBE, []),
    ([["-t", "nat", "-N", "KUBE-SVC-X"], ["-t", "nat", "-A", "KUBE-SVC-X", "-j", "RETURN"]], KUBE, ["--noflush"]),
    # a jump to a chain this namespace does not have (declared elsewhere before)
    ([], "*nat\n-A OUTPUT -j KUBE-SVC-X\nCOMMIT\n", ["--noflush"]),
    ([["-t", "nat", "-N", "KUBE-SVC-X"]], "*nat\n-A OUTPUT -j KUBE-SVC-X\nCOMMIT\n", ["--noflush"]),
    # a jump to a built-in chain, a chain deleted just before, a rule in a missing chain
    ([], "*filter\n-A FORWARD -j INPUT\nCOMMIT\n", []),
    ([], "*filter\n:A - [0:0]\n-X A\n-A INPUT -j A\nCOMMIT\n", ["--noflush"]),
    ([], "*filter\n-A NOPE -j ACCEPT\nCOMMIT\n", ["--noflush"]),
    ([["-N", "MINE"]], "*filter\n-A MINE -j ACCEPT\nCOMMIT\n", ["--noflush"]),
    ([], "*filter\n-A MINE -j ACCEPT\nCOMMIT\n", ["--noflush"]),
    # the same line in two tables: MASQUERADE is valid only in nat
    ([], "*nat\n-A POSTROUTING -s 10.0.0.0/8 -j MASQUERADE\nCOMMIT\n", []),
    ([], "*filter\n-A OUTPUT -s 10.0.0.0/8 -j MASQUERADE\nCOMMIT\n", []),
    ([], "*nat\n-A OUTPUT -j DNAT --to-destination 10.0.0.1\nCOMMIT\n", []),
    ([], "*filter\n-A OUTPUT -j DNAT --to-destination 10.0.0.1\nCOMMIT\n", []),
    # counters in the spec, an nth statistic (never shared), counters before the line
    ([], "*filter\n-A INPUT -c 3 4 -j ACCEPT\nCOMMIT\n", ["--counters"]),
    ([], "*filter\n-A INPUT -m statistic --mode nth --every 2 --packet 0 -j DROP\nCOMMIT\n", []),
    ([], "*filter\n[1:2] -A INPUT -j ACCEPT\n[3:4] -A INPUT -j ACCEPT\nCOMMIT\n", ["--counters"]),
    ([], "*filter\n[1:2] -A INPUT -j ACCEPT\nCOMMIT\n", []),
    ([], "*filter\n-A INPUT -j ACCEPT\n-A INPUT -j ACCEPT\nbogus\nCOMMIT\n", []),
    ([], "*filter\n-A INPUT -t nat -j ACCEPT\nCOMMIT\n", []),
    # where the input ends: no COMMIT after a last blank or white line, a missing one mid-way
    ([], "*filter\n-A INPUT -j ACCEPT\n   ", []),
    ([], "*filter\n-A INPUT -j ACCEPT\n\n", []),
    ([], "*filter\n-A INPUT -j NOPE\n  \n", []),
    ([], "  *filter \n\t-A INPUT -j ACCEPT \n COMMIT\n", []),
]


def _clear():
    restore._LAST_TEXT[:] = [None, ()]
    restore._LINE_COMMANDS.clear()
    restore._LINE_RULES.clear()
    rule._PARSED.clear()
    rule._SEEN.clear()
    iptables_cmd._PARSED_COMMANDS.clear()


def _run(setup, text, flags):
    nf = Netfilter()
    for argv in setup:
        assert nf.iptables(argv)[2] == 0
    result = nf.iptables_restore(text, flags)
    return nf, (result, nf.iptables_save(["-c"])[0])


@pytest.mark.parametrize("setup,text,flags", CASES)
def test_a_line_seen_before_restores_as_the_first_time(setup, text, flags):
    _clear()
    _, cold = _run(setup, text, flags)
    for other in CASES:   # every line seen in every other setting first
        _run(*other)
    for _ in range(2):
        nf, warm = _run(setup, text, flags)
        assert warm == cold
    assert restore._LINE_RULES   # the shared rules were used


def test_warm_rules_share_parsed_parts_not_counters():
    _clear()
    first, _ = _run([], KUBE, ["--noflush", "--counters"])   # rules seen once are parsed, not kept
    a, _ = _run([], KUBE, ["--noflush", "--counters"])       # seen again: kept
    b, _ = _run([], KUBE, ["--noflush", "--counters"])
    r0 = first.table("nat").chains["KUBE-SEP-A"].rules
    ra = a.table("nat").chains["KUBE-SEP-A"].rules
    rb = b.table("nat").chains["KUBE-SEP-A"].rules
    assert [r.matches for r in ra] == [r.matches for r in rb] and ra[0].matches is rb[0].matches
    assert r0[0].matches is not ra[0].matches
    assert (rb[1].pkts, rb[1].bytes) == (7, 420) and (rb[0].pkts, rb[0].bytes) == (0, 0)
    ra[0].pkts += 1
    assert rb[0].pkts == 0


def _ensure_by_two_commands(nf, table, chain, spec, prepend):
    if nf.iptables(["-t", table, "-C", chain, *spec])[2] == 0:
        return False
    return nf.iptables(["-t", table, "-I" if prepend else "-A", chain, *spec])[2] == 0


ENSURE = [
    ("filter", "INPUT", ["-j", "KUBE-FIREWALL"]),
    ("filter", "INPUT", ["-m", "comment", "--comment", "x y", "-j", "KUBE-FIREWALL"]),
    ("filter", "KUBE-FIREWALL", ["-m", "comment", "--comment", "block", "--dst", "127.0.0.0/8", "!", "--src",
                                 "127.0.0.0/8", "-m", "conntrack", "!", "--ctstate", "RELATED,ESTABLISHED,DNAT",
                                 "-j", "DROP"]),
    ("nat", "PREROUTING", ["-m", "comment", "--comment", "kubernetes service portals", "-j", "KUBE-SERVICES"]),
    ("nat", "OUTPUT", ["-j", "NOPE"]),                  # a jump to a chain that is not there
    ("filter", "NOPE", ["-j", "ACCEPT"]),               # a chain that is not there
    ("filter", "INPUT", ["-j", "INPUT"]),               # a jump to a built-in chain
    ("filter", "INPUT", ["--bogus"]),                   # words iptables refuses
    ("filter", "OUTPUT", ["-j", "DNAT", "--to-destination", "1.2.3.4"]),   # a target the table refuses
    ("raw", "OUTPUT", ["-j", "ACCEPT"]),                # a table not made yet
    ("nosuch", "INPUT", ["-j", "ACCEPT"]),              # no such table
    ("filter", "INPUT", ["-m", "statistic", "--mode", "nth", "--every", "2", "-j", "ACCEPT"]),
]


@pytest.mark.parametrize("prepend", [True, False])
def test_check_or_add_is_the_two_commands_of_ensure_rule(prepend):
    from k8slab.linux.netfilter.iptables_cmd import check_or_add

    def fresh():
        nf = Netfilter()
        for argv in (["-N", "KUBE-FIREWALL"], ["-t", "nat", "-N", "KUBE-SERVICES"], ["-A", "INPUT", "-j", "ACCEPT"]):
            nf.iptables(argv)
        return nf

    a, b = fresh(), fresh()
    for _ in range(2):   # added, then found
        for table, chain, spec in ENSURE:
            assert check_or_add(a, table, chain, spec, prepend) == _ensure_by_two_commands(b, table, chain, spec,
                                                                                          prepend)
            assert a.iptables_save(["-c"])[0] == b.iptables_save(["-c"])[0]
    assert "KUBE-FIREWALL" in a.iptables_save([])[0]


def test_a_white_last_line_still_counts():
    for _ in range(2):   # split afresh, then the same text again
        err = Netfilter().iptables_restore("*filter\n-A INPUT -j ACCEPT\n   ", [])[1]
        assert err == "iptables-restore: COMMIT expected at line 4\n"
        assert Netfilter().iptables_restore("*filter\n-A INPUT -j ACCEPT\n", [])[1] == \
            "iptables-restore: COMMIT expected at line 3\n"
