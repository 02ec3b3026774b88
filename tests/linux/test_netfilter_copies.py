"""Rule.copy and Chain.copy set their slots one by one (not through __init__ or a loop): every
slot must come across, so a slot added later and forgotten there fails here."""

import pytest

from k8slab.linux.netfilter import Netfilter
from k8slab.linux.netfilter.errors import NetfilterError
from k8slab.linux.netfilter.rule import Rule, parse_rule
from k8slab.linux.netfilter.tables import Chain, Table

SPECS = [
    "-j ACCEPT",
    "! -s 10.0.0.0/8 -d 10.96.0.1/32 -i eth0 ! -o lo -p tcp -m tcp --dport 443 -j DROP",
    "-m comment --comment x -m statistic --mode random --probability 0.5 -j RETURN",
    "! -p udp -j MARK --or-mark 0x4000",
]


@pytest.mark.parametrize("spec", SPECS)
def test_rule_copy_keeps_every_slot(spec):
    r, _ = parse_rule(spec.split(), "filter", "INPUT", lambda name: True, True)
    r.pkts, r.bytes = 7, 900
    r.spec()
    r.compile()
    c = r.copy()
    assert c is not r
    for slot in Rule.__slots__:
        assert getattr(c, slot) == getattr(r, slot), slot
    renamed = r.copy("OTHER")
    assert renamed.chain == "OTHER" and renamed._spec is None
    assert renamed.spec() == r.spec()
    for slot in set(Rule.__slots__) - {"chain", "_spec"}:
        assert getattr(renamed, slot) == getattr(r, slot), slot


@pytest.mark.parametrize("builtin,policy", [(True, None), (True, "DROP"), (False, None)])
def test_chain_copy_keeps_every_slot(builtin, policy):
    ch = Chain("X", builtin, policy)
    ch.rules = [Rule("X"), Rule("X")]
    ch.pkts, ch.bytes = 3, 4
    ch._index, ch._cands = ({}, []), {}
    c = ch.copy()
    made = Chain("X", builtin, policy)   # what __init__ makes of the same arguments
    assert (c.name, c.builtin, c.policy) == (made.name, made.builtin, made.policy)
    assert c.rules == ch.rules and c.rules is not ch.rules
    assert (c.pkts, c.bytes) == (3, 4)
    assert c._index is None and c._cands is None   # the copy's own index is made when asked
    assert set(Chain.__slots__) == {"name", "builtin", "policy", "rules", "pkts", "bytes", "_index", "_cands"}


def test_append_to_missing_chain_raises_and_changes_nothing():
    t = Table("filter")
    with pytest.raises(NetfilterError, match="No chain/target/match by that name."):
        t.append(Rule("NOPE"))
    assert not t.exists and "NOPE" not in t.chains


def test_append_keeps_candidates_exact_across_the_index_threshold():
    nf = Netfilter()
    assert nf.iptables(["-N", "C"])[2] == 0
    chain = nf.tables["filter"].chains["C"]
    for i in range(80):
        assert nf.iptables(["-A", "C", "-d", f"10.0.0.{i % 7}/32", "-j", "ACCEPT"])[2] == 0
        if i % 5 == 0:
            assert nf.iptables(["-A", "C", "-s", "10.1.0.0/16", "-j", "RETURN"])[2] == 0
        for dst in (0x0A000000 + i % 7, 0x0A000063):
            could = [j for j, r in enumerate(chain.rules)
                     if not (r.dmask == 0xFFFFFFFF and not r.dinv and r.dst != dst)]
            got = list(chain.candidates(dst))
            assert set(could) <= set(got) and got == sorted(got)
            # kept up to date append by append, as a fresh copy works it out from scratch
            assert got == list(chain.copy().candidates(dst))
