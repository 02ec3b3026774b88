"""The stub resolver: resolv.conf parsing and the exact order of queries glibc and musl send.

Expected orders come from glibc resolv/res_query.c (``__res_context_search``) and musl
src/network/lookup_name.c (``name_from_dns_search``); the ndots examples from the Kubernetes
website's "DNS for Services and Pods" page and resolv.conf(5)."""

from __future__ import annotations

import pytest

from k8slab.linux.packet import DNS, DNSRecord
from k8slab.linux.resolver import ResolvConf, candidates, parse_resolv_conf, resolve

POD_CONF = "search test.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n"


def fake_dns(records: dict[str, dict[str, str]], nodata_names=(), servfail=(), timeout=()):
    """A query_fn answering from {fqdn: {qtype: address}}; other names are NXDOMAIN."""
    asked = []

    def query_fn(fqdn, qtype):
        asked.append((qtype, fqdn))
        q = DNS(id=len(asked), qname=fqdn, qtype=qtype)
        if fqdn in timeout:
            return None
        if fqdn in servfail:
            return q.reply(rcode="SERVFAIL")
        entry = records.get(fqdn)
        if entry is None and fqdn not in nodata_names:
            return q.reply(rcode="NXDOMAIN", aa=True)
        if entry and qtype in entry:
            return q.reply(aa=True, an=(DNSRecord(fqdn, qtype, 30, entry[qtype]),))
        return q.reply(aa=True)  # the name exists, not with that type: NODATA

    query_fn.asked = asked
    return query_fn


def test_parse_resolv_conf_as_glibc_reads_it():
    conf = parse_resolv_conf("# comment\nnameserver 10.96.0.10\nnameserver 10.96.0.11\ndomain old.example\n"
                             "search a.example b.example.\noptions ndots:20 timeout:2 attempts:9 edns0\n")
    assert conf.nameservers == ["10.96.0.10", "10.96.0.11"]
    assert conf.search == ["a.example", "b.example"]  # search replaces domain; final dots dropped
    assert conf.ndots == 15 and conf.timeout == 2 and conf.attempts == 5  # caps: 15 and RES_MAXRETRY
    assert "edns0" in conf.options
    assert parse_resolv_conf("").ndots == 1 and parse_resolv_conf("").servers() == ["127.0.0.1"]


def test_short_name_walks_the_search_list_and_stops_at_the_hit():
    # Website: a pod in "test" asking "data" finds data.test.svc.cluster.local only if it exists there.
    qf = fake_dns({"data.test.svc.cluster.local.": {"A": "10.96.0.50"}})
    lk = resolve("data", "A", qf, parse_resolv_conf(POD_CONF))
    assert lk.ok and lk.fqdn == "data.test.svc.cluster.local." and lk.addresses() == ["10.96.0.50"]
    assert qf.asked == [("A", "data.test.svc.cluster.local.")]


def test_data_prod_from_namespace_test():
    # Website: "data" from test finds nothing when the Service is in prod; "data.prod" does.
    records = {"data.prod.svc.cluster.local.": {"A": "10.96.0.60"}}
    conf = parse_resolv_conf(POD_CONF)
    miss = resolve("data", "A", fake_dns(records), conf)
    assert not miss.ok and miss.status == "NXDOMAIN"
    assert [t.fqdn for t in miss.tries] == ["data.test.svc.cluster.local.", "data.svc.cluster.local.",
                                            "data.cluster.local.", "data."]
    qf = fake_dns(records)
    hit = resolve("data.prod", "A", qf, conf)
    assert hit.ok and [t.outcome for t in hit.tries] == ["NXDOMAIN", "NOERROR"]
    assert qf.asked == [("A", "data.prod.test.svc.cluster.local."), ("A", "data.prod.svc.cluster.local.")]


def test_ndots_surprise_a_full_name_without_final_dot_is_searched_first():
    # kubernetes.default.svc.cluster.local has 4 dots < ndots:5: three useless queries first.
    qf = fake_dns({"kubernetes.default.svc.cluster.local.": {"A": "10.96.0.1"}})
    lk = resolve("kubernetes.default.svc.cluster.local", "A", qf, parse_resolv_conf(POD_CONF))
    assert [t.fqdn for t in lk.tries] == [
        "kubernetes.default.svc.cluster.local.test.svc.cluster.local.",
        "kubernetes.default.svc.cluster.local.svc.cluster.local.",
        "kubernetes.default.svc.cluster.local.cluster.local.",
        "kubernetes.default.svc.cluster.local.",
    ]
    assert lk.ok
    # With the final dot: one query.
    qf2 = fake_dns({"kubernetes.default.svc.cluster.local.": {"A": "10.96.0.1"}})
    assert len(resolve("kubernetes.default.svc.cluster.local.", "A", qf2, parse_resolv_conf(POD_CONF)).tries) == 1


def test_enough_dots_asks_as_is_first_then_searches():
    conf = parse_resolv_conf("search a.example b.example\noptions ndots:1\n")
    assert candidates("www.example.com", conf) == ["www.example.com.", "www.example.com.a.example.",
                                                   "www.example.com.b.example."]
    qf = fake_dns({"www.example.com.b.example.": {"A": "192.0.2.1"}})
    lk = resolve("www.example.com", "A", qf, conf)
    assert lk.fqdn == "www.example.com.b.example." and len(lk.tries) == 3


def test_glibc_keeps_searching_after_nodata_and_reports_it():
    # res_query.c: "On a NO_DATA error, keep trying" -- and the final h_errno is NO_DATA.
    qf = fake_dns({}, nodata_names={"web.test.svc.cluster.local."})
    lk = resolve("web", "AAAA", qf, parse_resolv_conf(POD_CONF))
    assert [t.outcome for t in lk.tries] == ["NODATA", "NXDOMAIN", "NXDOMAIN", "NXDOMAIN"]
    assert lk.status == "NODATA"


def test_a_and_aaaa_together_found_if_either_has_records():
    qf = fake_dns({"web.test.svc.cluster.local.": {"A": "10.96.0.23"}})
    lk = resolve("web", "A+AAAA", qf, parse_resolv_conf(POD_CONF))
    assert lk.ok and len(lk.tries) == 1
    assert [(q.qtype, q.outcome) for q in lk.tries[0].queries] == [("A", "NOERROR"), ("AAAA", "NODATA")]


def test_servfail_moves_on_but_a_timeout_stops_the_search_list():
    conf = parse_resolv_conf(POD_CONF)
    qf = fake_dns({"x.cluster.local.": {"A": "10.0.0.9"}}, servfail={"x.test.svc.cluster.local."})
    assert resolve("x", "A", qf, conf).fqdn == "x.cluster.local."
    qf = fake_dns({"x.cluster.local.": {"A": "10.0.0.9"}}, timeout={"x.test.svc.cluster.local."})
    lk = resolve("x", "A", qf, conf)
    # attempts (2) timed out for the first domain, then the search stops and the name is asked as is.
    assert [t.fqdn for t in lk.tries] == ["x.test.svc.cluster.local.", "x."]
    assert len(lk.tries[0].queries) == 2 and lk.tries[0].queries[0].elapsed == 5.0


def test_musl_never_searches_names_with_enough_dots_and_stops_on_nodata():
    conf = parse_resolv_conf("search a.example\noptions ndots:1\n")
    qf = fake_dns({"www.example.com.a.example.": {"A": "192.0.2.1"}})
    lk = resolve("www.example.com", "A", qf, conf, libc="musl")
    assert [t.fqdn for t in lk.tries] == ["www.example.com."] and not lk.ok
    pod = parse_resolv_conf(POD_CONF)
    qf = fake_dns({}, nodata_names={"web.test.svc.cluster.local."})
    lk = resolve("web", "A+AAAA", qf, pod, libc="musl")
    assert len(lk.tries) == 1 and lk.status == "NODATA"


def test_query_fn_can_take_the_server_and_retries_go_round_the_nameservers():
    seen = []

    def qf(fqdn, qtype, server):
        seen.append(server)
        return None

    conf = ResolvConf(nameservers=["10.0.0.1", "10.0.0.2"], attempts=2)
    lk = resolve("a.example.", "A", qf, conf)
    assert seen == ["10.0.0.1", "10.0.0.2", "10.0.0.1", "10.0.0.2"] and lk.status == "timeout"


@pytest.mark.parametrize("bad", ["", ".", "a..b"])
def test_malformed_names_send_nothing(bad):
    qf = fake_dns({})
    assert not resolve(bad, "A", qf).ok and qf.asked == []
