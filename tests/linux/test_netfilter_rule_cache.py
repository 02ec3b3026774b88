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


def test_a_command_line_parsed_once_gives_the_same_results_everywhere():
    from k8slab.linux.netfilter.iptables_cmd import _parse_command, parse_command

    argv = ["-t", "nat", "-I", "PREROUTING", "-m", "comment", "--comment", "x", "-j", "KUBE-SERVICES"]
    assert parse_command(argv) is parse_command(list(argv))   # shared
    assert parse_command(argv) == _parse_command(argv, False)
    assert parse_command(argv, restore_mode=True) is not parse_command(argv)
    a, b = Netfilter(), Netfilter()
    b.iptables(["-t", "nat", "-N", "KUBE-SERVICES"])
    # the same words: refused where the chain is missing, accepted where it exists, every time
    for _ in range(2):
        assert "Chain 'KUBE-SERVICES' does not exist" in a.iptables(argv)[1]
        assert b.iptables(argv)[2] == 0
    assert b.iptables_save(["-t", "nat"])[0].count("-A PREROUTING -m comment --comment x -j KUBE-SERVICES") == 2
    # a bad line fails the same way each time it is seen
    for _ in range(2):
        assert a.iptables(["-I", "INPUT", "0", "-j", "ACCEPT"])[1] == a.iptables(["-I", "INPUT", "0", "-j",
                                                                               "ACCEPT"])[1] != ""


def test_restore_lines_seen_before_fail_and_succeed_as_the_first_time():
    text = "*filter\n:MINE - [0:0]\n-A INPUT -s 10.0.0.1/32 -j MINE\nCOMMIT\n"
    bad = "*filter\n-A INPUT -s 10.0.0.1/32 -j MINE\nCOMMIT\n"   # no MINE chain declared
    for _ in range(2):
        nf = Netfilter()
        assert nf.iptables_restore(text, [])[2] == 0
        assert "-A INPUT -s 10.0.0.1/32 -j MINE" in nf.iptables_save([])[0]
        out, err, rc = Netfilter().iptables_restore(bad, [])
        assert rc != 0 and "Chain 'MINE' does not exist\nError occurred at line: 3" in err
        assert "Bad argument `bogus'" in Netfilter().iptables_restore("*filter\nbogus line\nCOMMIT\n", [])[1]
