"""CoreDNS's Kubernetes records, built from the DNS specification's examples
(kubernetes/dns docs/specification.md, sections 2.2-2.6) and the website's "DNS for Services
and Pods" page. Where CoreDNS differs from the spec's sample values (TTLs, SRV weights, the
schema version it reports), the expectation follows CoreDNS's source (plugin/kubernetes,
plugin/backend_lookup.go, plugin/cache) with kind's Corefile (ttl 30, cache 30)."""

from __future__ import annotations

import pytest

from k8slab.components.coredns import CoreDNS, reverse_name
from k8slab.components.kubelet_dns import pod_dns_config, pod_resolv_conf
from k8slab.linux.kernel import Kernel
from k8slab.linux.link import veth_pair
from k8slab.linux.packet import DNS, EDNS, UDP, IPv4
from k8slab.linux.resolver import parse_resolv_conf, resolve
from k8slab.linux.walk import send


def service(name, ns="default", cluster_ip="10.96.0.23", ports=(("http", 80, "TCP"),), **spec):
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns},
            "spec": {"clusterIP": cluster_ip, "ports": [{"name": n, "port": p, "protocol": pr} if n else
                                                        {"port": p, "protocol": pr} for n, p, pr in ports], **spec}}


def slice_(svc, endpoints, ns="default", ports=(("http", 80, "TCP"),)):
    """An EndpointSlice: endpoints are (ip, ready, hostname, pod name)."""
    return {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
            "metadata": {"name": f"{svc}-x1y2z", "namespace": ns, "labels": {"kubernetes.io/service-name": svc}},
            "ports": [{"name": n, "port": p, "protocol": pr} for n, p, pr in ports],
            "endpoints": [dict({"addresses": [ip], "conditions": {"ready": ready}},
                               **({"hostname": h} if h else {}),
                               **({"targetRef": {"kind": "Pod", "name": pod, "namespace": ns}} if pod else {}))
                          for ip, ready, h, pod in endpoints]}


def ask(dns, name, qtype="A"):
    return dns.answer(DNS(id=7, qname=name, qtype=qtype))


def rrs(reply):
    return [(rr.name, rr.ttl, rr.type, rr.data) for rr in reply.an]


@pytest.fixture
def spec_cluster():
    """The specification's examples: kubernetes (10.3.0.1, https 443), headless (3 endpoints),
    foo (ExternalName www.example.com)."""
    services = [
        service("kubernetes", cluster_ip="10.3.0.1", ports=(("https", 443, "TCP"),)),
        service("headless", cluster_ip="None", ports=(("http", 80, "TCP"),)),
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "foo", "namespace": "default"},
         "spec": {"type": "ExternalName", "externalName": "www.example.com"}},
        service("kube-dns", "kube-system", "10.3.0.10", ports=(("dns", 53, "UDP"),)),
    ]
    slices = [slice_("headless", [("10.3.0.100", True, "my-pet", "pet-0"), ("10.3.0.2", True, "my-pet-2", "pet-1"),
                                  ("10.3.0.3", True, None, "pet-2")])]
    return CoreDNS(services=services, endpointslices=slices, upstream={"www.example.com": "192.0.2.53"},
                   clock=lambda: 1736157600, loadbalance=False)


def test_schema_version(spec_cluster):
    # Spec 2.2 gives `dns-version.cluster.local. 28800 IN TXT "1.0.0"`; CoreDNS 1.12 answers
    # DNSSchemaVersion "1.1.0" with TTL 28800, which kind's "cache 30" caps to 30.
    r = ask(spec_cluster, "dns-version.cluster.local.", "TXT")
    assert rrs(r) == [("dns-version.cluster.local.", 30, "TXT", '"1.1.0"')]


def test_cluster_ip_a_srv_ptr(spec_cluster):
    # Spec 2.3.1-2.3.3.
    a = ask(spec_cluster, "kubernetes.default.svc.cluster.local.")
    assert a.rcode == "NOERROR" and a.aa and not a.ra
    assert rrs(a) == [("kubernetes.default.svc.cluster.local.", 30, "A", "10.3.0.1")]
    srv = ask(spec_cluster, "_https._tcp.kubernetes.default.svc.cluster.local.", "SRV")
    # The spec shows "10 100 443 ..." (priority/weight not prescribed); CoreDNS sends priority 0.
    assert rrs(srv) == [("_https._tcp.kubernetes.default.svc.cluster.local.", 30, "SRV",
                         "0 100 443 kubernetes.default.svc.cluster.local.")]
    assert [(rr.name, rr.type, rr.data) for rr in srv.ar] == [("kubernetes.default.svc.cluster.local.", "A",
                                                               "10.3.0.1")]
    ptr = ask(spec_cluster, "1.0.3.10.in-addr.arpa.", "PTR")
    assert rrs(ptr) == [("1.0.3.10.in-addr.arpa.", 30, "PTR", "kubernetes.default.svc.cluster.local.")]
    assert reverse_name("10.3.0.1") == "1.0.3.10.in-addr.arpa."


def test_headless_records(spec_cluster):
    # Spec 2.4.1: one A per ready endpoint; per-hostname A; the third endpoint has no hostname:
    # CoreDNS names it after its IP (10-3-0-3) where the spec writes "438934893".
    a = ask(spec_cluster, "headless.default.svc.cluster.local.")
    assert sorted(rr.data for rr in a.an) == ["10.3.0.100", "10.3.0.2", "10.3.0.3"]
    assert rrs(ask(spec_cluster, "my-pet.headless.default.svc.cluster.local.")) == [
        ("my-pet.headless.default.svc.cluster.local.", 30, "A", "10.3.0.100")]
    assert rrs(ask(spec_cluster, "10-3-0-3.headless.default.svc.cluster.local.")) == [
        ("10-3-0-3.headless.default.svc.cluster.local.", 30, "A", "10.3.0.3")]
    # Spec 2.4.2: one SRV per ready endpoint x named port; CoreDNS shares weight 100 among them.
    srv = ask(spec_cluster, "_http._tcp.headless.default.svc.cluster.local.", "SRV")
    assert [rr.data for rr in srv.an] == ["0 33 80 my-pet.headless.default.svc.cluster.local.",
                                          "0 33 80 my-pet-2.headless.default.svc.cluster.local.",
                                          "0 33 80 10-3-0-3.headless.default.svc.cluster.local."]
    # Spec 2.4.3.
    assert rrs(ask(spec_cluster, "100.0.3.10.in-addr.arpa.", "PTR")) == [
        ("100.0.3.10.in-addr.arpa.", 30, "PTR", "my-pet.headless.default.svc.cluster.local.")]


def test_headless_without_ready_endpoints_is_nxdomain():
    dns = CoreDNS(services=[service("db", cluster_ip="None")],
                  endpointslices=[slice_("db", [("10.244.1.9", False, None, "db-0")])])
    r = ask(dns, "db.default.svc.cluster.local.")
    assert r.rcode == "NXDOMAIN" and r.an == () and r.ns[0].type == "SOA"
    assert r.ns[0].data.startswith("ns.dns.cluster.local. hostmaster.cluster.local. ")
    assert r.ns[0].data.endswith(" 7200 1800 86400 30")


def test_external_name_cname_chased_upstream(spec_cluster):
    # Spec 2.5: foo.default.svc.cluster.local. CNAME www.example.com. + the upstream's A.
    r = ask(spec_cluster, "foo.default.svc.cluster.local.")
    assert rrs(r) == [("foo.default.svc.cluster.local.", 30, "CNAME", "www.example.com."),
                      ("www.example.com.", 30, "A", "192.0.2.53")]
    # No SRV for ExternalName; AAAA gives the CNAME alone.
    assert ask(spec_cluster, "foo.default.svc.cluster.local.", "SRV").an == ()
    assert [rr.type for rr in ask(spec_cluster, "foo.default.svc.cluster.local.", "AAAA").an] == ["CNAME"]


def test_pod_a_records_pods_insecure(spec_cluster):
    # Spec 2.6 / website: 172-17-0-3.default.pod.cluster.local -> 172.17.0.3 (any address: "insecure").
    assert rrs(ask(spec_cluster, "172-17-0-3.default.pod.cluster.local.")) == [
        ("172-17-0-3.default.pod.cluster.local.", 30, "A", "172.17.0.3")]
    assert ask(spec_cluster, "172-17-0-3.nosuchns.pod.cluster.local.").rcode == "NXDOMAIN"
    assert ask(spec_cluster, "not-an-ip.default.pod.cluster.local.").rcode == "NXDOMAIN"


def test_nodata_versus_nxdomain(spec_cluster):
    aaaa = ask(spec_cluster, "kubernetes.default.svc.cluster.local.", "AAAA")
    assert aaaa.rcode == "NOERROR" and aaaa.an == () and aaaa.ns[0].type == "SOA"  # NODATA
    assert ask(spec_cluster, "kubernetes.default.svc.cluster.local.", "TXT").an == ()
    assert ask(spec_cluster, "nope.default.svc.cluster.local.", "TXT").rcode == "NXDOMAIN"
    assert ask(spec_cluster, "default.svc.cluster.local.").rcode == "NOERROR"  # a namespace: NODATA
    assert ask(spec_cluster, "kubernetes.nosuchns.svc.cluster.local.").rcode == "NXDOMAIN"
    assert ask(spec_cluster, "kubernetes.default.cluster.local.").rcode == "NXDOMAIN"  # neither svc nor pod


def test_srv_only_for_named_ports():
    dns = CoreDNS(services=[service("web", ports=(("", 80, "TCP"), ("metrics", 9090, "TCP")))])
    assert ask(dns, "_metrics._tcp.web.default.svc.cluster.local.", "SRV").an[0].data.split()[2] == "9090"
    assert ask(dns, "_http._tcp.web.default.svc.cluster.local.", "SRV").rcode == "NXDOMAIN"
    assert ask(dns, "_metrics._udp.web.default.svc.cluster.local.", "SRV").rcode == "NXDOMAIN"


def test_matching_is_case_insensitive_and_keeps_the_question_case(spec_cluster):
    r = ask(spec_cluster, "KUBERNETES.Default.SVC.cluster.local.")
    assert rrs(r) == [("KUBERNETES.Default.SVC.cluster.local.", 30, "A", "10.3.0.1")]


def test_namespaces_from_the_website(spec_cluster):
    # "data" in prod, asked from a pod in test: only data.prod / data.prod.svc.cluster.local resolve.
    dns = CoreDNS(services=[service("data", "prod", "10.96.0.60")], namespaces=["default", "prod", "test"])
    conf = parse_resolv_conf(pod_resolv_conf({"metadata": {"name": "c", "namespace": "test"}, "spec": {}}))

    def qf(fqdn, qtype):
        return dns.answer(DNS(id=1, qname=fqdn, qtype=qtype))

    assert not resolve("data", "A", qf, conf).ok
    assert resolve("data.prod", "A", qf, conf).addresses() == ["10.96.0.60"]
    assert resolve("data.prod.svc.cluster.local", "A", qf, conf).addresses() == ["10.96.0.60"]


def test_pod_hostname_and_subdomain_from_the_website():
    # Website example: headless busybox-subdomain (port foo 1234), pods busybox1/busybox2 with
    # hostnames busybox-1/busybox-2 and that subdomain. The EndpointSlice controller copies the
    # hostname; when a slice lacks it, CoreDNS here derives it from the pod the same way.
    ns = "my-namespace"
    svc = service("busybox-subdomain", ns, "None", ports=(("foo", 1234, "TCP"),))
    pods = [{"metadata": {"name": f"busybox{i}", "namespace": ns},
             "spec": {"hostname": f"busybox-{i}", "subdomain": "busybox-subdomain"}} for i in (1, 2)]
    sl = slice_("busybox-subdomain", [("10.244.1.5", True, "busybox-1", "busybox1"),
                                      ("10.244.2.6", True, None, "busybox2")], ns, ports=(("foo", 1234, "TCP"),))
    dns = CoreDNS(services=[svc], endpointslices=[sl], pods=pods)
    assert [rr.data for rr in ask(dns, "busybox-1.busybox-subdomain.my-namespace.svc.cluster.local.").an] == [
        "10.244.1.5"]
    assert [rr.data for rr in ask(dns, "busybox-2.busybox-subdomain.my-namespace.svc.cluster.local.").an] == [
        "10.244.2.6"]


def test_endpoint_ip_names_for_cluster_ip_services():
    # Website: "pod-ipv4-address.service-name.my-namespace.svc.cluster-domain.example".
    dns = CoreDNS(services=[service("web")], endpointslices=[slice_("web", [("10.244.1.5", True, None, "web-1")])])
    assert [rr.data for rr in ask(dns, "10-244-1-5.web.default.svc.cluster.local.").an] == ["10.244.1.5"]
    assert [rr.data for rr in ask(dns, "5.1.244.10.in-addr.arpa.", "PTR").an] == [
        "10-244-1-5.web.default.svc.cluster.local."]


def test_outside_the_cluster_forward_and_cache():
    t = [100.0]
    dns = CoreDNS(upstream={"example.com": {"A": ["93.184.215.14"], "AAAA": ["2606:2800:21f:cb07:6820:80da:af6b:8b2c"]}},
                  clock=lambda: t[0])
    first = ask(dns, "example.com.")
    assert first.ra and not first.aa and rrs(first) == [("example.com.", 30, "A", "93.184.215.14")]
    t[0] += 12
    again = ask(dns, "example.com.")  # served from the cache: TTL counts down, AA set by the cache
    assert again.aa and again.an[0].ttl == 18
    assert ask(dns, "nosuch.example.").rcode == "NXDOMAIN"
    assert CoreDNS().answer(DNS(id=1, qname="example.com.", qtype="A")).rcode == "SERVFAIL"  # no upstream
    # Unknown reverse names fall through to the upstream too.
    ptr = ask(dns, "9.9.9.10.in-addr.arpa.", "PTR")
    assert ptr.rcode == "NXDOMAIN" and ptr.ra and not ptr.aa


def test_reply_echoes_edns_and_truncates_for_small_udp():
    pods = [f"10.244.{i // 250}.{i % 250 + 2}" for i in range(60)]
    dns = CoreDNS(services=[service("big", cluster_ip="None")],
                  endpointslices=[slice_("big", [(ip, True, None, None) for ip in pods])])
    plain = dns.answer(DNS(id=1, qname="big.default.svc.cluster.local.", qtype="A"))
    assert plain.tc and plain.compress and plain.header_len <= 512 and len(plain.an) < 60
    big = dns.answer(DNS(id=2, qname="big.default.svc.cluster.local.", qtype="A",
                         edns=EDNS(1232, cookie="0123456789abcdef")))
    assert not big.tc and len(big.an) == 60 and big.edns.udp_size == 1232 and big.edns.cookie == "0123456789abcdef"


def test_loadbalance_shuffles_deterministically(spec_cluster):
    a = CoreDNS(services=spec_cluster.services, endpointslices=spec_cluster.endpointslices, seed=3)
    b = CoreDNS(services=spec_cluster.services, endpointslices=spec_cluster.endpointslices, seed=3)
    name = "headless.default.svc.cluster.local."
    assert [rrs(ask(a, name)) for _ in range(4)] == [rrs(ask(b, name)) for _ in range(4)]


# -- pod resolv.conf ---------------------------------------------------------------------------

def test_pod_resolv_conf_policies():
    node = "search corp.example\nnameserver 172.18.0.1\noptions ndots:0\n"
    pod = {"metadata": {"name": "c", "namespace": "test"}, "spec": {}}
    # ClusterFirst: cluster search domains then the node's, ndots:5, containerd's line order.
    assert pod_resolv_conf(pod, node_resolv_conf=node) == (
        "search test.svc.cluster.local svc.cluster.local cluster.local corp.example\n"
        "nameserver 10.96.0.10\noptions ndots:5\n")
    default = {"metadata": {"namespace": "test"}, "spec": {"dnsPolicy": "Default"}}
    assert pod_resolv_conf(default, node_resolv_conf=node) == node
    hostnet = {"metadata": {"namespace": "test"}, "spec": {"hostNetwork": True}}
    assert pod_resolv_conf(hostnet, node_resolv_conf=node) == node  # ClusterFirst falls back to Default
    hostnet["spec"]["dnsPolicy"] = "ClusterFirstWithHostNet"
    assert "nameserver 10.96.0.10" in pod_resolv_conf(hostnet, node_resolv_conf=node)
    # Website dnsConfig example with dnsPolicy None.
    none = {"metadata": {"namespace": "default"}, "spec": {"dnsPolicy": "None", "dnsConfig": {
        "nameservers": ["192.0.2.1"], "searches": ["ns1.svc.cluster-domain.example", "my.dns.search.suffix"],
        "options": [{"name": "ndots", "value": "2"}, {"name": "edns0"}]}}}
    assert pod_resolv_conf(none) == ("search ns1.svc.cluster-domain.example my.dns.search.suffix\n"
                                     "nameserver 192.0.2.1\noptions ndots:2 edns0\n")


def test_pod_resolv_conf_limits():
    pod = {"metadata": {"namespace": "default"}, "spec": {"dnsConfig": {
        "nameservers": ["192.0.2.1", "192.0.2.2", "192.0.2.3"],
        "searches": [f"d{i}.example" for i in range(40)]}}}
    cfg = pod_dns_config(pod)
    assert cfg.servers == ["10.96.0.10", "192.0.2.1", "192.0.2.2"] and len(cfg.searches) == 32
    assert any("Nameserver limits were exceeded" in e for e in cfg.events)
    assert any("Search Line limits were exceeded" in e for e in cfg.events)
    assert len(pod_dns_config(pod, expanded=False).searches) == 6


# -- end to end: a query as a UDP packet through the data plane ---------------------------------

def test_query_travels_as_udp_to_a_coredns_socket_and_back():
    k = Kernel(seed=5)
    client, dnsns = k.add_netns("client"), k.add_netns("coredns")
    veth_pair(client, "eth0", dnsns, "eth0")
    for ns, ip in ((client, "10.244.1.2/24"), (dnsns, "10.244.1.3/24")):
        ns.set_link_up("lo")
        ns.set_link_up("eth0")
        ns.add_address("eth0", ip)
    coredns = CoreDNS(services=[service("web", ns="test")], namespaces=["default", "test", "kube-system"],
                      clock=lambda: k.now)
    coredns.listen(dnsns)
    conf = parse_resolv_conf(pod_resolv_conf({"metadata": {"name": "c", "namespace": "test"}, "spec": {}},
                                             cluster_dns=["10.244.1.3"]))
    walks = []

    def qf(fqdn, qtype, server):
        q = DNS(id=1000 + len(walks), qname=fqdn, qtype=qtype)
        w = send(client, IPv4(dst=server) / UDP(sport=41000 + len(walks), dport=53) / q)
        walks.append(w)
        return w.reply.packet.get(DNS) if w.verdict == "delivered" and w.reply else None

    lk = resolve("web", "A", qf, conf)
    assert lk.ok and lk.addresses() == ["10.96.0.23"]
    w = walks[0]
    assert w.verdict == "delivered" and w.endpoint == "10.244.1.3:53" and w.socket is coredns
    answer = w.reply.packet
    assert w.reply.verdict == "delivered" and answer.sport == 53 and answer.dport == 41000
    assert answer[DNS].id == 1000 and answer[DNS].an[0].data == "10.96.0.23"
    # The layer's size is the message's wire size: IPv4 20 + UDP 8 + DNS header 12, question
    # (28-byte name + type + class) and one uncompressed A record (name + 10 + 4).
    assert len(answer) == 20 + 8 + answer[DNS].header_len == 20 + 8 + 12 + (28 + 4) + (28 + 10 + 4)
    miss = resolve("nope", "A", qf, conf)
    assert [t.outcome for t in miss.tries] == ["NXDOMAIN"] * 3 + ["SERVFAIL"]  # no upstream for "nope."
