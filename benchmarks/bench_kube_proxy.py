"""kube-proxy at scale: 10,000 Services with 3 endpoints each on a 100-node cluster.

* one node's full iptables sync: compute the rules and ``iptables-restore`` them into a fresh
  netfilter (target 2 s);
* one ClusterIP packet through the result (nat PREROUTING then filter FORWARD, new
  connection: the rules, conntrack and the DNAT; target 50 ms);
* the number of rules a new connection's first packet is tested against, as the kernel
  evaluates chains (one rule after another), in iptables mode and in IPVS mode, for 100,
  1,000 and 10,000 Services (notebook 09 plots ``rules_iptables`` / ``rules_ipvs``).
"""

from __future__ import annotations

import random
import time

from k8slab.components.kube_proxy import IPTablesProxier, IPVSProxier, ProxierConfig
from k8slab.linux.netfilter import HookContext, Netfilter
from k8slab.linux.packet import TCP, IPv4

NODES = 100
EPS_PER_SERVICE = 3


def cluster_objects(n_services: int, nodes: int = NODES, eps: int = EPS_PER_SERVICE, seed: int = 0):
    """Services web-i (ClusterIP 10.96.x.y:80 -> 8080) and one EndpointSlice each, endpoints spread
    over ``nodes`` nodes (node k owns pod CIDR 10.244.k.0/24)."""
    rng = random.Random(seed)
    services, slices = [], []
    for i in range(n_services):
        ip = f"10.{96 + (i + 1) // 65536}.{((i + 1) // 256) % 256}.{(i + 1) % 256}"
        services.append({"metadata": {"namespace": "bench", "name": f"web-{i}"},
                         "spec": {"clusterIP": ip, "ports": [{"name": "http", "port": 80, "targetPort": 8080}]}})
        endpoints = []
        for _ in range(eps):
            k = rng.randrange(nodes)
            endpoints.append({"addresses": [f"10.244.{k}.{rng.randrange(2, 250)}"], "nodeName": f"node-{k}",
                              "conditions": {"ready": True}})
        slices.append({"metadata": {"namespace": "bench", "name": f"web-{i}-abcde",
                                    "labels": {"kubernetes.io/service-name": f"web-{i}"}},
                       "addressType": "IPv4", "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
                       "endpoints": endpoints})
    return services, slices


def rules_evaluated(nf: Netfilter, steps, hook: str) -> int:
    """How many rules the kernel tests, replaying the matched steps over the chains' real lengths:
    each chain visit evaluates its rules in order up to the one that jumped or decided, and all
    of them if the packet fell off its end."""
    total = 0
    by_table: list[tuple[str, list]] = []
    for s in steps:
        if s.table == "conntrack":
            continue
        if not by_table or by_table[-1][0] != s.table:
            by_table.append((s.table, []))
        by_table[-1][1].append(s)
    for table, group in by_table:
        chains = nf.table(table).chains
        stack = [[hook, 0]]
        done = False
        for s in group:
            if s.rulenum is None:  # the built-in chain's policy: everything fell through
                break
            while stack and stack[-1][0] != s.chain:
                name, pos = stack.pop()
                total += len(chains[name].rules) - pos
            if not stack:
                break
            total += s.rulenum - stack[-1][1]
            stack[-1][1] = s.rulenum
            if s.action.startswith("jump to "):
                stack.append([s.action[len("jump to "):], 0])
            elif not s.action.startswith(("MARK", "count")) and s.action != "RETURN":
                done = True
                break
        if not done:
            for name, pos in stack:
                total += len(chains[name].rules) - pos
    return total


def node_ctx(node_ips=("172.18.0.2",)):
    def is_local(a):
        return a in node_ips or a.startswith("127.")

    return HookContext(in_iface="veth0", is_local=is_local, random=random.Random(1))


def iptables_path(nf: Netfilter, dst: str):
    """A new TCP connection from a pod on this node to ``dst``:80: PREROUTING, then FORWARD."""
    ctx = node_ctx()
    pkt = IPv4(src="10.244.0.7", dst=dst) / TCP(sport=40000, dport=80, flags="S")
    r1 = nf.hook("PREROUTING", pkt, ctx)
    ctx.out_iface = "eth0"
    r2 = nf.hook("FORWARD", r1.packet, ctx)
    return r1, r2


def iptables_node(n_services: int):
    services, slices = cluster_objects(n_services)
    nf = Netfilter()
    t0 = time.perf_counter()
    res = IPTablesProxier(nf, ProxierConfig("node-0", ["172.18.0.2"])).sync(services, slices)
    elapsed = time.perf_counter() - t0
    assert res.ok, res.error
    return nf, services, elapsed, res


class _Addr:
    def __init__(self, local, dev):
        self.local, self.dev = local, dev
        self.cidr = f"{local}/32"


class _Link:
    def __init__(self, name):
        self.name = name


class StubNode:
    """A namespace stand-in keeping only what IPVS mode touches besides netfilter (kube-ipvs0 and
    its addresses). The real ``NetNS.add_address`` checks every existing address (O(n) per
    address: about 400 s to bind 10,000 ClusterIPs), which would only measure that."""

    def __init__(self, node_ip: str):
        self.netfilter = Netfilter()
        self._links = {"eth0": _Link("eth0")}
        self._addrs = {node_ip: _Addr(node_ip, self._links["eth0"])}

    def get_link(self, name):
        return self._links.get(name)

    def add_dummy(self, name):
        self._links[name] = _Link(name)

    def addresses(self):
        return list(self._addrs.values())

    def add_address(self, dev, cidr):
        ip = cidr.split("/")[0]
        self._addrs[ip] = _Addr(ip, self._links[dev])

    def del_address(self, dev, cidr):
        self._addrs.pop(cidr.split("/")[0], None)


def ipvs_node(n_services: int):
    services, slices = cluster_objects(n_services)
    ns = StubNode("172.18.0.2")
    res = IPVSProxier(ns, ProxierConfig("node-0", ["172.18.0.2"])).sync(services, slices)
    assert res.ok, res.error
    return ns, services


def ipvs_rules(ns, dst: str) -> int:
    """IPVS mode, same packet: nat PREROUTING (ipset matches), then the destination is local
    (kube-ipvs0) so filter INPUT, then one IPVS virtual-server hash lookup (counted as 1)."""
    nf = ns.netfilter
    ctx = node_ctx(("172.18.0.2", dst))
    pkt = IPv4(src="10.244.0.7", dst=dst) / TCP(sport=40000, dport=80, flags="S")
    r1 = nf.hook("PREROUTING", pkt, ctx)
    r2 = nf.hook("INPUT", r1.packet, ctx)
    return rules_evaluated(nf, r1.steps, "PREROUTING") + rules_evaluated(nf, r2.steps, "INPUT") + 1


def bench() -> list[dict]:
    results = []
    nf, services, sync_s, res = iptables_node(10_000)
    results.append({"name": "kube-proxy iptables full sync (one node, generate + restore)",
                    "size": f"10000 services x {EPS_PER_SERVICE} endpoints, {NODES} nodes, "
                            f"{res.rules_total['nat']} nat + {res.rules_total['filter']} filter rules",
                    "seconds": sync_s, "target": 2.0})
    mid = sorted(services, key=lambda s: s["metadata"]["name"])[len(services) // 2]["spec"]["clusterIP"]
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        iptables_path(nf, mid)
        times.append(time.perf_counter() - t0)
    results.append({"name": "ClusterIP packet through the rules (PREROUTING + FORWARD)",
                    "size": "10000 services, new connection (first one builds the chain index)",
                    "seconds": times, "target": 0.05, "first_seconds": times[0]})
    for n in (100, 1_000, 10_000):
        nf_n = nf if n == 10_000 else iptables_node(n)[0]
        svcs = services if n == 10_000 else cluster_objects(n)[0]
        by_name = sorted(svcs, key=lambda s: s["metadata"]["name"])  # KUBE-SERVICES order
        middle = by_name[len(by_name) // 2]["spec"]["clusterIP"]
        r1, r2 = iptables_path(nf_n, middle)
        ipt = rules_evaluated(nf_n, r1.steps, "PREROUTING") + rules_evaluated(nf_n, r2.steps, "FORWARD")
        t0 = time.perf_counter()
        ns, _ = ipvs_node(n)
        ipvs_sync = time.perf_counter() - t0
        ipv = ipvs_rules(ns, middle)
        results.append({"name": "rules a new connection is tested against (iptables vs IPVS); time: IPVS sync",
                        "size": f"{n} services: iptables {ipt} rules, ipvs {ipv} rules",
                        "seconds": ipvs_sync, "services": n, "rules_iptables": ipt, "rules_ipvs": ipv})
    return results


if __name__ == "__main__":  # pragma: no cover
    for r in bench():
        print(r)
