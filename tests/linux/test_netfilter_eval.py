"""Rule-by-rule evaluation, counters, conntrack and NAT through the hooks API."""

import random

from k8slab.linux.netfilter import HookContext, Netfilter
from k8slab.linux.packet import ICMP, TCP, UDP, Ether, IPv4, Raw


def ipt(nf, *args):
    out, err, rc = nf.iptables(list(args))
    assert rc == 0, err
    return out


def ctx(**kw):
    kw.setdefault("random", random.Random(1))
    return HookContext(**kw)


def udp(src, dst, sport, dport, pad=0):
    return IPv4(src=src, dst=dst) / UDP(sport=sport, dport=dport) / Raw(pad=pad)


def tcp(src, dst, sport, dport, flags="S"):
    return IPv4(src=src, dst=dst) / TCP(sport=sport, dport=dport, flags=flags)


def test_counters_jump_return_and_policy():
    nf = Netfilter()
    ipt(nf, "-N", "CHECK")
    ipt(nf, "-A", "INPUT", "-p", "tcp", "--dport", "22", "-j", "CHECK")
    ipt(nf, "-A", "INPUT", "-s", "10.0.0.0/8", "-j", "ACCEPT")
    ipt(nf, "-A", "CHECK", "-s", "192.168.0.0/16", "-j", "RETURN")
    ipt(nf, "-A", "CHECK", "-j", "DROP")
    ipt(nf, "-P", "INPUT", "DROP")
    p = tcp("10.1.2.3", "10.0.0.1", 5555, 22)  # 40 bytes
    r = nf.hook("INPUT", p, ctx(in_iface="eth0"))
    assert r.verdict == "DROP"
    assert [(s.chain, s.rulenum, s.action) for s in r.steps if s.table == "filter"] == [
        ("INPUT", 1, "jump to CHECK"),
        ("CHECK", 2, "DROP"),
    ]
    r = nf.hook("INPUT", tcp("192.168.1.1", "10.0.0.1", 5555, 22), ctx())
    # RETURNed from CHECK, rule 2 does not match 192.168/16, so the policy applies
    assert r.verdict == "DROP"
    assert r.steps[-1].rule == "-P INPUT DROP" and r.steps[-1].rulenum is None
    r = nf.hook("INPUT", udp("10.9.9.9", "10.0.0.1", 1, 53), ctx())
    assert r.verdict == "ACCEPT"
    f = nf.tables["filter"]
    assert [(x.pkts, x.bytes) for x in f.chains["INPUT"].rules] == [(2, 80), (1, 28)]
    assert [(x.pkts, x.bytes) for x in f.chains["CHECK"].rules] == [(1, 40), (1, 40)]
    assert (f.chains["INPUT"].pkts, f.chains["INPUT"].bytes) == (1, 40)
    out = ipt(nf, "-L", "INPUT", "-n", "-v")
    assert out.splitlines()[0] == "Chain INPUT (policy DROP 1 packets, 40 bytes)"
    assert out.splitlines()[2].startswith("    2    80 CHECK      6    --  *      *       0.0.0.0/0 ")


def test_goto_falls_back_to_the_calling_builtin_policy():
    nf = Netfilter()
    ipt(nf, "-N", "G")
    ipt(nf, "-N", "J")
    ipt(nf, "-A", "FORWARD", "-j", "J")
    ipt(nf, "-A", "FORWARD", "-j", "DROP")
    ipt(nf, "-A", "J", "-g", "G")
    ipt(nf, "-A", "J", "-j", "REJECT")
    ipt(nf, "-A", "G", "-p", "udp", "-j", "RETURN")
    r = nf.hook("FORWARD", udp("1.1.1.1", "2.2.2.2", 1, 2), ctx())
    # RETURN from G goes back past J (goto pushed nothing) to FORWARD rule 2
    assert r.verdict == "DROP"
    assert [(s.chain, s.rulenum) for s in r.steps if s.table == "filter"] == [
        ("FORWARD", 1),
        ("J", 1),
        ("G", 1),
        ("FORWARD", 2),
    ]


def test_reject_gives_its_type_and_unmatched_rules_count_nothing():
    nf = Netfilter()
    ipt(nf, "-A", "OUTPUT", "-p", "tcp", "-d", "172.30.0.46", "--dport", "80", "-j", "REJECT")
    ipt(nf, "-A", "OUTPUT", "-p", "tcp", "-j", "REJECT", "--reject-with", "tcp-reset")
    r = nf.hook("OUTPUT", tcp("10.0.0.1", "172.30.0.46", 40000, 80), ctx())
    assert (r.verdict, r.reject_with) == ("REJECT", "icmp-port-unreachable")
    r = nf.hook("OUTPUT", tcp("10.0.0.1", "172.30.0.47", 40000, 80), ctx())
    assert (r.verdict, r.reject_with) == ("REJECT", "tcp-reset")
    rules = nf.tables["filter"].chains["OUTPUT"].rules
    assert (rules[0].pkts, rules[1].pkts) == (1, 1)


def test_dns_dnat_and_reply_un_dnat_through_conntrack():
    """The scenario from the brief: 10.96.0.10:53 -> 10.244.2.3:53, and the reply back."""
    nf = Netfilter()
    ipt(
        nf,
        "-t",
        "nat",
        "-A",
        "PREROUTING",
        "-d",
        "10.96.0.10/32",
        "-p",
        "udp",
        "--dport",
        "53",
        "-j",
        "DNAT",
        "--to-destination",
        "10.244.2.3:53",
    )
    c = ctx(in_iface="cni0", now=100.0)
    q = udp("10.244.1.2", "10.96.0.10", 40000, 53, pad=20)
    r = nf.hook("PREROUTING", q, c)
    assert r.verdict == "ACCEPT" and r.ctstate == "NEW"
    assert (r.packet.src, r.packet.dst, r.packet.sport, r.packet.dport) == (
        "10.244.1.2",
        "10.244.2.3",
        40000,
        53,
    )
    assert [s.action for s in r.steps if s.table == "nat"] == ["DNAT to:10.244.2.3:53"]
    assert any(
        s.table == "conntrack" and s.action.startswith("DNAT: dst 10.96.0.10:53 -> 10.244.2.3:53")
        for s in r.steps
    )
    c.out_iface = "eth0"
    assert nf.hook("FORWARD", r.packet, c).verdict == "ACCEPT"
    r = nf.hook("POSTROUTING", r.packet, c)
    assert r.ct.confirmed
    # The reply from the endpoint, in another hook context (a new skb).
    c2 = ctx(in_iface="eth0", out_iface="cni0", now=100.5)
    reply = udp("10.244.2.3", "10.244.1.2", 53, 40000)
    r2 = nf.hook("PREROUTING", reply, c2)
    assert r2.ctstate == "ESTABLISHED" and r2.ct is r.ct
    assert r2.packet.src == "10.244.2.3"  # un-DNAT happens at the source-NAT hook
    nf.hook("FORWARD", r2.packet, c2)
    r3 = nf.hook("POSTROUTING", r2.packet, c2)
    assert (r3.packet.src, r3.packet.sport, r3.packet.dst, r3.packet.dport) == (
        "10.96.0.10",
        53,
        "10.244.1.2",
        40000,
    )
    assert any(s.action == "un-DNAT: src 10.244.2.3:53 -> 10.96.0.10:53" for s in r3.steps)
    # A second query on the same connection is translated without the nat rules being consulted.
    c3 = ctx(in_iface="cni0", now=101.0)
    r4 = nf.hook("PREROUTING", q, c3)
    assert r4.ctstate == "ESTABLISHED" and r4.packet.dst == "10.244.2.3"
    assert not [s for s in r4.steps if s.table == "nat"]
    rule = nf.tables["nat"].chains["PREROUTING"].rules[0]
    assert (rule.pkts, rule.bytes) == (1, 48)  # counts the connection's first packet only
    out, err = nf.conntrack.listing(now=101.0)  # the stream timeout (120 s) just restarted
    assert out == (
        "udp      17 119 src=10.244.1.2 dst=10.96.0.10 sport=40000 dport=53 src=10.244.2.3 "
        "dst=10.244.1.2 sport=53 dport=40000 [ASSURED] mark=0 use=1\n"
    )
    assert err == "conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.\n"


def test_conntrack_listing_format_and_timeouts():
    nf = Netfilter()
    c = ctx(now=0.0)
    for hook in ("OUTPUT", "POSTROUTING"):
        nf.hook(hook, udp("10.1.1.1", "10.1.1.1", 40001, 7777), c)
    out, _ = nf.conntrack.listing(now=0.0)
    # observed with conntrack v1.4.7 for an unanswered UDP datagram
    assert out == (
        "udp      17 29 src=10.1.1.1 dst=10.1.1.1 sport=40001 dport=7777 [UNREPLIED] "
        "src=10.1.1.1 dst=10.1.1.1 sport=7777 dport=40001 mark=0 use=1\n"
    )
    out, err = nf.conntrack.listing(now=31.0)
    assert out == "" and err.endswith(" 0 flow entries have been shown.\n")


def test_tcp_states_and_assured():
    nf = Netfilter()

    def send(p, now, local_out=True):
        c = ctx(now=now)
        hooks = ("OUTPUT", "POSTROUTING") if local_out else ("PREROUTING", "INPUT")
        for h in hooks:
            r = nf.hook(h, p, c)
        return r

    a, b = "10.0.0.1", "10.0.0.2"
    assert send(tcp(a, b, 41000, 8080, "S"), 0).ctstate == "NEW"
    e = nf.conntrack.entries()[0]
    assert (e.state, e.timeout(0)) == ("SYN_SENT", 119)
    assert send(tcp(b, a, 8080, 41000, "SA"), 1, local_out=False).ctstate == "ESTABLISHED"
    assert e.state == "SYN_RECV"
    send(tcp(a, b, 41000, 8080, "A"), 2)
    assert (e.state, e.assured, e.timeout(2)) == ("ESTABLISHED", True, 431999)
    send(tcp(a, b, 41000, 8080, "FA"), 3)
    send(tcp(b, a, 8080, 41000, "FA"), 3, local_out=False)
    send(tcp(a, b, 41000, 8080, "A"), 3)
    assert e.state == "TIME_WAIT"
    assert nf.conntrack.listing(now=3)[0] == (
        "tcp      6 119 TIME_WAIT src=10.0.0.1 dst=10.0.0.2 sport=41000 dport=8080 src=10.0.0.2 dst=10.0.0.1 "
        "sport=8080 dport=41000 [ASSURED] mark=0 use=1\n"
    )


def test_kube_proxy_masquerade_chain_marks_and_masquerades():
    nf = Netfilter()
    text = """*nat
:KUBE-SERVICES - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-SVC-X - [0:0]
:KUBE-SEP-A - [0:0]
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE
-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000
-A KUBE-SERVICES -m comment --comment "ns/web cluster IP" -m tcp -p tcp -d 10.96.0.20 --dport 80 -j KUBE-SVC-X
-A KUBE-SVC-X -m comment --comment "ns/web cluster IP" -m tcp -p tcp -d 10.96.0.20 --dport 80 \
! -s 10.244.0.0/16 -j KUBE-MARK-MASQ
-A KUBE-SVC-X -j KUBE-SEP-A
-A KUBE-SEP-A -m tcp -p tcp -j DNAT --to-destination 10.244.2.7:8080
COMMIT
"""
    assert nf.iptables_restore(text, ["--noflush"]) == ("", "", 0)
    ipt(nf, "-t", "nat", "-I", "PREROUTING", "-j", "KUBE-SERVICES")
    ipt(nf, "-t", "nat", "-I", "POSTROUTING", "-j", "KUBE-POSTROUTING")
    addrs = {"eth0": "172.18.0.3"}
    c = ctx(in_iface="eth0", iface_addr=addrs.get, now=5)
    p = tcp("192.168.5.5", "10.96.0.20", 33333, 80)  # from outside the pod CIDR: masqueraded
    r = nf.hook("PREROUTING", p, c)
    assert c.mark == 0x4000 and r.packet.dst == "10.244.2.7" and r.packet.dport == 8080
    c.out_iface = "eth0"
    r = nf.hook("POSTROUTING", r.packet, c)
    assert c.mark == 0  # --xor-mark cleared it
    assert (r.packet.src, r.packet.sport) == ("172.18.0.3", 33333)
    assert {"DNAT", "SNAT", "NEW"} <= set(r.ct.status_names()) | {"DNAT", "SNAT", "NEW"}
    # The reply: un-SNAT at PREROUTING, un-DNAT at POSTROUTING.
    c2 = ctx(in_iface="eth0", out_iface="eth0", now=5)
    back = tcp("10.244.2.7", "172.18.0.3", 8080, 33333, "SA")
    r2 = nf.hook("PREROUTING", back, c2)
    assert (r2.packet.dst, r2.packet.dport) == ("192.168.5.5", 33333)
    r3 = nf.hook("POSTROUTING", r2.packet, c2)
    assert (r3.packet.src, r3.packet.sport) == ("10.96.0.20", 80)
    # A second client with the same source port gets another port (the reply tuple must be unique).
    c3 = ctx(in_iface="eth0", iface_addr=addrs.get, out_iface="eth0", now=6)
    r = nf.hook("PREROUTING", tcp("192.168.6.6", "10.96.0.20", 33333, 80), c3)
    r = nf.hook("POSTROUTING", r.packet, c3)
    assert (r.packet.src, r.packet.sport) == ("172.18.0.3", 1024)
    masq = nf.tables["nat"].chains["KUBE-POSTROUTING"].rules
    assert [x.pkts for x in masq] == [0, 2, 2]


def test_masquerade_random_fully_is_deterministic_with_the_seed():
    def run(seed):
        nf = Netfilter()
        ipt(nf, "-t", "nat", "-A", "POSTROUTING", "-o", "eth0", "-j", "MASQUERADE", "--random-fully")
        c = ctx(out_iface="eth0", iface_addr=lambda n: "172.18.0.2", random=random.Random(seed))
        nf.hook("OUTPUT", tcp("10.244.1.5", "1.1.1.1", 40000, 443), c)
        return nf.hook("POSTROUTING", tcp("10.244.1.5", "1.1.1.1", 40000, 443), c).packet.sport

    assert run(7) == run(7)
    assert 1024 <= run(7) <= 65535 and run(7) != 40000


def test_masquerade_without_address_drops():
    nf = Netfilter()
    ipt(nf, "-t", "nat", "-A", "POSTROUTING", "-j", "MASQUERADE")
    c = ctx(out_iface="eth9")
    nf.hook("OUTPUT", udp("10.0.0.1", "1.1.1.1", 1, 2), c)
    assert nf.hook("POSTROUTING", udp("10.0.0.1", "1.1.1.1", 1, 2), c).verdict == "DROP"


def test_statistic_draws_once_per_evaluation_from_the_seeded_random():
    nf = Netfilter()
    ipt(nf, "-N", "SVC")
    ipt(nf, "-A", "OUTPUT", "-j", "SVC")
    for i, prob in enumerate(("0.3333333333", "0.5000000000")):
        ipt(
            nf,
            "-A",
            "SVC",
            "-m",
            "statistic",
            "--mode",
            "random",
            "--probability",
            prob,
            "-j",
            "MARK",
            "--set-mark",
            str(i + 1),
        )
        ipt(nf, "-A", "SVC", "-m", "mark", "--mark", str(i + 1), "-j", "RETURN")
    ipt(nf, "-A", "SVC", "-j", "MARK", "--set-mark", "3")
    rng = random.Random(42)
    marks = []
    for _ in range(3000):
        c = HookContext(random=rng)
        nf.tables["filter"]  # same rules, new skb each time
        traverse_only(nf, c)
        marks.append(c.mark)
    counts = [marks.count(m) for m in (1, 2, 3)]
    assert all(900 < n < 1100 for n in counts), counts
    # Exactly the same choices again from the same seed.
    rng2 = random.Random(42)
    again = []
    for _ in range(50):
        c = HookContext(random=rng2)
        traverse_only(nf, c)
        again.append(c.mark)
    assert again == marks[:50]
    rules = nf.tables["filter"].chains["SVC"].rules
    assert rules[0].pkts == counts[0] + counts[0] * 0 + marks[:50].count(1)


def traverse_only(nf, c):
    nf.hook("OUTPUT", udp("10.0.0.1", "10.0.0.2", 1, 2), c)


def test_statistic_nth():
    nf = Netfilter()
    ipt(nf, "-A", "INPUT", "-m", "statistic", "--mode", "nth", "--every", "3", "--packet", "0", "-j", "DROP")
    verdicts = [nf.hook("INPUT", udp("1.1.1.1", "2.2.2.2", 1, 2), ctx()).verdict for _ in range(6)]
    assert verdicts == ["ACCEPT", "ACCEPT", "DROP", "ACCEPT", "ACCEPT", "DROP"]


def test_ctstate_dnat_and_established_in_filter():
    nf = Netfilter()
    ipt(
        nf,
        "-t",
        "nat",
        "-A",
        "OUTPUT",
        "-d",
        "10.96.0.1",
        "-p",
        "tcp",
        "--dport",
        "443",
        "-j",
        "DNAT",
        "--to-destination",
        "172.18.0.2:6443",
    )
    ipt(nf, "-A", "OUTPUT", "-m", "conntrack", "--ctstate", "DNAT", "-j", "LOG", "--log-prefix", "dnat ")
    ipt(nf, "-A", "INPUT", "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "ACCEPT")
    ipt(nf, "-A", "INPUT", "-m", "conntrack", "--ctstate", "INVALID", "-j", "DROP")
    ipt(nf, "-P", "INPUT", "DROP")
    c = ctx(now=0)
    r = nf.hook("OUTPUT", tcp("10.0.0.5", "10.96.0.1", 50000, 443), c)
    assert r.packet.dst == "172.18.0.2" and r.log == ["dnat IN= OUT= SRC=10.0.0.5 DST=172.18.0.2"]
    nf.hook("POSTROUTING", r.packet, c)
    c2 = ctx(now=1)
    back = tcp("172.18.0.2", "10.0.0.5", 6443, 50000, "SA")
    r = nf.hook("PREROUTING", back, c2)
    r = nf.hook("INPUT", r.packet, c2)
    assert r.verdict == "ACCEPT" and r.packet.src == "10.96.0.1" and r.packet.sport == 443
    # An ICMP error about nothing we know is INVALID and dropped.
    err = (
        IPv4(src="9.9.9.9", dst="10.0.0.5")
        / ICMP(type=3, code=3)
        / IPv4(src="10.0.0.5", dst="9.9.9.9")
        / UDP(sport=1, dport=2)
    )
    c3 = ctx()
    nf.hook("PREROUTING", err, c3)
    assert (c3.ctstate, nf.hook("INPUT", err, c3).verdict) == ("INVALID", "DROP")


def test_icmp_error_is_related_and_its_quoted_header_is_un_dnatted():
    nf = Netfilter()
    ipt(
        nf,
        "-t",
        "nat",
        "-A",
        "PREROUTING",
        "-d",
        "10.96.0.10",
        "-p",
        "udp",
        "--dport",
        "53",
        "-j",
        "DNAT",
        "--to-destination",
        "10.244.2.3:5353",
    )
    c = ctx()
    r = nf.hook("PREROUTING", udp("10.244.1.2", "10.96.0.10", 40000, 53), c)
    nf.hook("POSTROUTING", r.packet, c)
    err = (
        IPv4(src="10.244.2.3", dst="10.244.1.2")
        / ICMP(type=3, code=3)
        / IPv4(src="10.244.1.2", dst="10.244.2.3", proto=17)
        / UDP(sport=40000, dport=5353)
    )
    c2 = ctx()
    r = nf.hook("PREROUTING", err, c2)
    assert r.ctstate == "RELATED"
    r = nf.hook("POSTROUTING", r.packet, c2)
    inner_ip, inner_udp = r.packet.layers[2], r.packet.layers[3]
    assert r.packet.src == "10.96.0.10"
    assert (inner_ip.dst, inner_udp.dport) == ("10.96.0.10", 53)


def test_recent_set_and_rcheck_with_seconds():
    nf = Netfilter()
    ipt(nf, "-N", "SEP")
    ipt(
        nf,
        "-A",
        "INPUT",
        "-m",
        "recent",
        "--name",
        "SEP",
        "--rcheck",
        "--seconds",
        "10",
        "--reap",
        "-j",
        "SEP",
    )
    ipt(nf, "-A", "INPUT", "-m", "recent", "--name", "SEP", "--set", "-j", "ACCEPT")
    ipt(nf, "-A", "SEP", "-j", "DROP")
    p = udp("10.0.0.9", "10.0.0.1", 1, 2)
    assert nf.hook("INPUT", p, ctx(now=0)).verdict == "ACCEPT"
    assert nf.hook("INPUT", p, ctx(now=5)).verdict == "DROP"
    assert nf.hook("INPUT", p, ctx(now=20)).verdict == "ACCEPT"  # older than 10 s: reaped, set again


def test_addrtype_local_interfaces_and_frames():
    nf = Netfilter()
    ipt(nf, "-A", "INPUT", "-i", "veth+", "-m", "addrtype", "--dst-type", "LOCAL", "-j", "DROP")
    frame = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / udp("10.244.1.2", "10.244.1.1", 1, 2)
    local = {"10.244.1.1"}.__contains__
    assert nf.hook("INPUT", frame, ctx(in_iface="veth1234", is_local=local)).verdict == "DROP"
    assert nf.hook("INPUT", frame, ctx(in_iface="eth0", is_local=local)).verdict == "ACCEPT"
    assert nf.hook("INPUT", frame, ctx(in_iface="veth1234")).verdict == "ACCEPT"
    assert nf.tables["filter"].chains["INPUT"].rules[0].bytes == 28  # IP length, not the frame


def test_notrack_leaves_packets_untracked_and_out_of_nat():
    nf = Netfilter()
    ipt(nf, "-t", "raw", "-A", "PREROUTING", "-p", "udp", "--dport", "4789", "-j", "NOTRACK")
    ipt(nf, "-t", "nat", "-A", "PREROUTING", "-j", "DNAT", "--to-destination", "1.2.3.4")
    c = ctx()
    r = nf.hook("PREROUTING", udp("172.18.0.2", "172.18.0.3", 1, 4789), c)
    assert r.ctstate == "UNTRACKED" and r.packet.dst == "172.18.0.3" and r.ct is None
    assert nf.conntrack.entries() == []


def test_dropped_first_packet_leaves_no_conntrack_entry():
    nf = Netfilter()
    ipt(nf, "-A", "FORWARD", "-j", "DROP")
    c = ctx()
    nf.hook("PREROUTING", udp("1.1.1.1", "2.2.2.2", 1, 2), c)
    assert nf.hook("FORWARD", udp("1.1.1.1", "2.2.2.2", 1, 2), c).verdict == "DROP"
    assert nf.conntrack.entries() == []


def test_large_chain_index_keeps_counters_exact():
    """KUBE-SERVICES-sized chains use a destination index; the matched rules, their order and the
    counters must be exactly those of a plain rule-by-rule walk."""
    nf = Netfilter()
    lines = ["*nat", ":SVC - [0:0]", "-A SVC -j MARK --or-mark 0x1"]
    for i in range(200):
        lines.append(f"-A PREROUTING -d 10.96.{i // 250}.{i % 250} -p tcp --dport 80 -j SVC")
        if i % 50 == 0:
            lines.append("-A PREROUTING -p tcp --dport 80 -j MARK --or-mark 0x2")
    lines += ["-A PREROUTING -d 10.96.0.7 -p tcp --dport 80 -j MARK --or-mark 0x4", "COMMIT"]
    assert nf.iptables_restore("\n".join(lines) + "\n", ["--noflush"])[2] == 0
    c = ctx()
    r = nf.hook("PREROUTING", tcp("1.2.3.4", "10.96.0.7", 1000, 80), c)
    rules = nf.tables["nat"].chains["PREROUTING"].rules
    expected = [i + 1 for i, x in enumerate(rules) if x.dmask == 0 or x.dst == 0x0A600007]
    assert [s.rulenum for s in r.steps if s.table == "nat" and s.chain == "PREROUTING"][:-1] == expected
    assert [i + 1 for i, x in enumerate(rules) if x.pkts] == expected
    assert c.mark == 0x7


def test_sctp_match_ports_ranges_and_negation():
    """-m sctp tests the SCTP common header's ports; it never matches another protocol's."""
    from k8slab.linux.packet import SCTP

    nf = Netfilter()
    ipt(nf, "-N", "S")
    ipt(nf, "-A", "S", "-p", "sctp", "-m", "sctp", "--dport", "53", "-j", "ACCEPT")
    ipt(nf, "-A", "S", "-p", "sctp", "--sport", "1000:2000", "!", "--dport", "80", "-j", "DROP")
    ipt(nf, "-A", "S", "-j", "RETURN")
    ipt(nf, "-A", "INPUT", "-j", "S")

    def verdict(pkt):
        return [s.rulenum for s in nf.hook("INPUT", pkt, ctx()).steps if s.chain == "S"]

    sctp = IPv4(src="10.0.0.2", dst="10.0.0.1") / SCTP(sport=40000, dport=53)
    assert sctp[IPv4].proto == 132 and sctp.proto == "sctp" and len(sctp) == 32
    assert verdict(sctp) == [1]
    assert verdict(IPv4(src="10.0.0.2", dst="10.0.0.1") / SCTP(sport=1500, dport=81)) == [2]
    assert verdict(IPv4(src="10.0.0.2", dst="10.0.0.1") / SCTP(sport=1500, dport=80)) == [3]
    assert verdict(udp("10.0.0.2", "10.0.0.1", 1500, 53)) == [3]


def test_physdev_match_follows_the_kernel_for_bridged_and_routed_packets():
    """Without bridge info only all-negated physdev rules match; --physdev-is-in asks for an in port."""
    nf = Netfilter()
    ipt(nf, "-N", "P")
    for spec in (["!", "--physdev-is-in"], ["--physdev-is-in", "--physdev-in", "veth+"],
                 ["--physdev-is-bridged", "!", "--physdev-out", "eth0"], ["--physdev-is-out"]):
        ipt(nf, "-A", "P", "-m", "physdev", *spec, "-j", "RETURN")
    ipt(nf, "-A", "FORWARD", "-j", "P")

    def first(**kw):
        steps = [s.rulenum for s in nf.hook("FORWARD", tcp("10.0.0.2", "10.0.1.2", 1, 80), ctx(**kw)).steps
                 if s.chain == "P"]
        return steps[0] if steps else None

    assert first() == 1  # routed: no bridge info
    assert first(physdev_in="veth1", physdev_out="veth2") == 2
    assert first(physdev_in="eth1", physdev_out="veth2") == 3
    assert first(physdev_in="eth1", physdev_out="eth0") == 4
