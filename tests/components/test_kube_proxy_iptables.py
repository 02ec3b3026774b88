"""kube-proxy iptables mode against kube-proxy's own expectations.

Expected texts come from kubernetes/kubernetes ``pkg/proxy/iptables/proxier_test.go`` (the
test named in each test's docstring), for the same Services and EndpointSlices, compared
after the same normalisation that file's ``sortIPTablesRules`` applies (reproduced below
from its description: tables by name; chains KUBE-NODEPORTS, KUBE-SERVICES, other KUBE-*
alphabetically, then the rest; KUBE-NODEPORTS and KUBE-SERVICES rules stably sorted by the
service name in their comment, the "must be the last rule" rule kept last).
Packet-flow expectations (``runPacketFlowTests`` there) are checked by restoring the rules
into our netfilter and running the packet through its hooks.
"""

from __future__ import annotations

import random
import re
import textwrap

import pytest

from k8slab.components.kube_proxy import (
    IPTablesProxier,
    ProxierConfig,
    endpoints_map,
    ensure_jump_rules,
    kubelet_iptables,
    masquerade_mark,
    port_proto_hash,
    restore_text,
    service_port_map,
    sync_proxy_rules,
)
from k8slab.components.kube_proxy.iptables import probability
from k8slab.components.kube_proxy.model import categorize_endpoints, endpoint_chain_name
from k8slab.linux.netfilter import HookContext, Netfilter
from k8slab.linux.packet import TCP, UDP, IPv4

# NewFakeProxier's conventions (proxier_test.go).
TEST_NODE = "test-node"
TEST_NODE_IP = "192.168.0.2"
TEST_NODE_IPS = ["192.168.0.2", "192.168.1.2", "192.168.99.11"]
EXTERNAL_CLIENT = "203.0.113.2"
EXTERNAL_CLIENT_BLOCKED = "203.0.113.130"


def fake_config(**kw) -> ProxierConfig:
    """The fake proxier of proxier_test.go: pod CIDR 10.0.0.0/8, mark "0x4000", localhost
    NodePorts on, both nfacct counters present, no --random-fully."""
    base = dict(node_name=TEST_NODE, node_ips=list(TEST_NODE_IPS), cluster_cidr="10.0.0.0/8", mark="0x4000",
                localhost_nodeports=True, nfacct=True, random_fully=False)
    base.update(kw)
    return ProxierConfig(**base)


def make_service(ns, name, ports, **spec):
    status = spec.pop("status", {})
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"namespace": ns, "name": name},
            "spec": {"ports": ports, **spec}, "status": status}


def make_slice(ns, svc, endpoints, ports, n=1):
    return {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"namespace": ns, "name": f"{svc}-{n}", "labels": {"kubernetes.io/service-name": svc}},
            "addressType": "IPv4", "endpoints": endpoints, "ports": ports}


def p80(port=80, nodePort=None, name="p80", protocol="TCP"):
    d = {"name": name, "port": port, "protocol": protocol}
    if nodePort:
        d["nodePort"] = nodePort
    return d


# ---- sortIPTablesRules ----------------------------------------------------------------------

def _comment(rule: str) -> str | None:
    m = re.search(r'--comment (?:"((?:[^"\\]|\\.)*)"|(\S+))', rule)
    if not m:
        return None
    return m.group(1) if m.group(1) is not None else m.group(2)


def _svc_name(rule: str) -> str:
    c = _comment(rule) or ""
    return re.split(r"[ :]", c, maxsplit=1)[0]


def sort_iptables_rules(text: str) -> str:
    """proxier_test.go sortIPTablesRules, reproduced from its stated ordering."""
    tables: dict[str, tuple[list[str], dict[str, list[str]]]] = {}
    cur = None
    for line in textwrap.dedent(text).strip("\n").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("*"):
            cur = tables.setdefault(line[1:], ([], {}))
        elif line == "COMMIT":
            cur = None
        elif line.startswith(":"):
            name = line[1:].split()[0]
            cur[0].append(name)
            cur[1].setdefault(name, [])
        elif line.startswith("-A "):
            cur[1].setdefault(line.split()[1], []).append(line)
        elif line.startswith("-X "):
            cur[1].setdefault(line.split()[1], [])

    def chain_key(c):
        if c == "KUBE-NODEPORTS":
            return (0, "")
        if c == "KUBE-SERVICES":
            return (1, "")
        return (2, c) if c.startswith("KUBE-") else (3, c)

    out = []
    for tname in sorted(tables):
        chains, rules = tables[tname]
        order = sorted(dict.fromkeys(chains), key=chain_key)
        out.append(f"*{tname}")
        out += [f":{c} - [0:0]" for c in order]
        for c in order:
            rs = rules.get(c, [])
            if c in ("KUBE-NODEPORTS", "KUBE-SERVICES"):
                last = [r for r in rs if tname == "nat" and c == "KUBE-SERVICES" and "must be the last rule" in r]
                rs = sorted([r for r in rs if r not in last], key=_svc_name) + last
            out += rs
        out.append("COMMIT")
    return "\n".join(out) + "\n"


def rules_of(nf: Netfilter, table: str, chain: str) -> list[str]:
    return [r.save_line() for r in nf.table(table).chain(chain).rules]


# ---- names and numbers ------------------------------------------------------------------------

def test_hashes():
    """Chain names: portProtoHash / servicePortEndpointChainName (proxier.go); values from
    proxier_test.go and the reference's real-cluster names."""
    assert "KUBE-SVC-" + port_proto_hash("kube-system/kube-dns:dns", "udp") == "KUBE-SVC-TCOU7JCQXEZGVUNU"
    assert port_proto_hash("ns1/svc1:p80", "tcp") == "XPGD46QRK7WJZT7O"
    assert endpoint_chain_name("ns1/svc1:p80", "tcp", "10.180.0.1:80") == "KUBE-SEP-SXIVWICOYRO3J4NJ"
    assert port_proto_hash("default/kubernetes:https", "tcp") == "NPX46M4PTMTKRN6Y"


def test_compute_probability():
    """TestComputeProbability (proxier_test.go)."""
    expected = {1: "1.0000000000", 2: "0.5000000000", 10: "0.1000000000", 100: "0.0100000000",
                1000: "0.0010000000", 10000: "0.0001000000", 100000: "0.0000100000", 100001: "0.0000099999"}
    for n, text in expected.items():
        assert probability(n) == text


def test_masquerade_mark_string():
    """proxier.go NewProxier: ``fmt.Sprintf("%#08x", 1 << bit)``."""
    assert masquerade_mark(14) == "0x00004000"


# ---- TestOverallIPTablesRules -----------------------------------------------------------------

OVERALL_EXPECTED = """
*filter
:KUBE-NODEPORTS - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-EXTERNAL-SERVICES - [0:0]
:KUBE-FIREWALL - [0:0]
:KUBE-FORWARD - [0:0]
:KUBE-PROXY-FIREWALL - [0:0]
-A KUBE-NODEPORTS -m comment --comment "ns2/svc2:p80 health check node port" -m tcp -p tcp --dport 30000 -j ACCEPT
-A KUBE-SERVICES -m comment --comment "ns6/svc6:p80 has no endpoints" -m tcp -p tcp -d 172.30.0.46 --dport 80 -j REJECT
-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns2/svc2:p80 has no local endpoints" -m tcp -p tcp -d 192.168.99.22 --dport 80 -j DROP
-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns2/svc2:p80 has no local endpoints" -m tcp -p tcp -d 1.2.3.4 --dport 80 -j DROP
-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns2/svc2:p80 has no local endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 3001 -j DROP
-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
-A KUBE-FORWARD -m conntrack --ctstate INVALID -m nfacct --nfacct-name ct_state_invalid_dropped_pkts -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A KUBE-PROXY-FIREWALL -m comment --comment "ns5/svc5:p80 traffic not accepted by KUBE-FW-NUKIZ6OKUXPJNT4C" -m tcp -p tcp -d 5.6.7.8 --dport 80 -j DROP
COMMIT
*nat
:KUBE-NODEPORTS - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-EXT-4SW47YFZTEDKD3PK - [0:0]
:KUBE-EXT-GNZBNJ2PO5MGZ6GT - [0:0]
:KUBE-EXT-NUKIZ6OKUXPJNT4C - [0:0]
:KUBE-EXT-X27LE4BHSL4DOUIK - [0:0]
:KUBE-FW-NUKIZ6OKUXPJNT4C - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-SEP-C6EBXVWJJZMIWKLZ - [0:0]
:KUBE-SEP-I77PXRDZVX7PMWMN - [0:0]
:KUBE-SEP-OYPFS5VJICHGATKP - [0:0]
:KUBE-SEP-RS4RBKLTHTF2IUXJ - [0:0]
:KUBE-SEP-SXIVWICOYRO3J4NJ - [0:0]
:KUBE-SEP-UKSFD7AGPMPPLUHC - [0:0]
:KUBE-SVC-4SW47YFZTEDKD3PK - [0:0]
:KUBE-SVC-GNZBNJ2PO5MGZ6GT - [0:0]
:KUBE-SVC-NUKIZ6OKUXPJNT4C - [0:0]
:KUBE-SVC-X27LE4BHSL4DOUIK - [0:0]
:KUBE-SVC-XPGD46QRK7WJZT7O - [0:0]
-A KUBE-NODEPORTS -m comment --comment ns2/svc2:p80 -m tcp -p tcp -d 127.0.0.0/8 --dport 3001 -m nfacct --nfacct-name localhost_nps_accepted_pkts -j KUBE-EXT-GNZBNJ2PO5MGZ6GT
-A KUBE-NODEPORTS -m comment --comment ns2/svc2:p80 -m tcp -p tcp --dport 3001 -j KUBE-EXT-GNZBNJ2PO5MGZ6GT
-A KUBE-NODEPORTS -m comment --comment ns3/svc3:p80 -m tcp -p tcp -d 127.0.0.0/8 --dport 3003 -m nfacct --nfacct-name localhost_nps_accepted_pkts -j KUBE-EXT-X27LE4BHSL4DOUIK
-A KUBE-NODEPORTS -m comment --comment ns3/svc3:p80 -m tcp -p tcp --dport 3003 -j KUBE-EXT-X27LE4BHSL4DOUIK
-A KUBE-NODEPORTS -m comment --comment ns5/svc5:p80 -m tcp -p tcp -d 127.0.0.0/8 --dport 3002 -m nfacct --nfacct-name localhost_nps_accepted_pkts -j KUBE-EXT-NUKIZ6OKUXPJNT4C
-A KUBE-NODEPORTS -m comment --comment ns5/svc5:p80 -m tcp -p tcp --dport 3002 -j KUBE-EXT-NUKIZ6OKUXPJNT4C
-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O
-A KUBE-SERVICES -m comment --comment "ns2/svc2:p80 cluster IP" -m tcp -p tcp -d 172.30.0.42 --dport 80 -j KUBE-SVC-GNZBNJ2PO5MGZ6GT
-A KUBE-SERVICES -m comment --comment "ns2/svc2:p80 external IP" -m tcp -p tcp -d 192.168.99.22 --dport 80 -j KUBE-EXT-GNZBNJ2PO5MGZ6GT
-A KUBE-SERVICES -m comment --comment "ns2/svc2:p80 loadbalancer IP" -m tcp -p tcp -d 1.2.3.4 --dport 80 -j KUBE-EXT-GNZBNJ2PO5MGZ6GT
-A KUBE-SERVICES -m comment --comment "ns3/svc3:p80 cluster IP" -m tcp -p tcp -d 172.30.0.43 --dport 80 -j KUBE-SVC-X27LE4BHSL4DOUIK
-A KUBE-SERVICES -m comment --comment "ns4/svc4:p80 cluster IP" -m tcp -p tcp -d 172.30.0.44 --dport 80 -j KUBE-SVC-4SW47YFZTEDKD3PK
-A KUBE-SERVICES -m comment --comment "ns4/svc4:p80 external IP" -m tcp -p tcp -d 192.168.99.33 --dport 80 -j KUBE-EXT-4SW47YFZTEDKD3PK
-A KUBE-SERVICES -m comment --comment "ns5/svc5:p80 cluster IP" -m tcp -p tcp -d 172.30.0.45 --dport 80 -j KUBE-SVC-NUKIZ6OKUXPJNT4C
-A KUBE-SERVICES -m comment --comment "ns5/svc5:p80 loadbalancer IP" -m tcp -p tcp -d 5.6.7.8 --dport 80 -j KUBE-FW-NUKIZ6OKUXPJNT4C
-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
-A KUBE-EXT-4SW47YFZTEDKD3PK -m comment --comment "masquerade traffic for ns4/svc4:p80 external destinations" -j KUBE-MARK-MASQ
-A KUBE-EXT-4SW47YFZTEDKD3PK -j KUBE-SVC-4SW47YFZTEDKD3PK
-A KUBE-EXT-GNZBNJ2PO5MGZ6GT -m comment --comment "pod traffic for ns2/svc2:p80 external destinations" -s 10.0.0.0/8 -j KUBE-SVC-GNZBNJ2PO5MGZ6GT
-A KUBE-EXT-GNZBNJ2PO5MGZ6GT -m comment --comment "masquerade LOCAL traffic for ns2/svc2:p80 external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ
-A KUBE-EXT-GNZBNJ2PO5MGZ6GT -m comment --comment "route LOCAL traffic for ns2/svc2:p80 external destinations" -m addrtype --src-type LOCAL -j KUBE-SVC-GNZBNJ2PO5MGZ6GT
-A KUBE-EXT-NUKIZ6OKUXPJNT4C -m comment --comment "masquerade traffic for ns5/svc5:p80 external destinations" -j KUBE-MARK-MASQ
-A KUBE-EXT-NUKIZ6OKUXPJNT4C -j KUBE-SVC-NUKIZ6OKUXPJNT4C
-A KUBE-EXT-X27LE4BHSL4DOUIK -m comment --comment "masquerade traffic for ns3/svc3:p80 external destinations" -j KUBE-MARK-MASQ
-A KUBE-EXT-X27LE4BHSL4DOUIK -j KUBE-SVC-X27LE4BHSL4DOUIK
-A KUBE-FW-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 loadbalancer IP" -s 203.0.113.0/25 -j KUBE-EXT-NUKIZ6OKUXPJNT4C
-A KUBE-FW-NUKIZ6OKUXPJNT4C -m comment --comment "other traffic to ns5/svc5:p80 will be dropped by KUBE-PROXY-FIREWALL"
-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE
-A KUBE-SEP-C6EBXVWJJZMIWKLZ -m comment --comment ns4/svc4:p80 -s 10.180.0.5 -j KUBE-MARK-MASQ
-A KUBE-SEP-C6EBXVWJJZMIWKLZ -m comment --comment ns4/svc4:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.5:80
-A KUBE-SEP-I77PXRDZVX7PMWMN -m comment --comment ns5/svc5:p80 -s 10.180.0.3 -j KUBE-MARK-MASQ
-A KUBE-SEP-I77PXRDZVX7PMWMN -m comment --comment ns5/svc5:p80 -m recent --name KUBE-SEP-I77PXRDZVX7PMWMN --set -m tcp -p tcp -j DNAT --to-destination 10.180.0.3:80
-A KUBE-SEP-OYPFS5VJICHGATKP -m comment --comment ns3/svc3:p80 -s 10.180.0.3 -j KUBE-MARK-MASQ
-A KUBE-SEP-OYPFS5VJICHGATKP -m comment --comment ns3/svc3:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.3:80
-A KUBE-SEP-RS4RBKLTHTF2IUXJ -m comment --comment ns2/svc2:p80 -s 10.180.0.2 -j KUBE-MARK-MASQ
-A KUBE-SEP-RS4RBKLTHTF2IUXJ -m comment --comment ns2/svc2:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.2:80
-A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -s 10.180.0.1 -j KUBE-MARK-MASQ
-A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80
-A KUBE-SEP-UKSFD7AGPMPPLUHC -m comment --comment ns4/svc4:p80 -s 10.180.0.4 -j KUBE-MARK-MASQ
-A KUBE-SEP-UKSFD7AGPMPPLUHC -m comment --comment ns4/svc4:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.4:80
-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment "ns4/svc4:p80 cluster IP" -m tcp -p tcp -d 172.30.0.44 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment "ns4/svc4:p80 -> 10.180.0.4:80" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-UKSFD7AGPMPPLUHC
-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment "ns4/svc4:p80 -> 10.180.0.5:80" -j KUBE-SEP-C6EBXVWJJZMIWKLZ
-A KUBE-SVC-GNZBNJ2PO5MGZ6GT -m comment --comment "ns2/svc2:p80 cluster IP" -m tcp -p tcp -d 172.30.0.42 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
-A KUBE-SVC-GNZBNJ2PO5MGZ6GT -m comment --comment "ns2/svc2:p80 -> 10.180.0.2:80" -j KUBE-SEP-RS4RBKLTHTF2IUXJ
-A KUBE-SVC-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 cluster IP" -m tcp -p tcp -d 172.30.0.45 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
-A KUBE-SVC-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 -> 10.180.0.3:80" -m recent --name KUBE-SEP-I77PXRDZVX7PMWMN --rcheck --seconds 10800 --reap -j KUBE-SEP-I77PXRDZVX7PMWMN
-A KUBE-SVC-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 -> 10.180.0.3:80" -j KUBE-SEP-I77PXRDZVX7PMWMN
-A KUBE-SVC-X27LE4BHSL4DOUIK -m comment --comment "ns3/svc3:p80 cluster IP" -m tcp -p tcp -d 172.30.0.43 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
-A KUBE-SVC-X27LE4BHSL4DOUIK -m comment --comment "ns3/svc3:p80 -> 10.180.0.3:80" -j KUBE-SEP-OYPFS5VJICHGATKP
-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -j KUBE-SEP-SXIVWICOYRO3J4NJ
COMMIT
"""


def overall_objects():
    """The Services and EndpointSlices of TestOverallIPTablesRules."""
    services = [
        make_service("ns1", "svc1", [p80()], clusterIP="172.30.0.41"),
        make_service("ns2", "svc2", [p80(nodePort=3001)], type="LoadBalancer", externalTrafficPolicy="Local",
                     clusterIP="172.30.0.42", externalIPs=["192.168.99.22"], healthCheckNodePort=30000,
                     status={"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}}),
        make_service("ns3", "svc3", [p80(nodePort=3003)], type="NodePort", clusterIP="172.30.0.43"),
        make_service("ns4", "svc4", [dict(p80(), targetPort=80)], type="NodePort", clusterIP="172.30.0.44",
                     externalIPs=["192.168.99.33"]),
        make_service("ns5", "svc5", [p80(nodePort=3002)], type="LoadBalancer", externalTrafficPolicy="Cluster",
                     clusterIP="172.30.0.45", healthCheckNodePort=30000, loadBalancerSourceRanges=[" 203.0.113.0/25"],
                     sessionAffinity="ClientIP", sessionAffinityConfig={"clientIP": {"timeoutSeconds": 10800}},
                     status={"loadBalancer": {"ingress": [{"ip": "5.6.7.8"}]}}),
        make_service("ns6", "svc6", [dict(p80(), targetPort=80)], type="ClusterIP", clusterIP="172.30.0.46"),
    ]
    port = [{"name": "p80", "port": 80, "protocol": "TCP"}]
    slices = [
        make_slice("ns1", "svc1", [{"addresses": ["10.180.0.1"]}], port),
        make_slice("ns2", "svc2", [{"addresses": ["10.180.0.2"]}], port),
        make_slice("ns3", "svc3", [{"addresses": ["10.180.0.3"]}], port),
        make_slice("ns4", "svc4", [{"addresses": ["10.180.0.4"]},
                                   {"addresses": ["10.180.0.5"], "nodeName": TEST_NODE}], port),
        make_slice("ns5", "svc5", [{"addresses": ["10.180.0.3"]}], port),
    ]
    return services, slices


def test_overall_iptables_rules():
    """TestOverallIPTablesRules: the full restore input, compared after sortIPTablesRules,
    and the nat rule count metric equal to the number of nat rules."""
    services, slices = overall_objects()
    svc_map = service_port_map(services)
    ep_map = endpoints_map(slices, TEST_NODE)
    res = sync_proxy_rules(svc_map, ep_map, fake_config())
    assert sort_iptables_rules(res.text) == sort_iptables_rules(OVERALL_EXPECTED)
    assert res.rules_total["nat"] == sum(1 for ln in res.text.split("*nat")[1].splitlines() if ln.startswith("-A"))


def test_overall_raw_order_is_proxier_order():
    """Before sorting, the text has syncProxyRules' layout: filter before nat, the top-level chain
    lines first (KUBE-FIREWALL after the five), KUBE-POSTROUTING/KUBE-MARK-MASQ rules first, the
    nodeports rule last, KUBE-FORWARD last in filter."""
    services, slices = overall_objects()
    text = restore_text(services, slices, fake_config())
    lines = text.splitlines()
    assert lines[:7] == ["*filter", ":KUBE-SERVICES - [0:0]", ":KUBE-EXTERNAL-SERVICES - [0:0]",
                         ":KUBE-FORWARD - [0:0]", ":KUBE-NODEPORTS - [0:0]", ":KUBE-PROXY-FIREWALL - [0:0]",
                         ":KUBE-FIREWALL - [0:0]"]
    nat = lines[lines.index("*nat"):]
    assert nat[1:5] == [":KUBE-SERVICES - [0:0]", ":KUBE-NODEPORTS - [0:0]", ":KUBE-POSTROUTING - [0:0]",
                        ":KUBE-MARK-MASQ - [0:0]"]
    assert nat[-2].startswith('-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports;')
    assert lines[lines.index("COMMIT") - 1].startswith("-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding conntrack")


# ---- packet flows (runPacketFlowTests) -----------------------------------------------------------

def node_netfilter(services, slices, **cfg) -> Netfilter:
    nf = Netfilter()
    kubelet_iptables(nf)
    res = IPTablesProxier(nf, fake_config(**cfg)).sync(services, slices)
    assert res.ok, res.error
    return nf


def flow(nf: Netfilter, src: str, dst: str, dport: int, proto: str = "tcp", tries: int = 40,
         local_ips=TEST_NODE_IPS):
    """Where a new connection goes: (sorted DNAT destinations over many random draws, or
    ACCEPT/DROP/REJECT from filter, or "" if nothing matched; masqueraded?).

    Locally generated packets (source is a node IP) take OUTPUT, others PREROUTING; then the
    filter hook of the path taken (INPUT for a local destination, else FORWARD / OUTPUT)."""
    def is_local(a):
        return a in local_ips or a.startswith("127.")

    outs, masq, verdict = set(), False, None
    for seed in range(tries):
        work = Netfilter()
        work.tables = {k: t.copy() for k, t in nf.tables.items()}
        layer = TCP(sport=40000 + seed, dport=dport, flags="S") if proto == "tcp" else UDP(sport=40000, dport=dport)
        pkt = IPv4(src=src, dst=dst) / layer
        ctx = HookContext(in_iface=None if is_local(src) else "eth0", is_local=is_local,
                          random=random.Random(seed))
        first = "OUTPUT" if is_local(src) else "PREROUTING"
        r = work.hook(first, pkt, ctx)
        masq = masq or bool(ctx.mark & 0x4000)
        after = r.packet
        if first == "OUTPUT":
            fverdict = r.verdict
        else:
            fr = work.hook("INPUT" if is_local(after.dst) else "FORWARD", after, ctx)
            fverdict = fr.verdict
        if fverdict != "ACCEPT":
            verdict = fverdict
        elif after.dst != dst or after.dport != dport:
            outs.add(f"{after.dst}:{after.dport}")
    if verdict:
        return verdict, masq
    return ", ".join(sorted(outs)), masq


def test_cluster_ip_general():
    """TestClusterIPGeneral (without its SCTP port: see test_sctp_service_restores)."""
    services = [
        make_service("ns1", "svc1", [p80(name="http")], clusterIP="172.30.0.41"),
        make_service("ns2", "svc2", [
            p80(name="http"), dict(p80(443, name="https"), targetPort=8443),
            p80(53, name="dns-udp", protocol="UDP"), dict(p80(53, name="dns-tcp"), targetPort=5353),
        ], clusterIP="172.30.0.42"),
    ]
    slices = [
        make_slice("ns1", "svc1", [{"addresses": ["10.180.0.1"], "nodeName": TEST_NODE}],
                   [{"name": "http", "port": 80, "protocol": "TCP"}]),
        make_slice("ns2", "svc2", [{"addresses": ["10.180.0.1"], "nodeName": TEST_NODE},
                                   {"addresses": ["10.180.2.1"], "nodeName": "node2"}],
                   [{"name": "http", "port": 80, "protocol": "TCP"}, {"name": "https", "port": 8443, "protocol": "TCP"},
                    {"name": "dns-udp", "port": 53, "protocol": "UDP"},
                    {"name": "dns-tcp", "port": 5353, "protocol": "TCP"}]),
    ]
    nf = node_netfilter(services, slices)
    assert flow(nf, "10.180.0.2", "172.30.0.41", 80) == ("10.180.0.1:80", False)
    assert flow(nf, "10.180.0.1", "172.30.0.41", 80) == ("10.180.0.1:80", True)  # hairpin
    assert flow(nf, "10.180.0.2", "172.30.0.42", 80) == ("10.180.0.1:80, 10.180.2.1:80", False)
    assert flow(nf, "10.180.0.2", "172.30.0.42", 443) == ("10.180.0.1:8443, 10.180.2.1:8443", False)
    assert flow(nf, "10.180.0.2", "172.30.0.42", 53) == ("10.180.0.1:5353, 10.180.2.1:5353", False)
    assert flow(nf, "10.180.0.2", "172.30.0.42", 53, "udp") == ("10.180.0.1:53, 10.180.2.1:53", False)
    assert flow(nf, "10.180.0.2", "172.30.0.42", 80, "udp") == ("", False)
    assert flow(nf, "10.180.0.2", "172.30.0.41", 443) == ("", False)


def test_no_endpoints_reject():
    """TestNoEndpointsReject."""
    services = [make_service("ns1", "svc1", [p80(nodePort=3001)], type="LoadBalancer", clusterIP="172.30.0.41",
                             externalIPs=["192.168.99.11"],
                             status={"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}})]
    nf = node_netfilter(services, [])
    assert flow(nf, "10.0.0.2", "172.30.0.41", 80)[0] == "REJECT"
    assert flow(nf, EXTERNAL_CLIENT, "192.168.99.11", 80)[0] == "REJECT"
    assert flow(nf, "10.0.0.2", TEST_NODE_IP, 3001)[0] == "REJECT"
    assert flow(nf, EXTERNAL_CLIENT, TEST_NODE_IP, 3001)[0] == "REJECT"
    assert flow(nf, "10.0.0.2", "1.2.3.4", 80)[0] == "REJECT"
    assert flow(nf, EXTERNAL_CLIENT, "1.2.3.4", 80)[0] == "REJECT"


def test_load_balancer_source_ranges():
    """TestLoadBalancer: loadBalancerSourceRanges through KUBE-FW and KUBE-PROXY-FIREWALL."""
    services = [make_service("ns1", "svc1", [p80(nodePort=3001)], type="LoadBalancer", clusterIP="172.30.0.41",
                             loadBalancerSourceRanges=["192.168.0.0/24", " 203.0.113.0/25"],
                             status={"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}, {"ip": "5.6.7.8"}]}})]
    slices = [make_slice("ns1", "svc1", [{"addresses": ["10.180.0.1"]}], [{"name": "p80", "port": 80}])]
    nf = node_netfilter(services, slices)
    ep = "10.180.0.1:80"
    assert flow(nf, "10.0.0.2", "172.30.0.41", 80) == (ep, False)
    assert flow(nf, EXTERNAL_CLIENT, TEST_NODE_IP, 3001) == (ep, True)
    assert flow(nf, EXTERNAL_CLIENT_BLOCKED, TEST_NODE_IP, 3001) == (ep, True)
    for lb in ("1.2.3.4", "5.6.7.8"):
        assert flow(nf, EXTERNAL_CLIENT, lb, 80) == (ep, True)
        assert flow(nf, EXTERNAL_CLIENT_BLOCKED, lb, 80)[0] == "DROP"
        assert flow(nf, "10.0.0.2", lb, 80)[0] == "DROP"
        assert flow(nf, TEST_NODE_IP, lb, 80) == (ep, True)
        assert flow(nf, lb, lb, 80) == (ep, True)  # "same node to LB, SNATted to LB"
    fw = rules_of(nf, "nat", "KUBE-FW-" + port_proto_hash("ns1/svc1:p80", "tcp"))
    assert fw[-1] == ('-A KUBE-FW-XPGD46QRK7WJZT7O -m comment --comment '
                      '"other traffic to ns1/svc1:p80 will be dropped by KUBE-PROXY-FIREWALL"')


@pytest.mark.parametrize("localhost_np,addresses,alt_ok,firewall", [
    (True, [], True, True),
    (False, [], True, False),
    (False, ["192.168.0.0/24", "127.0.0.1/32"], False, False),
    (False, ["192.168.0.0/24", "192.168.1.0/24", "2001:db8::/64"], True, False),
])
def test_node_ports(localhost_np, addresses, alt_ok, firewall):
    """TestNodePorts (IPv4 cases): --nodeport-addresses and --iptables-localhost-nodeports."""
    services = [make_service("ns1", "svc1", [p80(nodePort=3001)], type="NodePort", clusterIP="172.30.0.41")]
    slices = [make_slice("ns1", "svc1", [{"addresses": ["10.180.0.1"]},
                                         {"addresses": ["10.180.2.1"], "nodeName": TEST_NODE}],
                         [{"name": "p80", "port": 80}])]
    nf = node_netfilter(services, slices, localhost_nodeports=localhost_np, node_port_addresses=addresses)
    both = "10.180.0.1:80, 10.180.2.1:80"
    assert flow(nf, "10.0.0.2", "172.30.0.41", 80) == (both, False)
    assert flow(nf, EXTERNAL_CLIENT, TEST_NODE_IP, 3001) == (both, True)
    assert flow(nf, TEST_NODE_IP, TEST_NODE_IP, 3001) == (both, True)
    if localhost_np:
        assert flow(nf, "127.0.0.1", "127.0.0.1", 3001) == (both, True)
    else:
        assert flow(nf, "127.0.0.1", "127.0.0.1", 3001) == ("", False)
    assert flow(nf, EXTERNAL_CLIENT, "192.168.1.2", 3001) == ((both, True) if alt_ok else ("", False))
    text = restore_text(services, slices, fake_config(localhost_nodeports=localhost_np,
                                                      node_port_addresses=addresses))
    expected = ('-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 '
                "! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP")
    assert (expected in text.splitlines()) == firewall


def test_health_check_node_port():
    """TestHealthCheckNodePort: the health check port is accepted, and is gone with its Service."""
    svc = make_service("ns1", "svc1", [p80(nodePort=3001)], type="LoadBalancer", clusterIP="172.30.0.42",
                       healthCheckNodePort=30000, externalTrafficPolicy="Local")
    nf = Netfilter()
    proxier = IPTablesProxier(nf, fake_config(node_port_addresses=["127.0.0.0/8"]))
    assert proxier.sync([svc], []).ok
    assert rules_of(nf, "filter", "KUBE-NODEPORTS") == [
        "-A KUBE-NODEPORTS -p tcp -m comment --comment \"ns1/svc1:p80 health check node port\" -m tcp "
        "--dport 30000 -j ACCEPT"]
    assert proxier.sync([], []).ok
    assert rules_of(nf, "filter", "KUBE-NODEPORTS") == []


@pytest.mark.parametrize("liberal,nfacct,drop", [
    (False, False, "-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP"),
    (False, True, "-A KUBE-FORWARD -m conntrack --ctstate INVALID -m nfacct --nfacct-name "
                  "ct_state_invalid_dropped_pkts -j DROP"),
    (True, False, ""),
])
def test_drop_invalid_rule(liberal, nfacct, drop):
    """TestDropInvalidRule."""
    text = restore_text([], [], fake_config(tcp_be_liberal=liberal, nfacct=nfacct))
    fwd = [ln for ln in text.splitlines() if ln.startswith("-A KUBE-FORWARD")]
    assert fwd == ([drop] if drop else []) + [
        '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT',
        '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate '
        "RELATED,ESTABLISHED -j ACCEPT"]


@pytest.mark.parametrize("random_fully", [False, True])
def test_masquerade_rule(random_fully):
    """TestMasqueradeRule."""
    text = restore_text([], [], fake_config(random_fully=random_fully))
    post = [ln for ln in text.splitlines() if ln.startswith("-A KUBE-POSTROUTING")]
    assert post == [
        "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN",
        "-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000",
        '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE'
        + (" --random-fully" if random_fully else ""),
    ]


def _policy_objects(policy):
    services = [make_service("ns1", "svc1", [dict(p80(nodePort=3001), targetPort=80)], type="LoadBalancer",
                             externalTrafficPolicy=policy, clusterIP="172.30.0.41", externalIPs=["192.168.99.11"],
                             healthCheckNodePort=30000, status={"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}})]
    slices = [make_slice("ns1", "svc1", [{"addresses": ["10.180.0.1"]},
                                         {"addresses": ["10.180.2.1"], "nodeName": TEST_NODE}],
                         [{"name": "p80", "port": 80}])]
    return services, slices


def test_external_traffic_policy_local():
    """TestExternalTrafficPolicyLocal: external sources reach only the local endpoint, unmasqueraded;
    pods reach both."""
    nf = node_netfilter(*_policy_objects("Local"))
    both, local = "10.180.0.1:80, 10.180.2.1:80", "10.180.2.1:80"
    assert flow(nf, "10.0.0.2", "172.30.0.41", 80) == (both, False)
    assert flow(nf, "10.0.0.2", "192.168.99.11", 80) == (both, False)
    assert flow(nf, EXTERNAL_CLIENT, "192.168.99.11", 80) == (local, False)
    assert flow(nf, "10.0.0.2", "1.2.3.4", 80) == (both, False)
    assert flow(nf, EXTERNAL_CLIENT, "1.2.3.4", 80) == (local, False)
    assert flow(nf, "10.0.0.2", TEST_NODE_IP, 3001) == (both, False)
    assert flow(nf, EXTERNAL_CLIENT, TEST_NODE_IP, 3001) == (local, False)


def test_external_traffic_policy_cluster():
    """TestExternalTrafficPolicyCluster: everything external is masqueraded."""
    nf = node_netfilter(*_policy_objects("Cluster"))
    both = "10.180.0.1:80, 10.180.2.1:80"
    assert flow(nf, "10.0.0.2", "172.30.0.41", 80) == (both, False)
    for src in ("10.0.0.2", EXTERNAL_CLIENT):
        assert flow(nf, src, "192.168.99.11", 80) == (both, True)
        assert flow(nf, src, "1.2.3.4", 80) == (both, True)
        assert flow(nf, src, TEST_NODE_IP, 3001) == (both, True)


# ---- the model ---------------------------------------------------------------------------------

def test_endpoint_order_is_string_order():
    """endpointslicecache.go sorts endpoints by their "ip:port" string (":" sorts after "0")."""
    svc = [make_service("ns", "s", [p80()], clusterIP="10.96.0.5")]
    sl = [make_slice("ns", "s", [{"addresses": [f"10.0.0.{i}"]} for i in (2, 10, 1)], [{"name": "p80", "port": 80}])]
    em = endpoints_map(sl, "n")
    assert [str(e) for e in next(iter(em.values()))] == ["10.0.0.10:80", "10.0.0.1:80", "10.0.0.2:80"]
    text = restore_text(svc, sl, fake_config())
    probs = re.findall(r"-> (\S+)\" (?:-m statistic --mode random --probability (\S+) )?-j", text)
    assert probs == [("10.0.0.10:80", "0.3333333333"), ("10.0.0.1:80", "0.5000000000"), ("10.0.0.2:80", "")]


def test_terminating_fallback():
    """CategorizeEndpoints: with no ready endpoint, serving+terminating ones are used; not-serving never."""
    svc = make_service("ns", "s", [p80()], clusterIP="10.96.0.5")
    eps = [{"addresses": ["10.0.0.1"], "conditions": {"ready": False, "serving": True, "terminating": True}},
           {"addresses": ["10.0.0.2"], "conditions": {"ready": False, "serving": False, "terminating": True}}]
    info = next(iter(service_port_map([svc]).values()))
    em = endpoints_map([make_slice("ns", "s", eps, [{"name": "p80", "port": 80}])], "n")
    cluster, local, reach, has = categorize_endpoints(em[info.name], info)
    assert [str(e) for e in cluster] == ["10.0.0.1:80"] and has
    eps.append({"addresses": ["10.0.0.3"]})
    em = endpoints_map([make_slice("ns", "s", eps, [{"name": "p80", "port": 80}])], "n")
    cluster, _, _, _ = categorize_endpoints(em[info.name], info)
    assert [str(e) for e in cluster] == ["10.0.0.3:80"]


def test_headless_external_name_and_bad_input_are_skipped():
    """ShouldSkipService: headless and ExternalName get no rules; malformed objects never raise."""
    services = [
        make_service("ns", "headless", [p80()], clusterIP="None"),
        make_service("ns", "ext", [], type="ExternalName", externalName="example.com"),
        {"metadata": {"name": "broken"}, "spec": {"clusterIP": "10.96.0.9", "ports": [{"port": 99999}]}},
        {"spec": None},
        "not a dict",
    ]
    spm = service_port_map(services)  # type: ignore[arg-type]
    assert len(spm) == 0 and len(spm.skipped) == 5
    text = restore_text(services, [{"metadata": {}}, None], fake_config())  # type: ignore[list-item]
    assert "KUBE-SVC-" not in text


def test_internal_traffic_policy_local():
    """internalTrafficPolicy Local: ClusterIP traffic goes to KUBE-SVL (local endpoints only); with
    none, the filter table DROPs it with "has no local endpoints"."""
    svc = make_service("ns", "s", [p80()], clusterIP="10.96.0.5", internalTrafficPolicy="Local")
    port = [{"name": "p80", "port": 80}]
    local = make_slice("ns", "s", [{"addresses": ["10.0.0.1"], "nodeName": TEST_NODE},
                                   {"addresses": ["10.0.0.2"], "nodeName": "other"}], port)
    text = restore_text([svc], [local], fake_config())
    svl = "KUBE-SVL-" + port_proto_hash("ns/s:p80", "tcp")
    assert f'-A KUBE-SERVICES -m comment --comment "ns/s:p80 cluster IP" -m tcp -p tcp -d 10.96.0.5 --dport 80 -j {svl}' in text
    assert "10.0.0.2" not in text
    remote = make_slice("ns", "s", [{"addresses": ["10.0.0.2"], "nodeName": "other"}], port)
    text = restore_text([svc], [remote], fake_config())
    assert ('-A KUBE-SERVICES -m comment --comment "ns/s:p80 has no local endpoints" -m tcp -p tcp -d 10.96.0.5 '
            "--dport 80 -j DROP") in text


def test_large_cluster_mode_drops_endpoint_comments():
    """More than 1000 endpoints: SEP and SVC->SEP rules lose their comments (largeClusterMode)."""
    svcs = [make_service("ns", f"s{i}", [p80()], clusterIP=f"10.96.{i // 250}.{i % 250 + 1}") for i in range(400)]
    sl = [make_slice("ns", f"s{i}", [{"addresses": [f"10.1.{i // 250}.{i % 250 + j}"]} for j in range(3)],
                     [{"name": "p80", "port": 80}]) for i in range(400)]
    text = restore_text(svcs, sl, fake_config())
    sep = [ln for ln in text.splitlines() if ln.startswith("-A KUBE-SEP-")]
    assert sep and all("--comment" not in ln for ln in sep)
    assert sep[0].endswith("-j KUBE-MARK-MASQ") and " -s 10.1.0." in sep[0]


# ---- what a node shows ----------------------------------------------------------------------------

def test_round_trip_iptables_save_matches_a_real_node():
    """Restored into our netfilter, iptables-save prints what a real node prints (reference §1.7:
    /32, options in the kernel's order, probabilities with 11 decimals), and the built-in chains
    hold the jumps kube-proxy and the kubelet insert (order seen on a real 1.3x node)."""
    services, slices = overall_objects()
    services[3]["spec"]["ports"][0]["port"] = 80
    slices[3]["endpoints"].append({"addresses": ["10.180.0.6"]})
    nf = node_netfilter(services, slices)
    save = nf.iptables_save()[0]
    assert ('-A KUBE-SERVICES -d 172.30.0.41/32 -p tcp -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp '
            "--dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O") in save
    assert ('-A KUBE-SVC-XPGD46QRK7WJZT7O ! -s 10.0.0.0/8 -d 172.30.0.41/32 -p tcp -m comment --comment '
            '"ns1/svc1:p80 cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ') in save
    assert ('-A KUBE-SEP-SXIVWICOYRO3J4NJ -s 10.180.0.1/32 -m comment --comment "ns1/svc1:p80" '
            "-j KUBE-MARK-MASQ") in save
    assert ('-A KUBE-SEP-SXIVWICOYRO3J4NJ -p tcp -m comment --comment "ns1/svc1:p80" -m tcp -j DNAT '
            "--to-destination 10.180.0.1:80") in save
    assert "-m statistic --mode random --probability 0.33333333349 -j" in save
    assert "-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000" in save
    assert "-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0" in save
    assert ('-A KUBE-SERVICES -d 172.30.0.46/32 -p tcp -m comment --comment "ns6/svc6:p80 has no endpoints" '
            "-m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable") in save
    assert rules_of(nf, "filter", "INPUT") == [
        '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" '
        "-j KUBE-PROXY-FIREWALL",
        '-A INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS',
        '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" '
        "-j KUBE-EXTERNAL-SERVICES",
        "-A INPUT -j KUBE-FIREWALL",
    ]
    assert rules_of(nf, "filter", "OUTPUT")[-1] == "-A OUTPUT -j KUBE-FIREWALL"
    assert rules_of(nf, "nat", "PREROUTING") == [
        '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES']
    assert rules_of(nf, "filter", "KUBE-FIREWALL") == [
        '-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" '
        "-m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP"]
    for table in ("mangle", "nat", "filter"):
        assert "KUBE-KUBELET-CANARY" in nf.table(table).chains
        assert "KUBE-PROXY-CANARY" in nf.table(table).chains


def test_second_sync_deletes_stale_chains_and_keeps_counters():
    """A Service removed: the next restore flushes and -X deletes its chains; the jump rules are
    not duplicated; counters of rules that stay survive (--noflush --counters)."""
    services, slices = overall_objects()
    nf = Netfilter()
    proxier = IPTablesProxier(nf, fake_config())
    assert proxier.sync(services, slices).ok
    before = set(nf.table("nat").chains)
    res = proxier.sync(services[1:], slices[1:])
    assert res.ok
    assert "-X KUBE-SVC-XPGD46QRK7WJZT7O" in res.text and "-X KUBE-SEP-SXIVWICOYRO3J4NJ" in res.text
    after = set(nf.table("nat").chains)
    assert before - after == {"KUBE-SVC-XPGD46QRK7WJZT7O", "KUBE-SEP-SXIVWICOYRO3J4NJ"}
    assert len(rules_of(nf, "nat", "PREROUTING")) == 1
    assert proxier.metrics['sync_proxy_rules_iptables_total{table="nat"}'] == res.rules_total["nat"]


def test_ensure_jump_rules_is_idempotent():
    nf = Netfilter()
    ensure_jump_rules(nf)
    ensure_jump_rules(nf)
    assert len(rules_of(nf, "filter", "FORWARD")) == 4
    assert len(rules_of(nf, "nat", "POSTROUTING")) == 1


def test_failed_restore_is_reported_not_raised():
    """A restore iptables refuses (here a nodePort of 99999, which the apiserver would have
    rejected) returns ok=False with iptables-restore's message instead of raising."""
    nf = Netfilter()
    proxier = IPTablesProxier(nf, fake_config())
    svc = [make_service("ns", "s", [p80(nodePort=99999)], type="NodePort", clusterIP="10.96.0.5")]
    sl = [make_slice("ns", "s", [{"addresses": ["10.0.0.1"]}], [{"name": "p80", "port": 80}])]
    res = proxier.sync(svc, sl)
    assert res.ok is False
    assert "iptables-restore" in res.error


def test_sctp_service_restores():
    """TestClusterIPGeneral's SCTP port: kube-proxy writes `-m sctp -p sctp`."""
    svc = [make_service("ns2", "svc2", [p80(53, name="dns-sctp", protocol="SCTP")], clusterIP="172.30.0.42")]
    sl = [make_slice("ns2", "svc2", [{"addresses": ["10.180.0.1"]}],
                     [{"name": "dns-sctp", "port": 53, "protocol": "SCTP"}])]
    nf = Netfilter()
    assert IPTablesProxier(nf, fake_config()).sync(svc, sl).ok
