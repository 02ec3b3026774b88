"""A long chain's destination index: the candidates for a packet are always every rule that could
match it (each rule with another exact -d left out), in rule order, whatever changed the chain."""

import random

from k8slab.linux.netfilter import Netfilter
from k8slab.linux.netfilter.addr import ip_to_int
from k8slab.linux.netfilter.tables import INDEX_MIN_RULES


def _could_match(chain, dst):
    if len(chain.rules) < INDEX_MIN_RULES:   # short chains are walked whole
        return list(range(len(chain.rules)))
    return [i for i, r in enumerate(chain.rules) if not (r.dmask == 0xFFFFFFFF and not r.dinv) or r.dst == dst]


def test_candidates_follow_every_change_of_the_chain():
    rng = random.Random(7)
    nf = Netfilter()
    nf.iptables(["-N", "LONG"])
    chain = nf.table("filter").chains["LONG"]
    dsts = [f"10.96.0.{i}" for i in range(1, 9)]

    def rule():
        kind = rng.randrange(4)
        if kind == 0:
            return ["-d", rng.choice(dsts), "-j", "ACCEPT"]
        if kind == 1:
            return ["!", "-d", rng.choice(dsts), "-j", "ACCEPT"]
        if kind == 2:
            return ["-d", "10.96.0.0/24", "-j", "RETURN"]
        return ["-p", "tcp", "-j", "DROP"]

    for step in range(600):
        op = rng.random()
        if op < 0.7 or len(chain.rules) < INDEX_MIN_RULES:
            assert nf.iptables(["-A", "LONG", *rule()])[2] == 0
        elif op < 0.8:
            assert nf.iptables(["-I", "LONG", str(rng.randrange(1, len(chain.rules) + 1)), *rule()])[2] == 0
        elif op < 0.9:
            assert nf.iptables(["-D", "LONG", str(rng.randrange(1, len(chain.rules) + 1))])[2] == 0
        else:
            nf.iptables_restore("*filter\n-A LONG -d 10.96.0.3 -j ACCEPT\nCOMMIT\n", ["--noflush"])
            chain = nf.table("filter").chains["LONG"]   # restore puts a new copy in place
        for dst in rng.sample(dsts, 3) + ["10.96.0.200"]:
            d = ip_to_int(dst)
            assert list(chain.candidates(d)) == _could_match(chain, d), step
    assert len(chain.rules) >= INDEX_MIN_RULES
