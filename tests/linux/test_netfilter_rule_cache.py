"""Rules parsed from the same text share their parsed parts, never their state."""

from k8slab.linux.netfilter import Netfilter
from k8slab.linux.netfilter.rule import Rule


def test_copy_copies_every_slot():
    r = Rule("X")
    for i, k in enumerate(Rule.__slots__):
        setattr(r, k, f"v{i}")
    c = r.copy()
    assert [getattr(c, k) for k in Rule.__slots__] == [f"v{i}" for i in range(len(Rule.__slots__))]
    assert r.copy("Y").chain == "Y" and r.copy("Y")._spec is None


def test_same_text_in_two_namespaces_keeps_separate_counters():
    a, b = Netfilter(), Netfilter()
    for nf in (a, b):
        assert nf.iptables(["-A", "INPUT", "-s", "10.0.0.0/8", "-j", "ACCEPT"])[2] == 0
    ra, rb = a.table("filter").chains["INPUT"].rules[0], b.table("filter").chains["INPUT"].rules[0]
    assert ra is not rb
    ra.pkts += 5
    assert rb.pkts == 0
    assert b.iptables_save(["-c"])[0].count("[0:0] -A INPUT -s 10.0.0.0/8 -j ACCEPT") == 1


def test_a_jump_to_a_chain_that_is_gone_is_refused_again():
    nf = Netfilter()
    nf.iptables(["-N", "MINE"])
    assert nf.iptables(["-A", "INPUT", "-j", "MINE"])[2] == 0
    other = Netfilter()
    out, err, rc = other.iptables(["-A", "INPUT", "-j", "MINE"])   # same text, no such chain here
    assert rc != 0 and "Chain 'MINE' does not exist" in err
    assert other.table("filter").chains["INPUT"].rules == []


def test_nth_statistic_counts_per_rule():
    a, b = Netfilter(), Netfilter()
    spec = ["-A", "INPUT", "-m", "statistic", "--mode", "nth", "--every", "2", "--packet", "0", "-j", "DROP"]
    a.iptables(spec)
    b.iptables(spec)
    ma = a.table("filter").chains["INPUT"].rules[0].matches[0]
    mb = b.table("filter").chains["INPUT"].rules[0].matches[0]
    assert ma is not mb
