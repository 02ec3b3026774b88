"""nslookup, dig, host and getent hosts inside a pod, answering from a CoreDNS.

Each expected text is assembled from the printf formats of the program's source:
busybox networking/nslookup.c (1.36: ``Server:\\t\\t%s``, ``Address:\\t%s:53``, ``Name:\\t%s\\n
Address: %s``, ``** server can't find %s: %s``, a blank line after each reply; 1.28:
``%-10s %s`` and ``Address %u: %s %s``), BIND 9 bin/dig/nslookup.c (``Address:\\t%s#53``,
``canonical name = ``, the closing blank line from main), bin/dig/dig.c and lib/dns/message.c +
masterdump.c for dig's header, sections and column layout, bin/dig/host.c (``%s has address
%s``, ``Host %s not found: %d(%s)``), glibc nss/getent.c (``%-15s %s``)."""

from __future__ import annotations

import pytest

from k8slab.cli import dns as tools
from k8slab.components.coredns import CoreDNS
from k8slab.linux.packet import DNS

RESOLV = "search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n"


def service(name, ns="default", ip="10.96.0.23", ports=(("http", 80),), **spec):
    return {"metadata": {"name": name, "namespace": ns},
            "spec": {"clusterIP": ip, "ports": [{"name": n, "port": p, "protocol": "TCP"} for n, p in ports], **spec}}


@pytest.fixture
def coredns():
    return CoreDNS(services=[
        service("kubernetes", ip="10.96.0.1", ports=(("https", 443),)),
        service("kube-dns", "kube-system", "10.96.0.10", ports=(("dns", 53),)),
        service("web"),
        {"metadata": {"name": "foo", "namespace": "default"},
         "spec": {"type": "ExternalName", "externalName": "www.example.com"}},
    ], upstream={"www.example.com": "192.0.2.53"}, clock=lambda: 1736157600)


@pytest.fixture
def exchange(coredns):
    return lambda query, server: coredns.answer(query)


def test_flavors():
    assert tools.flavor_for_image("busybox") == "busybox"
    assert tools.flavor_for_image("docker.io/library/busybox:1.36") == "busybox"
    assert tools.flavor_for_image("busybox:1.28") == "busybox-1.28"
    assert tools.flavor_for_image("registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3") == "bind9.9"
    assert tools.flavor_for_image("nicolaka/netshoot") == "bind9.18"


def test_busybox_nslookup_sends_a_and_aaaa_for_each_search_domain(exchange):
    out, err, code = tools.nslookup(["web"], exchange, RESOLV, image="busybox:1.36")
    # Six replies in the order sent: 3 x A, then 3 x AAAA; the AAAA NODATA prints only its "\n".
    assert out == ("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n"
                   "Name:\tweb.default.svc.cluster.local\nAddress: 10.96.0.23\n\n"
                   "** server can't find web.svc.cluster.local: NXDOMAIN\n\n"
                   "** server can't find web.cluster.local: NXDOMAIN\n\n"
                   "\n"
                   "** server can't find web.svc.cluster.local: NXDOMAIN\n\n"
                   "** server can't find web.cluster.local: NXDOMAIN\n\n")
    assert code == 1 and err == ""  # busybox exits 1 when any reply had an error rcode
    assert [q.qname for q, _, _ in tools.LAST.queries][:3] == [
        "web.default.svc.cluster.local.", "web.svc.cluster.local.", "web.cluster.local."]


def test_busybox_nslookup_does_not_search_names_with_a_dot(exchange):
    # The well-known surprise: "nslookup kubernetes.default" fails with busybox >= 1.29.
    out, _, code = tools.nslookup(["kubernetes.default"], exchange, RESOLV, image="busybox")
    assert out == ("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n"
                   "** server can't find kubernetes.default: NXDOMAIN\n\n"
                   "** server can't find kubernetes.default: NXDOMAIN\n\n")
    assert code == 1  # the upstream (here: a table without that name) says NXDOMAIN


def test_busybox_128_nslookup_the_docs_layout(exchange):
    out, err, code = tools.nslookup(["kubernetes.default"], exchange, RESOLV, image="busybox:1.28")
    assert out == ("Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\n"
                   "Name:      kubernetes.default\nAddress 1: 10.96.0.1 kubernetes.default.svc.cluster.local\n")
    assert code == 0
    out, err, code = tools.nslookup(["nope"], exchange, RESOLV, image="busybox:1.28")
    assert err == "nslookup: can't resolve 'nope'\n" and code == 1


def test_bind_nslookup_searches_like_dig(exchange):
    out, _, code = tools.nslookup(["kubernetes.default"], exchange, RESOLV, image="jessie-dnsutils")
    assert out == ("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n"
                   "Name:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1\n\n")
    assert code == 0
    out, _, code = tools.nslookup(["foo"], exchange, RESOLV, image="dnsutils")
    assert out == ("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n"
                   "foo.default.svc.cluster.local\tcanonical name = www.example.com.\n"
                   "Name:\twww.example.com\nAddress: 192.0.2.53\n\n")
    out, _, code = tools.nslookup(["nope"], exchange, RESOLV, image="dnsutils")
    assert out.endswith("** server can't find nope: NXDOMAIN\n\n") and code == 1
    out, _, _ = tools.nslookup(["10.96.0.1"], exchange, RESOLV, image="dnsutils")
    assert "1.0.96.10.in-addr.arpa\tname = kubernetes.default.svc.cluster.local.\n" in out


def test_dig_layout(exchange):
    out, _, code = tools.dig(["kubernetes.default.svc.cluster.local"], exchange, RESOLV, now=1736157600, seed=1)
    q = tools.LAST.queries[0][0]
    cookie = q.edns.cookie
    assert out == (
        "\n; <<>> DiG 9.18.33-1~deb12u2-Debian <<>> kubernetes.default.svc.cluster.local\n"
        ";; global options: +cmd\n"
        ";; Got answer:\n"
        f";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: {q.id}\n"
        ";; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1\n"
        ";; WARNING: recursion requested but not available\n"
        "\n"
        ";; OPT PSEUDOSECTION:\n"
        "; EDNS: version: 0, flags:; udp: 1232\n"
        f"; COOKIE: {cookie} (echoed)\n"
        ";; QUESTION SECTION:\n"
        ";kubernetes.default.svc.cluster.local. IN A\n"
        "\n"
        ";; ANSWER SECTION:\n"
        "kubernetes.default.svc.cluster.local. 30 IN A\t10.96.0.1\n"
        "\n"
        ";; Query time: 0 msec\n"
        ";; SERVER: 10.96.0.10#53(10.96.0.10) (UDP)\n"
        ";; WHEN: Mon Jan 06 10:00:00 UTC 2025\n"
        # 12 + question (38 + 4) + answer (38 + 10 + 4) + OPT with an 8-byte cookie (11 + 12)
        ";; MSG SIZE  rcvd: 129\n\n")
    assert code == 0


def test_dig_columns_follow_masterdump_tab_stops(exchange):
    out, _, _ = tools.dig(["www.example.com"], exchange, RESOLV, image="jessie-dnsutils")
    assert ";www.example.com.\t\tIN\tA\n" in out  # 16 characters: two tabs reach the class column (32)
    assert "www.example.com.\t30\tIN\tA\t192.0.2.53\n" in out
    assert ";; SERVER: 10.96.0.10#53(10.96.0.10)\n" in out and "; EDNS: version: 0, flags:; udp: 4096\n" in out
    assert ";; flags: qr rd ra; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1\n" in out


def test_dig_short_search_and_nxdomain(exchange):
    assert tools.dig(["web", "+short"], exchange, RESOLV) == ("", "", 0)  # no search by default: "web." fails
    assert tools.dig(["web", "+search", "+short"], exchange, RESOLV) == ("10.96.0.23\n", "", 0)
    assert tools.dig(["foo.default.svc.cluster.local", "+short"], exchange, RESOLV)[0] == \
        "www.example.com.\n192.0.2.53\n"
    out, _, _ = tools.dig(["nope.default.svc.cluster.local"], exchange, RESOLV)
    assert "status: NXDOMAIN" in out and ";; AUTHORITY SECTION:\n" in out
    assert "cluster.local.\t\t30\tIN\tSOA\tns.dns.cluster.local. hostmaster.cluster.local. " in out
    assert tools.dig(["-x", "10.96.0.10", "+short"], exchange, RESOLV)[0] == "kube-dns.kube-system.svc.cluster.local.\n"
    assert tools.dig(["_https._tcp.kubernetes.default.svc.cluster.local", "SRV", "+short"], exchange, RESOLV)[0] == \
        "0 100 443 kubernetes.default.svc.cluster.local.\n"


def test_dig_when_nothing_answers():
    out, _, code = tools.dig(["web"], lambda q, s: None, RESOLV)
    assert out.endswith(";; no servers could be reached\n") and code == 9


def test_host(exchange):
    assert tools.host(["web"], exchange, RESOLV) == ("web.default.svc.cluster.local has address 10.96.0.23\n", "", 0)
    assert tools.host(["foo"], exchange, RESOLV)[0] == (
        "foo.default.svc.cluster.local is an alias for www.example.com.\nwww.example.com has address 192.0.2.53\n")
    assert tools.host(["nope.default.svc.cluster.local."], exchange, RESOLV) == (
        "Host nope.default.svc.cluster.local. not found: 3(NXDOMAIN)\n", "", 1)
    assert tools.host(["10.96.0.1"], exchange, RESOLV)[0] == (
        "1.0.96.10.in-addr.arpa domain name pointer kubernetes.default.svc.cluster.local.\n")


def test_getent_hosts_walks_aaaa_then_a(exchange):
    out, _, code = tools.getent(["hosts", "web"], exchange, RESOLV)
    assert (out, code) == ("10.96.0.23      web.default.svc.cluster.local\n", 0)
    # gethostbyname2(AF_INET6) first: NODATA keeps glibc searching, every suffix is asked.
    asked = [(q.qtype, q.qname, r.rcode if r else None) for q, _, r in tools.LAST.queries]
    assert asked == [("AAAA", "web.default.svc.cluster.local.", "NOERROR"),
                     ("AAAA", "web.svc.cluster.local.", "NXDOMAIN"),
                     ("AAAA", "web.cluster.local.", "NXDOMAIN"),
                     ("AAAA", "web.", "NXDOMAIN"),
                     ("A", "web.default.svc.cluster.local.", "NOERROR")]
    assert tools.getent(["hosts", "foo"], exchange, RESOLV)[0] == (
        "192.0.2.53      www.example.com foo.default.svc.cluster.local\n")
    assert tools.getent(["hosts", "nope"], exchange, RESOLV) == ("", "", 2)
    hosts = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n10.244.1.5\tclient\n"
    assert tools.getent(["hosts", "localhost"], exchange, RESOLV, etc_hosts=hosts)[0] == (
        "::1             localhost ip6-localhost ip6-loopback\n")


def test_errors_are_messages_not_tracebacks(coredns):
    def broken(query, server):
        raise RuntimeError("walk failed")

    out, err, code = tools.nslookup(["web"], broken, RESOLV, image="busybox")
    assert code == 1 and "no servers could be reached" in out
    assert tools.getent(["passwd"], broken, RESOLV)[2] == 1
    assert tools.dig(["web", "+bogus"], broken, RESOLV)[1].startswith("Invalid option: +bogus")
    assert tools.nslookup([], broken, RESOLV, image="busybox")[1].startswith("BusyBox v1.36.1")
    assert isinstance(coredns.answer(DNS(id=1, opcode=2, qname="x.", qtype="A")), DNS)
