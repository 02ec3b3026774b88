# ruff: noqa: E501
"""``-m ipvs``: parsing, iptables-save / -L texts and evaluation against the IPVS table.

This machine's kernel has no xt_ipvs, so iptables 1.8.9 refuses to append the rule; but
``iptables -v -A ... -m ipvs ...`` prints the parsed rule before the kernel answers, and the
error messages come from the parser. The ``-L`` texts below are those observed prints; the
save texts are the same words with ``--`` (libxt_ipvs's ``ipvs_mt_dump`` prints both, with prefix
"" for -L and "--" for save).
"""

import pytest

from k8slab.linux import xt_ext  # noqa: F401  (registers -m ipvs)
from k8slab.linux.ipvs import RealServer, VirtualServer, ipvs_lookup, ipvs_of
from k8slab.linux.kernel import Kernel
from k8slab.linux.netfilter import HookContext, Netfilter
from k8slab.linux.netfilter.conntrack import REPLY
from k8slab.linux.netfilter.hooks import PacketView
from k8slab.linux.packet import TCP, UDP, IPv4

# (arguments after -m ipvs, what iptables -v printed for the match)
OBSERVED_PRINT = [
    ("--ipvs", "ipvs"),
    ("! --ipvs", "! ipvs"),
    ("--vaddr 10.96.1.2/255.255.0.0", "vaddr 10.96.1.2/16"),
    ("--vaddr 10.96.1.2", "vaddr 10.96.1.2"),
    ("! --vaddr 10.96.1.2/32", "! vaddr 10.96.1.2"),
    ("--vaddr 0.0.0.0/0", "vaddr 0.0.0.0/0"),
    ("--vaddr 10.0.0.1/0", "vaddr 10.0.0.1/0"),
    ("--vaddr localhost", "vaddr 127.0.0.1"),
    ("--vproto TCP", "vproto 6"),
    ("! --vproto sctp", "! vproto 132"),
    ("--vproto all", "vproto 0"),
    ("--vport http", "vport 80"),
    ("--vport 70000", "vport 4464"),
    ("! --vport 8080", "! vport 8080"),
    ("--vdir REPLY", "vdir REPLY"),
    ("--vdir original", "vdir ORIGINAL"),
    ("--vmethod gate", "vmethod GATE"),
    ("! --vmethod IPIP", "! vmethod IPIP"),
    ("--vportctl ftp", "vportctl 21"),
    ("--ipvs --vdir ORIGINAL", "vdir ORIGINAL"),
    ("--vmethod MASQ --vproto udp --vport 53 --vaddr 10.0.0.10 --vdir REPLY --ipvs",
     "vproto 17 vaddr 10.0.0.10 vport 53 vdir REPLY vmethod MASQ"),
    ("--vaddr 10.96.0.0/16 --vport 443 --vproto tcp --vdir ORIGINAL --vmethod MASQ --vportctl 21 --ipvs",
     "vproto 6 vaddr 10.96.0.0/16 vport 443 vdir ORIGINAL vmethod MASQ vportctl 21"),
]

TRY = "Try `iptables -h' or 'iptables --help' for more information.\n"
OBSERVED_ERRORS = [
    ("", "iptables v1.8.9 (nf_tables): IPVS: At least one option is required\n" + TRY),
    ("! --vdir REPLY", 'iptables v1.8.9 (nf_tables): ipvs: option "--vdir" cannot be inverted.\n\n' + TRY),
    ("--vmethod TUNNEL", 'iptables v1.8.9 (nf_tables): ipvs: Bad value for "--vmethod" option: "TUNNEL"\n' + TRY),
    ("--vdir BOTH", 'iptables v1.8.9 (nf_tables): ipvs: Bad value for "--vdir" option: "BOTH"\n' + TRY),
    ("--vproto xyz", 'iptables v1.8.9 (nf_tables): unknown protocol "xyz" specified\n' + TRY),
    ("--vproto 300", 'iptables v1.8.9 (nf_tables): unknown protocol "300" specified\n' + TRY),
    ("--vaddr 10.96.0.1 --vaddr 10.0.0.1", 'iptables v1.8.9 (nf_tables): ipvs: option "--vaddr" can only be used once.\n\n' + TRY),
    ("--ipvs --ipvs", 'iptables v1.8.9 (nf_tables): ipvs: option "--ipvs" can only be used once.\n\n' + TRY),
    ("--vaddr 1.2.3.999", "iptables v1.8.9 (nf_tables): getaddrinfo: Name or service not known\n\n" + TRY),
    ("--vport -1", 'iptables v1.8.9 (nf_tables): Port "-1" does not resolve to anything.\n\n' + TRY),
    ("! --ipvs --vport 1", "iptables v1.8.9 (nf_tables): ! --ipvs cannot be together with other options\n" + TRY),
    ("--vport 1 ! --ipvs", "iptables v1.8.9 (nf_tables): ! --ipvs cannot be together with other options\n" + TRY),
]


def add(nf, args: str):
    return nf.iptables(["-t", "nat", "-A", "POSTROUTING", "-m", "ipvs", *args.split(), "-j", "ACCEPT"])


def saved(printed: str) -> str:
    """The save text of a printed match: each keyword with ``--`` (the ``!`` stays in front)."""
    return " ".join(f"--{w}" if w in KEYWORDS else w for w in printed.split())


KEYWORDS = {"ipvs", "vproto", "vaddr", "vport", "vdir", "vmethod", "vportctl"}


@pytest.mark.parametrize("args,printed", OBSERVED_PRINT)
def test_ipvs_match_listing_and_save(args, printed):
    nf = Netfilter()
    assert add(nf, args) == ("", "", 0)
    line = nf.iptables(["-t", "nat", "-L", "POSTROUTING", "-n"])[0].splitlines()[-1]
    assert line == f"ACCEPT     0    --  0.0.0.0/0            0.0.0.0/0            {printed}"
    assert nf.iptables_save(["-t", "nat"], date=None)[0].splitlines()[-2] == (
        f"-A POSTROUTING -m ipvs {saved(printed)} -j ACCEPT")


def test_ipvs_match_saved_texts():
    nf = Netfilter()
    assert add(nf, "! --vaddr 10.96.1.2/16 ! --vport 443 --vproto tcp --vdir REPLY ! --vmethod MASQ")[2] == 0
    assert add(nf, "! --ipvs")[2] == 0
    assert nf.iptables(["-t", "nat", "-S", "POSTROUTING"])[0] == (
        "-P POSTROUTING ACCEPT\n"
        "-A POSTROUTING -m ipvs --vproto 6 ! --vaddr 10.96.1.2/16 ! --vport 443 --vdir REPLY ! --vmethod MASQ -j ACCEPT\n"
        "-A POSTROUTING -m ipvs ! --ipvs -j ACCEPT\n")
    assert nf.iptables(["-t", "nat", "-L", "POSTROUTING"])[0].splitlines()[2:] == [
        "ACCEPT     all  --  anywhere             anywhere             vproto 6 ! vaddr 10.96.1.2/16 ! vport 443 vdir REPLY ! vmethod MASQ",
        "ACCEPT     all  --  anywhere             anywhere             ! ipvs",
    ]
    text = nf.iptables_save(["-t", "nat"], date=None)[0]
    again = Netfilter()
    assert again.iptables_restore(text, []) == ("", "", 0)
    assert again.iptables_save(["-t", "nat"], date=None)[0] == text


@pytest.mark.parametrize("args,stderr", OBSERVED_ERRORS)
def test_ipvs_match_errors(args, stderr):
    nf = Netfilter()
    assert add(nf, args) == ("", stderr, 2)
    assert nf.iptables(["-t", "nat", "-S", "POSTROUTING"])[0] == "-P POSTROUTING ACCEPT\n"


def test_ipvs_match_evaluates_against_the_ipvs_connection():
    """A client->real server packet after IPVS's DNAT belongs to its connection (vaddr, vport,
    method); the packet to the VIP before IPVS, or another flow, does not."""
    ns = Kernel(seed=1).add_netns("node")
    nf = ns.netfilter
    vs = ipvs_of(ns).add(VirtualServer("TCP", "10.96.0.10", 53))
    vs.real_servers.append(RealServer("10.244.1.2", 5353))
    to_vip = IPv4(src="10.244.2.3", dst="10.96.0.10") / TCP(40000, 53, "S")
    after = ipvs_lookup(ns, to_vip).packet
    rules = ["--ipvs", "! --ipvs", "--vaddr 10.96.0.0/16 --vport 53 --vmethod MASQ --vproto tcp",
             "--vaddr 10.96.0.11", "! --vport 53", "--vportctl 21", "! --vportctl 21", "--vdir ORIGINAL",
             "--vdir REPLY"]
    for r in rules:
        assert add(nf, r)[2] == 0

    def each(pkt, **kw):
        """The rules that match ``pkt``, each tested on its own."""
        pv = PacketView(pkt, HookContext(**kw), nf)
        return [r for r, rule in zip(rules, nf.tables["nat"].chains["POSTROUTING"].rules)
                if rule.matches_packet(pv)]

    assert each(after) == ["--ipvs", "--vaddr 10.96.0.0/16 --vport 53 --vmethod MASQ --vproto tcp",
                           "! --vportctl 21"]
    assert each(to_vip) == ["! --ipvs"]
    assert each(IPv4(src="10.244.2.3", dst="10.244.1.2") / UDP(40000, 5353)) == ["! --ipvs"]
    # the real server's answer once IPVS rewrote it back (VIP -> client) has the IPVS property
    back = IPv4(src="10.96.0.10", dst="10.244.2.3") / TCP(53, 40000, "SA")
    assert each(back) == ["--ipvs"]
    # --vdir asks conntrack for the direction
    entry = nf.conntrack.new((6, "10.244.2.3", "10.244.1.2", 40000, 5353))
    assert "--vdir ORIGINAL" in each(after, ct=entry)
    assert "--vdir REPLY" in each(after, ct=entry, ct_dir=REPLY)
    # through the hook, the first rule (--ipvs) accepts it
    r = nf.hook("POSTROUTING", after, HookContext())
    assert [(s.rulenum, s.action) for s in r.steps if s.table == "nat"] == [(1, "ACCEPT")]
