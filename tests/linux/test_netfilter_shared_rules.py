"""Rules parsed from text seen before are held by many chains as one read-only SharedRule (every
node gets the same kube-proxy and kubelet rules); whatever counts on one, zeroes it or gives it
counters works on the chain's own copy, so no namespace sees another's counters."""

from k8slab.linux.netfilter import Netfilter
from k8slab.linux.netfilter.rule import SharedRule

TEXT = """*filter
:KUBE-FORWARD - [0:0]
-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
-A KUBE-FORWARD -s 10.0.0.0/8 -j ACCEPT
-A KUBE-FORWARD -s 10.0.0.0/8 -j ACCEPT
-A FORWARD -j KUBE-FORWARD
COMMIT
"""


def _nodes(n):
    out = []
    for _ in range(n):
        nf = Netfilter()
        assert nf.iptables_restore(TEXT, ["--noflush", "--counters"]) == ("", "", 0)
        assert nf.iptables(["-C", "INPUT", "-j", "ACCEPT"])[2] == 1
        assert nf.iptables(["-I", "INPUT", "-s", "192.168.0.0/16", "-j", "ACCEPT"])[2] == 0
        out.append(nf)
    return out


def test_later_nodes_hold_the_same_read_only_rules():
    nodes = _nodes(4)
    a, b = nodes[2].table("filter"), nodes[3].table("filter")
    for name in ("KUBE-FORWARD", "INPUT", "FORWARD"):
        for ra, rb in zip(a.chains[name].rules, b.chains[name].rules):
            assert ra is rb and type(ra) is SharedRule and (ra.pkts, ra.bytes) == (0, 0)
    saves = {nf.iptables_save(["-c"])[0] for nf in nodes}
    assert len(saves) == 1


def test_own_rule_gives_the_chain_a_copy_the_others_never_see():
    nodes = _nodes(4)
    chain = nodes[3].table("filter").chains["KUBE-FORWARD"]
    shared = chain.rules[1]
    mine = chain.own_rule(1)
    assert mine is not shared and type(mine) is not SharedRule and chain.rules[1] is mine
    assert chain.rules[2] is shared          # the same text twice: only the position asked for
    mine.pkts, mine.bytes = 3, 180
    assert "[3:180] -A KUBE-FORWARD -s 10.0.0.0/8" in nodes[3].iptables_save(["-c"])[0]
    assert "[3:180]" not in nodes[2].iptables_save(["-c"])[0]
    assert nodes[3].iptables(["-Z"])[2] == 0 and nodes[3].iptables_save(["-c"])[0] == nodes[2].iptables_save(["-c"])[0]


def test_counters_given_with_the_line_land_on_a_copy():
    _nodes(3)
    nf = Netfilter()
    text = TEXT.replace("-A KUBE-FORWARD -s", "[5:6] -A KUBE-FORWARD -s", 1)
    assert nf.iptables_restore(text, ["--noflush", "--counters"]) == ("", "", 0)
    rules = nf.table("filter").chains["KUBE-FORWARD"].rules
    assert (rules[1].pkts, rules[1].bytes) == (5, 6) and type(rules[1]) is not SharedRule
    assert type(rules[2]) is SharedRule and rules[2].pkts == 0
    assert nf.iptables(["-A", "INPUT", "-s", "192.168.0.0/16", "-c", "7", "8", "-j", "ACCEPT"])[2] == 0
    assert "[7:8] -A INPUT -s 192.168.0.0/16 -j ACCEPT" in nf.iptables_save(["-c"])[0]


def test_a_walk_counts_on_its_own_copy():
    import random

    from k8slab.linux.netfilter import HookContext
    from k8slab.linux.packet import UDP, IPv4, Raw

    nodes = _nodes(4)
    a, b = nodes[2], nodes[3]
    shared = b.table("filter").chains["KUBE-FORWARD"].rules[1]
    p = IPv4(src="10.1.2.3", dst="192.168.1.1") / UDP(sport=1, dport=2) / Raw(pad=0)
    for _ in range(2):
        assert b.hook("FORWARD", p, HookContext(random=random.Random(1), in_iface="eth0")).verdict == "ACCEPT"
    rules = b.table("filter").chains["KUBE-FORWARD"].rules
    assert rules[1] is not shared and (rules[1].pkts, rules[1].bytes) == (2, 56)
    assert rules[2] is shared and shared.pkts == 0     # never reached: still shared
    assert "[2:56] -A FORWARD -j KUBE-FORWARD" in b.iptables_save(["-c"])[0]
    assert a.iptables_save(["-c"])[0].count("[0:0]") == b.iptables_save(["-c"])[0].count("[0:0]") + 2
