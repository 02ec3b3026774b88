"""kube-proxy, IPVS mode: virtual servers, ``kube-ipvs0``, ipsets and the iptables rules it still needs.

For every Service port (``pkg/proxy/ipvs/proxier.go`` ``syncProxyRules``): a virtual server per
cluster IP, external IP, load-balancer IP and, for NodePorts, per local address (``rr``
scheduler; ``persistent <timeout>`` with ClientIP affinity) whose real servers are the endpoints
(Masq forwarding, weight 1); the cluster/external/LB IPs bound as /32 on the dummy device
``kube-ipvs0`` (left DOWN); the ipsets (KUBE-CLUSTER-IP, KUBE-LOOP-BACK, KUBE-NODE-PORT-TCP,
KUBE-IPVS-IPS...) and the ``iptables-restore`` input of ``writeIptablesRules`` that matches them.

The IPVS table itself and its data path (:func:`ipvs_lookup`, :func:`ipvs_reply`, ``ipvsadm -Ln``)
are a Linux facility and live in :mod:`k8slab.linux.ipvs`, where the packet walk can reach them;
they are re-exported here.

Since kube-proxy 1.27 the filter chain KUBE-IPVS-FILTER rejects new connections to a
``kube-ipvs0`` address that no virtual server accepts, ICMP echo included (kubernetes/website
issue 41002): a ClusterIP no longer answers ping unless ``access_filter=False`` (older releases).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from k8slab.components.collector import collector_paused
from k8slab.linux import xt_ext  # noqa: F401  (registers -m set)
from k8slab.linux.ipset import IPSetError, ipsets_of
from k8slab.linux.ipvs import (
    DEFAULT_SCHEDULER,
    IPVS,
    IPVSConnection,
    IPVSMatch,
    RealServer,
    VirtualServer,
    ipvs_lookup,
    ipvs_of,
    ipvs_reply,
)

from .iptables import ProxierConfig, _nf, ensure_chain, ensure_rule
from .model import EndpointsMap, ServicePortMap, categorize_endpoints, endpoints_map, service_port_map

DUMMY_DEVICE = "kube-ipvs0"

# ipsetInfo: name, type, comment (pkg/proxy/ipvs/ipset.go, proxier.go).
IPSETS = (
    ("KUBE-LOOP-BACK", "hash:ip,port,ip", "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose"),
    ("KUBE-CLUSTER-IP", "hash:ip,port", "Kubernetes service cluster ip + port for masquerade purpose"),
    ("KUBE-EXTERNAL-IP", "hash:ip,port", "Kubernetes service external ip + port for masquerade and filter purpose"),
    ("KUBE-EXTERNAL-IP-LOCAL", "hash:ip,port",
     "Kubernetes service external ip + port with externalTrafficPolicy=local"),
    ("KUBE-LOAD-BALANCER", "hash:ip,port", "Kubernetes service lb portal"),
    ("KUBE-LOAD-BALANCER-FW", "hash:ip,port",
     "Kubernetes service load balancer ip + port for load balancer with sourceRange"),
    ("KUBE-LOAD-BALANCER-LOCAL", "hash:ip,port",
     "Kubernetes service load balancer ip + port with externalTrafficPolicy=local"),
    ("KUBE-LOAD-BALANCER-SOURCE-IP", "hash:ip,port,ip",
     "Kubernetes service load balancer ip + port + source IP for packet filter purpose"),
    ("KUBE-LOAD-BALANCER-SOURCE-CIDR", "hash:ip,port,net",
     "Kubernetes service load balancer ip + port + source cidr for packet filter purpose"),
    ("KUBE-NODE-PORT-TCP", "bitmap:port", "Kubernetes nodeport TCP port for masquerade purpose"),
    ("KUBE-NODE-PORT-LOCAL-TCP", "bitmap:port", "Kubernetes nodeport TCP port with externalTrafficPolicy=local"),
    ("KUBE-NODE-PORT-UDP", "bitmap:port", "Kubernetes nodeport UDP port for masquerade purpose"),
    ("KUBE-NODE-PORT-LOCAL-UDP", "bitmap:port", "Kubernetes nodeport UDP port with externalTrafficPolicy=local"),
    ("KUBE-NODE-PORT-SCTP-HASH", "hash:ip,port",
     "Kubernetes nodeport SCTP port for masquerade purpose with type 'hash ip:port'"),
    ("KUBE-NODE-PORT-LOCAL-SCTP-HASH", "hash:ip,port",
     "Kubernetes nodeport SCTP port with externalTrafficPolicy=local with type 'hash ip:port'"),
    ("KUBE-HEALTH-CHECK-NODE-PORT", "bitmap:port", "Kubernetes health check node port"),
    ("KUBE-IPVS-IPS", "hash:ip", "Addresses on ipvs interface"),
)
_COMMENT = {name: comment for name, _, comment in IPSETS}

# ipsetWithIptablesChain: set, table, from chain, to, match directions, protocol match.
IPSET_CHAINS = (
    ("KUBE-LOOP-BACK", "nat", "KUBE-POSTROUTING", "MASQUERADE", "dst,dst,src", ""),
    ("KUBE-LOAD-BALANCER", "nat", "KUBE-SERVICES", "KUBE-LOAD-BALANCER", "dst,dst", ""),
    ("KUBE-LOAD-BALANCER-LOCAL", "nat", "KUBE-LOAD-BALANCER", "RETURN", "dst,dst", ""),
    ("KUBE-NODE-PORT-LOCAL-TCP", "nat", "KUBE-NODE-PORT", "RETURN", "dst", "tcp"),
    ("KUBE-NODE-PORT-TCP", "nat", "KUBE-NODE-PORT", "KUBE-MARK-MASQ", "dst", "tcp"),
    ("KUBE-NODE-PORT-LOCAL-UDP", "nat", "KUBE-NODE-PORT", "RETURN", "dst", "udp"),
    ("KUBE-NODE-PORT-UDP", "nat", "KUBE-NODE-PORT", "KUBE-MARK-MASQ", "dst", "udp"),
    ("KUBE-NODE-PORT-LOCAL-SCTP-HASH", "nat", "KUBE-NODE-PORT", "RETURN", "dst,dst", "sctp"),
    ("KUBE-NODE-PORT-SCTP-HASH", "nat", "KUBE-NODE-PORT", "KUBE-MARK-MASQ", "dst,dst", "sctp"),
    ("KUBE-LOAD-BALANCER-FW", "filter", "KUBE-PROXY-FIREWALL", "KUBE-SOURCE-RANGES-FIREWALL", "dst,dst", ""),
    ("KUBE-LOAD-BALANCER-SOURCE-CIDR", "filter", "KUBE-SOURCE-RANGES-FIREWALL", "RETURN", "dst,dst,src", ""),
    ("KUBE-LOAD-BALANCER-SOURCE-IP", "filter", "KUBE-SOURCE-RANGES-FIREWALL", "RETURN", "dst,dst,src", ""),
)
NAT_CHAINS = ("KUBE-SERVICES", "KUBE-POSTROUTING", "KUBE-NODE-PORT", "KUBE-LOAD-BALANCER", "KUBE-MARK-MASQ")
FILTER_CHAINS = ("KUBE-FORWARD", "KUBE-NODE-PORT", "KUBE-PROXY-FIREWALL", "KUBE-SOURCE-RANGES-FIREWALL",
                 "KUBE-IPVS-FILTER", "KUBE-IPVS-OUT-FILTER")
# iptablesJumpChain (ipvs proxier.go): table, from, to, comment; inserted with EnsureRule(Prepend).
JUMP_CHAINS = (
    ("nat", "OUTPUT", "KUBE-SERVICES", "kubernetes service portals"),
    ("nat", "PREROUTING", "KUBE-SERVICES", "kubernetes service portals"),
    ("nat", "POSTROUTING", "KUBE-POSTROUTING", "kubernetes postrouting rules"),
    ("filter", "FORWARD", "KUBE-FORWARD", "kubernetes forwarding rules"),
    ("filter", "INPUT", "KUBE-NODE-PORT", "kubernetes health check rules"),
    ("filter", "INPUT", "KUBE-PROXY-FIREWALL", "kube-proxy firewall rules"),
    ("filter", "FORWARD", "KUBE-PROXY-FIREWALL", "kube-proxy firewall rules"),
    ("filter", "INPUT", "KUBE-IPVS-FILTER", "kubernetes ipvs access filter"),
    ("filter", "OUTPUT", "KUBE-IPVS-OUT-FILTER", "kubernetes ipvs access filter"),
)
# ---- the proxier -------------------------------------------------------------------------------

@dataclass
class IPVSSyncResult:
    """One IPVS sync: ok, the iptables restore text, the virtual servers, the bound addresses."""

    ok: bool
    text: str
    virtual_servers: int
    bound: list[str]
    error: str = ""


class IPVSProxier:
    """One node's kube-proxy in IPVS mode, programming a namespace (its IPVS table, ipsets,
    ``kube-ipvs0`` and iptables). ``access_filter=False`` leaves KUBE-IPVS-FILTER empty, as
    kube-proxy before 1.27 had it (ClusterIPs then answer ping)."""

    def __init__(self, ns, config: ProxierConfig, scheduler: str = DEFAULT_SCHEDULER, access_filter: bool = True):
        self.ns = ns
        self.nf = _nf(ns)
        self.config = config
        self.scheduler = scheduler
        self.access_filter = access_filter

    def sync(self, services: list[dict], slices: list[dict]) -> IPVSSyncResult:
        with collector_paused():
            return self.sync_maps(service_port_map(services), endpoints_map(slices, self.config.node_name))

    def _local_addresses(self) -> list[str]:
        """Every local IPv4 address except those on kube-ipvs0 (GetAllLocalAddressesExcept)."""
        return [str(a.local) for a in self.ns.addresses() if a.dev.name != DUMMY_DEVICE]

    def sync_maps(self, svc_map: ServicePortMap, ep_map: EndpointsMap) -> IPVSSyncResult:
        ns, nf, cfg = self.ns, self.nf, self.config
        ipvs, sets = ipvs_of(nf), ipsets_of(nf)
        for table, from_, to, comment in JUMP_CHAINS:
            ensure_chain(nf, table, to)
            ensure_rule(nf, table, from_, ["-m", "comment", "--comment", comment, "-j", to])
        if ns.get_link(DUMMY_DEVICE) is None:
            ns.add_dummy(DUMMY_DEVICE)
        entries: dict[str, set] = {name: set() for name, _, _ in IPSETS}
        for name, stype, _ in IPSETS:
            opts = {"port_range": (0, 65535)} if stype == "bitmap:port" else {}
            sets.create(name, stype, comment=True, **opts)
        bound_now = {str(a.local) for a in ns.addresses() if a.dev.name == DUMMY_DEVICE}
        node_addrs = self._local_addresses()
        has_np = any(s.node_port for s in svc_map.values())
        node_ips = list(node_addrs) if has_np else []
        active: set[tuple] = set()
        bind: list[str] = []
        no_node_access: list[tuple] = []
        node_ip = ipaddress.ip_address(cfg.node_ips[0]) if cfg.node_ips else None

        def service(ip: str, svc, only_local: bool, do_bind: bool) -> None:
            vs = ipvs.add(VirtualServer(svc.name.protocol, ip, svc.port, self.scheduler, svc.sticky_max_age_seconds))
            active.add(vs.key)
            if do_bind and ip not in bind:
                bind.append(ip)
            cluster, local, _, _ = categorize_endpoints(ep_map.get(svc.name, []), svc)
            eps = (local or cluster) if only_local else cluster
            want = {(e.ip, e.port) for e in eps}
            vs.real_servers = [r for r in vs.real_servers if (r.ip, r.port) in want]
            have = {(r.ip, r.port) for r in vs.real_servers}
            vs.real_servers += [RealServer(ip_, port) for ip_, port in sorted(want - have)]

        for svc in svc_map.values():
            proto = svc.protocol
            for e in ep_map.get(svc.name, []):
                if e.is_local:
                    entries["KUBE-LOOP-BACK"].add((e.ip, proto, e.port, e.ip))
            entries["KUBE-CLUSTER-IP"].add((svc.cluster_ip, proto, svc.port))
            service(svc.cluster_ip, svc, svc.internal_policy_local, True)
            for eip in svc.external_ips:
                entries["KUBE-EXTERNAL-IP-LOCAL" if svc.external_policy_local else "KUBE-EXTERNAL-IP"].add(
                    (eip, proto, svc.port))
                service(eip, svc, svc.external_policy_local, eip not in node_addrs)
            for lb in svc.load_balancer_vips:
                entries["KUBE-LOAD-BALANCER"].add((lb, proto, svc.port))
                if svc.external_policy_local:
                    entries["KUBE-LOAD-BALANCER-LOCAL"].add((lb, proto, svc.port))
                if svc.load_balancer_source_ranges:
                    entries["KUBE-LOAD-BALANCER-FW"].add((lb, proto, svc.port))
                    allow = False
                    for rng in svc.load_balancer_source_ranges:
                        entries["KUBE-LOAD-BALANCER-SOURCE-CIDR"].add((lb, proto, svc.port, rng))
                        allow = allow or (node_ip is not None and node_ip in ipaddress.ip_network(rng))
                    if allow:
                        entries["KUBE-LOAD-BALANCER-SOURCE-IP"].add((lb, proto, svc.port, lb))
                    else:
                        no_node_access.append((lb, proto, svc.port))
                service(lb, svc, svc.external_policy_local, lb not in node_addrs)
            if svc.node_port and node_ips:
                if proto in ("tcp", "udp"):
                    entries[f"KUBE-NODE-PORT-{proto.upper()}"].add((svc.node_port,))
                    if svc.external_policy_local:
                        entries[f"KUBE-NODE-PORT-LOCAL-{proto.upper()}"].add((svc.node_port,))
                for nip in node_ips:
                    vs = ipvs.add(VirtualServer(svc.name.protocol, nip, svc.node_port, self.scheduler,
                                                svc.sticky_max_age_seconds))
                    active.add(vs.key)
                    cluster, local, _, _ = categorize_endpoints(ep_map.get(svc.name, []), svc)
                    eps = (local or cluster) if svc.external_policy_local else cluster
                    vs.real_servers = [RealServer(e.ip, e.port) for e in eps]
            if svc.health_check_node_port:
                entries["KUBE-HEALTH-CHECK-NODE-PORT"].add((svc.health_check_node_port,))
        entries["KUBE-IPVS-IPS"] = {(ip,) for ip in bind}

        for name, want in entries.items():
            s = sets.get(name)
            s.members = {k: "" for k in want}
            s._nets = []
        text = self.restore_text(entries, no_node_access)
        _, err, rc = nf.iptables_restore(text, ["-w", "5", "-W", "100000", "--noflush", "--counters"])
        for ip in bind:
            if ip not in bound_now:
                ns.add_address(DUMMY_DEVICE, f"{ip}/32")
        for ip in bound_now - set(bind):
            ns.del_address(DUMMY_DEVICE, f"{ip}/32")
        for key in [k for k in ipvs.services if k not in active]:
            ipvs.delete(key)
        return IPVSSyncResult(rc == 0, text, len(ipvs.services), bind, err)

    def restore_text(self, entries: dict[str, set], no_node_access=()) -> str:
        """The ``iptables-restore`` input of ``writeIptablesRules``: nat first, then filter."""
        cfg = self.config
        mark = cfg.masq_mark
        nat_chains = ["*nat"] + [f":{c} - [0:0]" for c in NAT_CHAINS]
        filter_chains = ["*filter"] + [f":{c} - [0:0]" for c in FILTER_CHAINS]
        nat = ["-A KUBE-SERVICES -s 127.0.0.0/8 -j RETURN"]
        flt: list[str] = []

        def comment(name):
            return f'-m comment --comment "{_COMMENT[name]}"'

        for name, table, from_, to, match, proto in IPSET_CHAINS:
            if entries.get(name):
                p = f"-p {proto} " if proto else ""
                line = f"-A {from_} {p}{comment(name)} -m set --match-set {name} {match} -j {to}"
                (flt if table == "filter" else nat).append(line)
        if entries.get("KUBE-CLUSTER-IP"):
            head = f"-A KUBE-SERVICES {comment('KUBE-CLUSTER-IP')} -m set --match-set KUBE-CLUSTER-IP"
            if cfg.masquerade_all:
                nat.append(f"{head} dst,dst -j KUBE-MARK-MASQ")
            elif cfg.cluster_cidr:
                nat.append(f"{head} dst,dst ! -s {cfg.cluster_cidr} -j KUBE-MARK-MASQ")
            else:
                nat.append(f"{head} src,dst -j KUBE-MARK-MASQ")
        for name, masq in (("KUBE-EXTERNAL-IP", True), ("KUBE-EXTERNAL-IP-LOCAL", False)):
            if entries.get(name):
                head = f"-A KUBE-SERVICES {comment(name)} -m set --match-set {name} dst,dst"
                if masq:
                    nat.append(f"{head} -j KUBE-MARK-MASQ")
                nat.append(f"{head} -m physdev ! --physdev-is-in -m addrtype ! --src-type LOCAL -j ACCEPT")
                nat.append(f"{head} -m addrtype --dst-type LOCAL -j ACCEPT")
        nat.append("-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT")
        nat.append("-A KUBE-LOAD-BALANCER -j KUBE-MARK-MASQ")
        flt.append("-A KUBE-SOURCE-RANGES-FIREWALL -j DROP")
        for ip, proto, port in no_node_access:
            flt.append(f"-A KUBE-IPVS-OUT-FILTER -s {ip} -m ipvs --vaddr {ip} --vproto {proto} --vport {port} -j DROP")
        for name in ("KUBE-CLUSTER-IP", "KUBE-LOAD-BALANCER"):
            if entries.get(name):
                nat.append(f"-A KUBE-SERVICES -m set --match-set {name} dst,dst -j ACCEPT")
        flt.append(f'-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark {mark}/{mark} '
                   "-j ACCEPT")
        flt.append('-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack '
                   "--ctstate RELATED,ESTABLISHED -j ACCEPT")
        flt.append(f"-A KUBE-NODE-PORT {comment('KUBE-HEALTH-CHECK-NODE-PORT')} -m set --match-set "
                   "KUBE-HEALTH-CHECK-NODE-PORT dst -j ACCEPT")
        if self.access_filter:
            for name in ("KUBE-LOAD-BALANCER", "KUBE-CLUSTER-IP", "KUBE-EXTERNAL-IP", "KUBE-EXTERNAL-IP-LOCAL"):
                flt.append(f"-A KUBE-IPVS-FILTER -m set --match-set {name} dst,dst -j RETURN")
            flt.append("-A KUBE-IPVS-FILTER -m set --match-set KUBE-HEALTH-CHECK-NODE-PORT dst -j RETURN")
            flt.append("-A KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set KUBE-IPVS-IPS dst -j REJECT")
        nat += [f"-A KUBE-POSTROUTING -m mark ! --mark {mark}/{mark} -j RETURN",
                f"-A KUBE-POSTROUTING -j MARK --xor-mark {mark}",
                '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE'
                + (" --random-fully" if cfg.random_fully else ""),
                f"-A KUBE-MARK-MASQ -j MARK --or-mark {mark}"]
        return "\n".join(nat_chains + nat + ["COMMIT"] + filter_chains + flt + ["COMMIT", ""])


__all__ = ["IPVS", "IPVSConnection", "IPVSMatch", "IPVSProxier", "IPVSSyncResult", "RealServer", "VirtualServer",
           "IPSetError", "ipvs_lookup", "ipvs_of", "ipvs_reply"]
